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
// with the nearest passages by cosine (Fusion, fusion.go). Vectors
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

// denseCandidates returns the passages nearest to the query that pass the
// filters and the fusion's floor, best first; nil when dense retrieval is
// off or fails, or when nothing is close enough.
func (ix *Index) denseCandidates(ctx context.Context, q string, filters map[string][]string, k int, f Fusion) []vector.Result {
	d := ix.dense.Load()
	if d == nil || q == "" {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, queryEmbedTimeout)
	defer cancel()
	qv, err := embedQuery(ctx, d.embedder, q)
	if err != nil {
		ix.log.Warn("query embedding failed, answering lexically", "err", err)
		return nil
	}
	lib := ix.Library()
	res, err := d.store.Search(qv, k, func(id string) bool {
		p, ok := lib.Passage(id)
		return ok && passesFilters(p, filters)
	})
	if err != nil {
		ix.log.Warn("vector search failed, answering lexically", "err", err)
		return nil
	}
	return f.Floor(res)
}

// passesFilters applies facet filters to a passage in memory, as the
// index does: values of one facet OR-ed, facets AND-ed.
func passesFilters(p *corpus.Passage, filters map[string][]string) bool {
	for field, values := range filters {
		have, ok := passageFacet(p, field)
		if !ok {
			return false
		}
		if !slices.ContainsFunc(values, func(v string) bool { return slices.Contains(have, v) }) {
			return false
		}
	}
	return true
}

// passageFacet returns a passage's values of a facet field, as indexed.
func passageFacet(p *corpus.Passage, field string) ([]string, bool) {
	switch field {
	case FieldCounty:
		return p.Counties, true
	case FieldCity:
		return p.Cities, true
	case FieldTheme:
		return p.Themes, true
	case FieldKind:
		return []string{string(p.Kind)}, true
	case FieldPolicy:
		return p.Policies, true
	}
	return nil, false
}

// fuse merges the lexical ranking with the dense candidates by f.
// Passages only the vectors found get a scored entry without match
// locations.
func fuse(lexical []scored, dense []vector.Result, lib *corpus.Library, f Fusion) []scored {
	if len(dense) == 0 || !f.Active() {
		return lexical
	}
	cands := make([]Candidate, len(lexical))
	byID := make(map[string]scored, len(lexical))
	for i, h := range lexical {
		cands[i] = Candidate{ID: h.p.ID, Keyword: h.score}
		byID[h.p.ID] = h
	}
	out := make([]scored, 0, len(lexical)+len(dense))
	for _, c := range f.Combine(cands, dense) {
		h, ok := byID[c.ID]
		if !ok {
			p, found := lib.Passage(c.ID)
			if !found {
				continue
			}
			h = scored{p: p, denseOnly: true}
		}
		h.score = c.Score
		out = append(out, h)
	}
	return out
}

// queryEmbedder embeds queries apart from passages (embedding.Cached keeps
// them in a bounded memory cache and never on disk).
type queryEmbedder interface {
	EmbedQuery(ctx context.Context, text string) ([]float32, error)
}

func embedQuery(ctx context.Context, e embedding.Embedder, q string) ([]float32, error) {
	if qe, ok := e.(queryEmbedder); ok {
		return qe.EmbedQuery(ctx, q)
	}
	vecs, err := e.Embed(ctx, []string{q})
	if err != nil {
		return nil, err
	}
	if len(vecs) != 1 {
		return nil, fmt.Errorf("embedder returned %d vectors for one query", len(vecs))
	}
	return vecs[0], nil
}

// removeVectors drops the vectors of a removed document's passages from
// the store and from the persistent cache.
func (d *dense) removeVectors(lib *corpus.Library, passages []*corpus.Passage) error {
	ids := make([]string, len(passages))
	texts := make([]string, len(passages))
	for i, p := range passages {
		ids[i] = p.ID
		texts[i] = embedText(lib, p)
	}
	d.store.Remove(ids...)
	if c, ok := d.embedder.(*embedding.Cached); ok {
		c.Forget(texts)
		return c.Save()
	}
	return nil
}
