package index

import (
	"context"
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Disjunctive faceting (as Algolia and Meilisearch do it): the counts of
// a facet tell what a click on one of its values would give. Values of
// one facet are OR-ed, so the counts of a facet with a selection must not
// be narrowed by that selection: for each such facet one more search,
// facets only, applies the filters of the other facets. Facets without a
// selection keep the counts of the main search. The main query is the
// strong part of the query, so weak matches feed no count.

// disjunctiveFacets replaces in facets the counts of every facet that has
// a selection in filters. q is the scoring query without filters (nil:
// every passage).
func (ix *Index) disjunctiveFacets(ctx context.Context, q query.Query, filters map[string][]string, facets map[string][]FacetValue) error {
	for _, field := range Facets {
		if len(filters[field]) == 0 {
			continue
		}
		others := make(map[string][]string, len(filters))
		for f, v := range filters {
			if f != field {
				others[f] = v
			}
		}
		fq := filtered(q, filterQuery(others))
		if fq == nil {
			// Every passage: the counts of the whole index, kept with
			// the facet table.
			all, ok, err := ix.wholeIndexFacets()
			if err != nil {
				return fmt.Errorf("facet %s: %w", field, err)
			}
			if ok {
				facets[field] = all[field]
				continue
			}
			fq = bleve.NewMatchAllQuery()
		}
		// Counted from the facet table as the main search counts; no
		// scores are needed for a count.
		fc := &facetCounter{tables: &ix.facets}
		req := bleve.NewSearchRequestOptions(&countingQuery{Query: fq, fc: fc}, 0, 0, false)
		req.Score = "none"
		res, err := ix.searchIndex(ctx, req)
		if err == nil && fc.table == nil {
			req.AddFacet(field, bleve.NewFacetRequest(field, facetSize))
			res, err = ix.searchIndex(ctx, req)
		}
		if err != nil {
			return fmt.Errorf("facet %s: %w", field, err)
		}
		if fc.table != nil {
			facets[field] = fc.values()[field]
		} else {
			facets[field] = facetValues(res.Facets)[field]
		}
	}
	return nil
}

// orderFacets puts cities and counties in administrative order (the
// order of the gazetteer), places outside it after them by count; the
// other facets stay by count.
func (ix *Index) orderFacets(facets map[string][]FacetValue) {
	for _, field := range []string{FieldCity, FieldCounty} {
		slices.SortStableFunc(facets[field], func(a, b FacetValue) int {
			ra, rb := ix.PlaceRank(a.Value), ix.PlaceRank(b.Value)
			switch {
			case ra >= 0 && rb >= 0:
				return ra - rb
			case ra >= 0:
				return -1
			case rb >= 0:
				return 1
			}
			return b.Count - a.Count
		})
	}
}
