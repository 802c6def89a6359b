package main

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/segment"
)

// openIndex wires the product together: gazetteer and ontology tag the
// embedded corpus, the segmenter learns their words, and the index is
// opened (or rebuilt) under dataDir.
func openIndex(ctx context.Context, dataDir string, log *slog.Logger) (*index.Index, error) {
	start := time.Now()
	places, err := corpus.DefaultGazetteer()
	if err != nil {
		return nil, fmt.Errorf("load gazetteer: %w", err)
	}
	themes, err := corpus.DefaultOntology()
	if err != nil {
		return nil, fmt.Errorf("load ontology: %w", err)
	}
	docs, err := corpus.LoadSeed(&corpus.Tagger{Places: places, Themes: themes})
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	lib := corpus.NewLibrary(docs)
	words := append(places.Terms(), themes.Terms()...)
	seg, err := segment.New(segment.Options{Words: words})
	if err != nil {
		return nil, fmt.Errorf("load segmenter: %w", err)
	}
	log.Info("dictionaries loaded", "domain_words", seg.DomainWords(), "ms", time.Since(start).Milliseconds())
	ix, err := index.Open(ctx, index.Config{
		Dir: filepath.Join(dataDir, "index"), Library: lib, Segmenter: seg,
		Themes: themes, Places: places, Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	log.Info("index ready", "ms", time.Since(start).Milliseconds())
	return ix, nil
}
