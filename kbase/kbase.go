// Package kbase assembles the knowledge base from its parts: the gazetteer
// and ontology tag the embedded corpus, the segmenter learns their words,
// and the index is opened over the result. The binary and the tests of
// the other packages build the product the same way through it.
package kbase

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/segment"
)

// Parts are the loaded, read-only components of the knowledge base.
type Parts struct {
	Places    *corpus.Gazetteer
	Themes    *corpus.Ontology
	Concepts  *corpus.Thesaurus
	Tagger    *corpus.Tagger
	Library   *corpus.Library
	Segmenter *segment.Segmenter
}

// Load reads the embedded gazetteer, ontology and corpus and builds the
// segmenter with their words. The segmenter takes about two seconds to
// load: call Load once per process.
func Load() (*Parts, error) {
	places, err := corpus.DefaultGazetteer()
	if err != nil {
		return nil, fmt.Errorf("load gazetteer: %w", err)
	}
	themes, err := corpus.DefaultOntology()
	if err != nil {
		return nil, fmt.Errorf("load ontology: %w", err)
	}
	concepts, err := corpus.DefaultThesaurus(themes)
	if err != nil {
		return nil, fmt.Errorf("load thesaurus: %w", err)
	}
	tagger := &corpus.Tagger{Places: places, Themes: themes}
	docs, err := corpus.LoadSeed(tagger)
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	words := append(append(places.Terms(), themes.Terms()...), concepts.Terms()...)
	seg, err := segment.New(segment.Options{Words: words})
	if err != nil {
		return nil, fmt.Errorf("load segmenter: %w", err)
	}
	return &Parts{Places: places, Themes: themes, Concepts: concepts, Tagger: tagger, Library: corpus.NewLibrary(docs), Segmenter: seg}, nil
}

// OpenIndex opens (building if needed) the index under dataDir/index.
func (p *Parts) OpenIndex(ctx context.Context, dataDir string, log *slog.Logger) (*index.Index, error) {
	ix, err := index.Open(ctx, index.Config{
		Dir: filepath.Join(dataDir, "index"), Library: p.Library, Segmenter: p.Segmenter,
		Themes: p.Themes, Concepts: p.Concepts, Places: p.Places, Logger: log,
	})
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	return ix, nil
}
