// Package kbase assembles the knowledge base from its parts: the gazetteer
// and ontology tag the embedded corpus, the segmenter learns their words,
// and the index is opened over the result. The binary and the tests of
// the other packages build the product the same way through it.
package kbase

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/relate"
	"github.com/shanxi-sme/kb/segment"
	"github.com/shanxi-sme/kb/specificity"
)

// Parts are the loaded, read-only components of the knowledge base.
type Parts struct {
	Places    *corpus.Gazetteer
	Themes    *corpus.Ontology
	Concepts  *corpus.Thesaurus
	Tagger    *corpus.Tagger
	Library   *corpus.Library
	Segmenter *segment.Segmenter
	// Specificity tells telling words from ordinary ones for relatedness.
	Specificity *specificity.Model
	// dataFingerprint identifies the vocabularies tagging used (stored
	// parse results made with others are parsed again).
	dataFingerprint string
}

// Load reads the embedded gazetteer, ontology and corpus and builds the
// segmenter with their words. The segmenter takes about half a second to
// load: call Load (or LoadVocab) once per process.
func Load() (*Parts, error) { return LoadVocab("") }

// Relate returns the relatedness engine (linking, similar practices,
// indicator questions) over ix.
func (p *Parts) Relate(ix *index.Index) (*relate.Engine, error) {
	return relate.New(relate.Config{Index: ix, Segmenter: p.Segmenter, Concepts: p.Concepts, Places: p.Places,
		Themes: p.Themes, Specificity: p.Specificity})
}

// OpenIndex opens (building if needed) the lexical index under dataDir/index.
func (p *Parts) OpenIndex(ctx context.Context, dataDir string, log *slog.Logger) (*index.Index, error) {
	return p.OpenIndexWith(ctx, dataDir, log, embedding.Config{})
}

// OpenIndexWith opens the index with dense retrieval when emb is enabled;
// embeddings are cached under dataDir so a restart embeds only new text.
func (p *Parts) OpenIndexWith(ctx context.Context, dataDir string, log *slog.Logger, emb embedding.Config) (*index.Index, error) {
	return p.openIndex(ctx, dataDir, log, emb, p.Library)
}

func (p *Parts) openIndex(ctx context.Context, dataDir string, log *slog.Logger, emb embedding.Config, lib *corpus.Library) (*index.Index, error) {
	cfg := index.Config{
		Dir: filepath.Join(dataDir, "index"), Library: lib, Segmenter: p.Segmenter,
		Themes: p.Themes, Concepts: p.Concepts, Places: p.Places, Logger: log, Specificity: p.Specificity,
	}
	if emb.Enabled() {
		e, err := newEmbedder(dataDir, emb)
		if err != nil {
			return nil, err
		}
		cfg.Embedder = e
	}
	ix, err := index.Open(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open index: %w", err)
	}
	return ix, nil
}

// newEmbedder builds the OpenAI-compatible client with its on-disk cache.
func newEmbedder(dataDir string, c embedding.Config) (embedding.Embedder, error) {
	if err := c.Validate(); err != nil {
		return nil, fmt.Errorf("embedding settings: %w", err)
	}
	client, err := embedding.NewOpenAI(c, nil)
	if err != nil {
		return nil, fmt.Errorf("embedding client: %w", err)
	}
	sum := sha256.Sum256([]byte(c.URL + "\x00" + c.Model))
	path := filepath.Join(dataDir, "embeddings-"+hex.EncodeToString(sum[:6])+".cache")
	cached, err := embedding.NewCached(client, path)
	if errors.Is(err, embedding.ErrCorruptCache) {
		// The cache is derived data: drop it and embed again.
		if rmErr := os.Remove(path); rmErr != nil {
			return nil, fmt.Errorf("remove corrupt embedding cache: %w", rmErr)
		}
		cached, err = embedding.NewCached(client, path)
	}
	if err != nil {
		return nil, fmt.Errorf("embedding cache: %w", err)
	}
	return cached, nil
}
