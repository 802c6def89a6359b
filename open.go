package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/kbase"
	"github.com/shanxi-sme/kb/synth"
)

// loadParts loads the dictionaries once per process: the segmenter is bound
// to bleve's process-wide registry and cannot be loaded twice.
var loadParts = sync.OnceValues(kbase.Load)

// openKB loads the knowledge base with its stored documents under dataDir.
func openKB(ctx context.Context, dataDir string, log *slog.Logger, emb embedding.Config, synthPassages ...int) (*kbase.KB, error) {
	start := time.Now()
	parts, err := loadParts()
	if err != nil {
		return nil, err
	}
	log.Info("dictionaries loaded", "domain_words", parts.Segmenter.DomainWords(), "ms", time.Since(start).Milliseconds())
	var extra []*corpus.Document
	if len(synthPassages) > 0 && synthPassages[0] > 0 {
		g, err := synth.New(parts.Library, parts.Places)
		if err != nil {
			return nil, err
		}
		if extra, err = g.Documents(1, synthPassages[0], parts.Tagger); err != nil {
			return nil, err
		}
		log.Info("synthetic corpus generated", "documents", len(extra), "ms", time.Since(start).Milliseconds())
	}
	kb, err := parts.Open(ctx, dataDir, log, emb, extra...)
	if err != nil {
		return nil, err
	}
	log.Info("knowledge base ready", "documents", len(kb.Index().Library().Documents()),
		"retrieval", kb.Index().Retrieval(), "ms", time.Since(start).Milliseconds())
	return kb, nil
}
