package index

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Filters are ANDed to a query as a clause of a conjunction that scores
// nothing, not as bleve's boolean filter. bleve's filter reads every
// match of the query and drops those outside the filter: a filter on one
// county still walked the 70,000 passages that say 企业. A conjunction
// leaps from one filtered passage to the next, and a clause of weight 0
// leaves the scores and their normalisation as they were.
//
// The conjunction goes inside the required part of a boolean query, not
// around the boolean: bleve's boolean searcher, when a conjunction
// advances it to a document, advances its optional clause too even when
// that clause already holds the document, and so loses the match (seen as
// scores without the title and theme lifts, varying with the order of the
// index); stepped through, it reads the optional clause right.

// filtered returns q restricted to filter f (nil f: q itself; nil q: the
// passages f selects).
func filtered(q, f query.Query) query.Query {
	switch {
	case f == nil:
		return q
	case q == nil:
		return f
	}
	if bq, ok := q.(*query.BooleanQuery); ok && bq.Must != nil {
		nb := *bq
		nb.Must = bleve.NewConjunctionQuery(bq.Must, &unscored{f})
		return &nb
	}
	return bleve.NewConjunctionQuery(q, &unscored{f})
}

// unscored matches what its query matches with score 0 and weight 0.
type unscored struct{ query.Query }

// Searcher implements query.Query.
func (u *unscored) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	s, err := u.Query.Searcher(ctx, r, m, search.SearcherOptions{Score: "none"})
	if err != nil {
		return nil, err
	}
	return &unscoredSearcher{s}, nil
}

type unscoredSearcher struct{ search.Searcher }

func (s *unscoredSearcher) Weight() float64      { return 0 }
func (s *unscoredSearcher) SetQueryNorm(float64) {}

func (s *unscoredSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return zeroScore(s.Searcher.Next(ctx))
}

func (s *unscoredSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	return zeroScore(s.Searcher.Advance(ctx, id))
}

func zeroScore(d *search.DocumentMatch, err error) (*search.DocumentMatch, error) {
	if d != nil {
		d.Score, d.Expl = 0, nil
	}
	return d, err
}
