package index

import (
	"context"
	"math"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"
)

// sumQuery matches what any of its clauses match and scores the plain sum
// of the matching clauses. bleve's disjunction multiplies that sum by the
// share of clauses that match, which makes a weak extra clause (a related
// wording) double a passage's score; evidence of different kinds should
// add, not multiply. It asks bleve's disjunction for the per-clause score
// breakdown (its mode for fusing vector searches) and adds it up.
//
// With gain > 0 the sum is further multiplied by k^gain for k matching
// clauses: several wordings of one concept in a passage are more evidence
// than one, short of bleve's coord squared (gain 1).
type sumQuery struct {
	clauses []query.Query
	gain    float64
}

// Searcher implements query.Query.
func (q *sumQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	if ctx == nil {
		ctx = context.Background()
	}
	if len(q.clauses) == 1 {
		// The sum of one clause is its score: no disjunction, and no
		// score breakdown map for every match.
		return q.clauses[0].Searcher(ctx, r, m, opts)
	}
	subs := make([]search.Searcher, 0, len(q.clauses))
	for _, c := range q.clauses {
		s, err := c.Searcher(ctx, r, m, opts)
		if err != nil {
			for _, done := range subs {
				_ = done.Close()
			}
			return nil, err
		}
		subs = append(subs, s)
	}
	d, err := searcher.NewDisjunctionSearcher(context.WithValue(ctx, search.IncludeScoreBreakdownKey, true), r, subs, 1, opts)
	if err != nil {
		return nil, err
	}
	return &sumSearcher{Searcher: d, gain: q.gain}, nil
}

type sumSearcher struct {
	search.Searcher
	gain float64
}

func (s *sumSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	return s.sum(d), err
}

func (s *sumSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	return s.sum(d), err
}

func (s *sumSearcher) sum(d *search.DocumentMatch) *search.DocumentMatch {
	if d == nil {
		return nil
	}
	sum := 0.0
	for _, v := range d.ScoreBreakdown {
		sum += v
	}
	if s.gain > 0 && len(d.ScoreBreakdown) > 1 {
		sum *= math.Pow(float64(len(d.ScoreBreakdown)), s.gain)
	}
	d.Score = sum
	// Emptied, not dropped: a pooled match must not carry the breakdown to
	// its next document, and keeping the map saves allocating one per match.
	clear(d.ScoreBreakdown)
	return d
}
