package index

import (
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// The phrase of a query of several words lifts the passages that hold
// it (落实工作 as written, not 落实 here and 工作 there). A phrase is
// checked in the text of every passage that holds all its words
// (phrasematch.go): for two common words at 10⁶ passages that is 134,000
// passages. When bleve still checked them by word positions, that was
// most of the slowest search of the benchmark (253–274 ms).
// When the rarest word of the phrase is in more than phraseRescoreMin
// passages, the search leaves the phrase out and scores only its
// candidates, the rerank window, with the whole query (as Elasticsearch's
// rescore does). Within the window the scores are exactly those of the
// whole query; the window itself is the best by the query without the
// phrase, and the pages past it follow that order. Which passages match,
// the total and the facets do not depend on the phrase.

// defaultPhraseRescoreMin is the number of passages holding every word
// of the phrase above which the phrase only rescores: about 50 ms of
// checks at 10⁶ passages when they read positions. Below it the phrase
// is scored over every match; at 10⁵ passages no query of the
// benchmark's mix reaches it (the most common pair, 落实工作, is in
// 13,465 passages).
const defaultPhraseRescoreMin = 30_000

// rescore scores the candidates res.Hits with full, the query with its
// phrase, and orders them by those scores.
func (ix *Index) rescore(ctx context.Context, full query.Query, res *bleve.SearchResult) error {
	if len(res.Hits) == 0 {
		return nil
	}
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	req := bleve.NewSearchRequestOptions(filtered(full, bleve.NewDocIDQuery(ids)), len(ids), 0, false)
	req.SortBy([]string{"-_score"})
	again, err := ix.searchIndex(ctx, req)
	if err != nil {
		return fmt.Errorf("rescore with the phrase: %w", err)
	}
	scores := make(map[string]float64, len(again.Hits))
	for _, h := range again.Hits {
		scores[h.ID] = h.Score
	}
	for _, h := range res.Hits {
		if s, ok := scores[h.ID]; ok { // always: the phrase changes no match
			h.Score = s
		}
	}
	slices.SortStableFunc(res.Hits, func(a, b *search.DocumentMatch) int { return cmpScore(a.Score, b.Score) })
	return nil
}
