package index

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
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

// WholeFacets returns the facet counts of the whole index kept with the
// facet table, for tests.
func WholeFacets(ix *Index) (map[string][]FacetValue, error) {
	all, ok, err := ix.wholeIndexFacets()
	if err == nil && !ok {
		err = errNotScorch
	}
	return all, err
}

// FacetSegmentReads is the number of segment facet tables the index has
// read from postings, for tests.
func FacetSegmentReads(ix *Index) int {
	ix.facets.mu.Lock()
	defer ix.facets.mu.Unlock()
	return ix.facets.built
}

// SetPhraseRescoreMin sets the number of passages above which a query's
// phrase only rescores the candidates (rescore.go).
func SetPhraseRescoreMin(ix *Index, n int) { ix.phraseRescoreMin = n }

// TextsBothWays returns the passage texts of the index's current snapshot
// by document number, from the text table and, document by document,
// from each document's stored id, for tests.
func TextsBothWays(ix *Index) (table, stored []string, err error) {
	r, err := ix.reader()
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	t, err := ix.passageTexts(r)
	if err != nil {
		return nil, nil, err
	}
	snap := r.(*scorch.IndexSnapshot)
	maxDoc := documentNumbers(snap)
	id := index.NewIndexInternalID(nil, 0)
	for d := range maxDoc {
		id.SetValue(d)
		ext, err := snap.ExternalID(id)
		if err != nil {
			return nil, nil, err
		}
		text := ""
		if p, ok := ix.Library().Passage(ext); ok {
			text = p.Text
		}
		stored = append(stored, text)
	}
	return t.texts, stored, nil
}

// Deleted is the number of deleted documents in the index's current
// snapshot, for tests.
func Deleted(ix *Index) (uint64, error) {
	r, err := ix.reader()
	if err != nil {
		return 0, err
	}
	defer r.Close()
	var n uint64
	for _, s := range r.(*scorch.IndexSnapshot).Segments() {
		if d := s.Deleted(); d != nil {
			n += d.GetCardinality()
		}
	}
	return n, nil
}
