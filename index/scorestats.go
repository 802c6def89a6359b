package index

import (
	"context"
	"fmt"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	index "github.com/blevesearch/bleve_index_api"
)

// Collection statistics for BM25 that do not depend on how the index is
// cut into segments.
//
// bleve's BM25 takes the average field length to be the sum of the sizes
// of the segments' term dictionaries over the number of passages, rounded
// up. Every segment repeats the common words, so the same passages score
// twice as high on 50 segments as on one, and hits reorder while segments
// come and go: after an upload, during a merge. collectionStats computes
// the figure a single segment would give, the number of distinct terms of
// the field over the whole snapshot, and every search passes it to bleve
// (its hook for consistent scoring across the indexes of an alias). Scores then
// depend on the passages alone, so segments can be left to bleve's merges.

// searchIndex runs req on the index with its segment-independent scoring
// statistics and the passage texts phrases are checked against. Every
// search of the index goes through here.
func (ix *Index) searchIndex(ctx context.Context, req *bleve.SearchRequest) (*bleve.SearchResult, error) {
	if stats := ix.stats.Load(); stats != nil {
		ctx = context.WithValue(ctx, search.BM25StatsKey, stats)
	}
	ctx = context.WithValue(ctx, phraseTextsKey{}, phraseTexts(ix)) // for phrase clauses (phrase.go)
	return ix.bleve.SearchInContext(ctx, req)
}

// passageTexts returns the passage texts of snapshot r (texttable.go).
func (ix *Index) passageTexts(r index.IndexReader) (*textTable, error) {
	return ix.texts.table(r, ix.Library())
}

// refreshScoreStats recomputes the statistics after the passages changed:
// once the index is opened and after every update or deletion, in the
// writer, so no search waits for them (45–76 ms at 10⁵ passages and
// 0.6 s at 10⁶ on a few segments; nothing to count on one). bleve's own persisting and merging change
// segments, not passages, and leave them as they are. Until a refresh
// succeeds the previous figures stay: off by the passages just added.
func (ix *Index) refreshScoreStats(ctx context.Context) {
	started := time.Now()
	r, err := ix.reader()
	if err != nil {
		ix.log.Warn("scoring statistics not refreshed", "err", err)
		return
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || snap == nil {
		return // not scorch: bleve's own statistics
	}
	stats, err := collectionStats(ctx, r)
	if err != nil {
		ix.log.Warn("scoring statistics not refreshed", "err", err)
		return
	}
	ix.stats.Store(stats)
	ix.log.Debug("scoring statistics", "passages", stats.DocCount, "segments", len(snap.Segments()),
		"ms", time.Since(started).Milliseconds())
}

// scoredFields are the fields a query can score on; each needs a figure
// even when no passage has it yet, or bleve refuses the search. "*" is
// the name bleve gives the single term reader it makes of an unscored
// disjunction (a filter on several values), and _all and _id are its
// built-in fields; its own figure for each is 0.
var scoredFields = []string{FieldText, FieldTitle, FieldCounty, FieldCity, FieldTheme, FieldCaseTheme, FieldKind, FieldPolicy, FieldDoc, FieldOrder, "*", "_all", "_id"}

// collectionStats counts the passages of snapshot r and the distinct terms
// of each of its fields.
func collectionStats(ctx context.Context, r index.IndexReader) (*search.BM25Stats, error) {
	docs, err := r.DocCount()
	if err != nil {
		return nil, fmt.Errorf("scoring statistics: %w", err)
	}
	fields, err := r.Fields()
	if err != nil {
		return nil, fmt.Errorf("scoring statistics: %w", err)
	}
	card := make(map[string]int, len(scoredFields)+len(fields))
	for _, f := range scoredFields {
		card[f] = 0
	}
	// One segment without deletions: its dictionary sizes are the figures.
	bm, fast := r.(index.BM25Reader)
	if snap, ok := r.(*scorch.IndexSnapshot); !ok || len(snap.Segments()) != 1 || snap.Segments()[0].LiveSize() != snap.Segments()[0].FullSize() {
		fast = false
	}
	for _, f := range fields {
		if fast {
			n, err := bm.FieldCardinality(f)
			if err != nil {
				return nil, fmt.Errorf("scoring statistics of %s: %w", f, err)
			}
			card[f] = n
			continue
		}
		n, err := distinctTerms(ctx, r, f)
		if err != nil {
			return nil, err
		}
		card[f] = n
	}
	return &search.BM25Stats{DocCount: float64(docs), FieldCardinality: card}, nil
}

// distinctTerms counts the terms of field across the segments of r, each
// once. The dictionaries do not know about deletions: a term only deleted
// passages held counts until a merge drops it, as in bleve's own figure.
func distinctTerms(ctx context.Context, r index.IndexReader, field string) (int, error) {
	d, err := r.FieldDict(field)
	if err != nil {
		return 0, fmt.Errorf("scoring statistics of %s: %w", field, err)
	}
	defer d.Close()
	n := 0
	for {
		e, err := d.Next()
		if err != nil {
			return 0, fmt.Errorf("scoring statistics of %s: %w", field, err)
		}
		if e == nil {
			return n, nil
		}
		n++
		if n%4096 == 0 && ctx.Err() != nil {
			return 0, fmt.Errorf("scoring statistics of %s: %w", field, ctx.Err())
		}
	}
}
