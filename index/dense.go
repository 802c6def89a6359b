package index

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/vector"
)

// Dense retrieval is optional: with an embedder configured, every passage
// has a vector and a text query is answered by fusing the lexical ranking
// with the nearest passages by cosine (reciprocal rank fusion). Vectors
// live in memory in an exact-cosine store; the embeddings are cached on
// disk by text hash (embedding.Cached), so a restart or a re-index embeds
// only new text.

// queryEmbedTimeout bounds the wait for the query's vector; past it the
// search answers lexically.
const queryEmbedTimeout = 3 * time.Second

// dense holds the vectors of the passages.
type dense struct {
	embedder embedding.Embedder
	store    *vector.Store
}

// Retrieval tells how searches are ranked: "lexical" or "hybrid".
func (ix *Index) Retrieval() string {
	if ix.dense.Load() != nil {
		return "hybrid"
	}
	return "lexical"
}

// embedPassages builds the vector store for lib (embedding what the cache lacks).
func embedPassages(ctx context.Context, e embedding.Embedder, lib *corpus.Library, log *slog.Logger) (*dense, error) {
	passages := lib.Passages()
	texts := make([]string, len(passages))
	for i, p := range passages {
		texts[i] = embedText(lib, p)
	}
	start := time.Now()
	vecs, err := e.Embed(ctx, texts)
	if err != nil {
		return nil, fmt.Errorf("embed %d passages: %w", len(texts), err)
	}
	if c, ok := e.(*embedding.Cached); ok {
		if err := c.Save(); err != nil {
			log.Warn("save embedding cache", "err", err)
		}
	}
	store := vector.New(e.Model(), e.Dimensions())
	for i, p := range passages {
		if err := store.Add(p.ID, vecs[i]); err != nil {
			return nil, fmt.Errorf("vector of %s: %w", p.ID, err)
		}
	}
	log.Info("passages embedded", "model", e.Model(), "passages", len(passages), "ms", time.Since(start).Milliseconds())
	return &dense{embedder: e, store: store}, nil
}

// addVectors embeds new passages into the store.
func (d *dense) addVectors(ctx context.Context, lib *corpus.Library, passages []*corpus.Passage) error {
	texts := make([]string, len(passages))
	for i, p := range passages {
		texts[i] = embedText(lib, p)
	}
	vecs, err := d.embedder.Embed(ctx, texts)
	if err != nil {
		return fmt.Errorf("embed %d new passages: %w", len(texts), err)
	}
	if c, ok := d.embedder.(*embedding.Cached); ok {
		_ = c.Save()
	}
	for i, p := range passages {
		if err := d.store.Add(p.ID, vecs[i]); err != nil {
			return fmt.Errorf("vector of %s: %w", p.ID, err)
		}
	}
	return nil
}

// embedText is what a passage's vector represents: its heading path (the
// case title says what the measure is about) and its text.
func embedText(lib *corpus.Library, p *corpus.Passage) string {
	if p.Case != nil {
		return p.Case.Title + "\n" + p.Text
	}
	return p.Title + "\n" + p.Text
}

// denseRanking returns the passage IDs nearest to the query that pass the
// filters, best first; nil when dense retrieval is off or fails.
func (ix *Index) denseRanking(ctx context.Context, q string, filters map[string][]string, k int) []string {
	d := ix.dense.Load()
	if d == nil || q == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, queryEmbedTimeout)
	defer cancel()
	vecs, err := d.embedder.Embed(ctx, []string{q})
	if err != nil || len(vecs) != 1 {
		ix.log.Warn("query embedding failed, answering lexically", "err", err)
		return nil
	}
	lib := ix.Library()
	res, err := d.store.Search(vecs[0], k, func(id string) bool {
		p, ok := lib.Passage(id)
		return ok && passesFilters(p, filters)
	})
	if err != nil {
		ix.log.Warn("vector search failed, answering lexically", "err", err)
		return nil
	}
	out := make([]string, len(res))
	for i, r := range res {
		out[i] = r.ID
	}
	return out
}

// passesFilters applies facet filters to a passage in memory, as the
// index does: values of one facet OR-ed, facets AND-ed.
func passesFilters(p *corpus.Passage, filters map[string][]string) bool {
	for field, values := range filters {
		var have []string
		switch field {
		case FieldCounty:
			have = p.Counties
		case FieldCity:
			have = p.Cities
		case FieldTheme:
			have = p.Themes
		case FieldKind:
			have = []string{string(p.Kind)}
		case FieldPolicy:
			have = p.Policies
		default:
			return false
		}
		if !slices.ContainsFunc(values, func(v string) bool { return slices.Contains(have, v) }) {
			return false
		}
	}
	return true
}

// fuse merges the lexical ranking with the dense one by reciprocal rank
// fusion. Passages only the vectors found get a scored entry without
// match locations.
func fuse(lexical []scored, denseIDs []string, lib *corpus.Library) []scored {
	if len(denseIDs) == 0 {
		return lexical
	}
	ids := make([]string, len(lexical))
	byID := map[string]scored{}
	for i, h := range lexical {
		ids[i] = h.p.ID
		byID[h.p.ID] = h
	}
	var out []scored
	for _, f := range vector.FuseRRF(vector.DefaultRRFK, ids, denseIDs) {
		h, ok := byID[f.ID]
		if !ok {
			p, found := lib.Passage(f.ID)
			if !found {
				continue
			}
			h = scored{p: p, denseOnly: true}
		}
		h.score = f.Score
		out = append(out, h)
	}
	return out
}
