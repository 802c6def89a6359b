package index

import (
	"context"

	"github.com/blevesearch/bleve/v2"
)

// FacetsBothWays returns the facet counts of query q from the facet table
// and from bleve's facet builder, for tests.
func FacetsBothWays(ix *Index, q string) (table, builder map[string][]FacetValue, err error) {
	pq := ix.parseQuery(q)
	ix.pruneCommon(context.Background(), &pq)
	bq := pq.textQuery()
	if bq == nil {
		bq = bleve.NewMatchAllQuery()
	}
	fc := &facetCounter{tables: &ix.facets}
	req := bleve.NewSearchRequestOptions(&countingQuery{Query: bq, fc: fc}, 10, 0, false)
	for _, f := range Facets {
		req.AddFacet(f, bleve.NewFacetRequest(f, facetSize))
	}
	res, err := ix.searchIndex(context.Background(), req)
	if err != nil {
		return nil, nil, err
	}
	if fc.table == nil {
		return nil, facetValues(res.Facets), nil
	}
	return fc.values(), facetValues(res.Facets), nil
}

// SetPhraseRescoreMin sets the number of passages above which a query's
// phrase only rescores the candidates (rescore.go).
func SetPhraseRescoreMin(ix *Index, n int) { ix.phraseRescoreMin = n }
