package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/kbase"
)

// loadParts loads the dictionaries once per process: the segmenter is bound
// to bleve's process-wide registry and cannot be loaded twice.
var loadParts = sync.OnceValues(kbase.Load)

// openIndex loads the knowledge base and opens its index under dataDir.
func openIndex(ctx context.Context, dataDir string, log *slog.Logger) (*index.Index, error) {
	start := time.Now()
	parts, err := loadParts()
	if err != nil {
		return nil, err
	}
	log.Info("dictionaries loaded", "domain_words", parts.Segmenter.DomainWords(), "ms", time.Since(start).Milliseconds())
	ix, err := parts.OpenIndex(ctx, dataDir, log)
	if err != nil {
		return nil, err
	}
	log.Info("index ready", "ms", time.Since(start).Milliseconds())
	return ix, nil
}
