package index

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// Exact facet counts without bleve's facet builder. bleve reads and
// decompresses the doc values of every facet field for every match, on
// every search: at 10⁵ passages that was most of a search's time. Here the
// facet values of each passage are decoded once per index snapshot into
// flat arrays of value numbers, and a search counts its matches as they
// stream out of its searcher: one array lookup per match and facet. The
// counts are the same (every match is seen, none is sampled).

// facetTable holds the facet values of every document of one snapshot,
// by the snapshot's internal document number.
type facetTable struct {
	snap   index.IndexReader
	fields []facetColumn // in the order of Facets
}

// facetColumn is one facet field: the values of document d are
// values[start[d]:start[d+1]], numbers into names.
type facetColumn struct {
	names  []string
	start  []uint32
	values []uint32
}

// facetTables caches the table of the snapshot searched last.
type facetTables struct {
	mu  sync.Mutex
	cur *facetTable
}

// table returns the facet table of snapshot r, building it when r is new;
// nil when r is not a scorch snapshot (then bleve's facets are used).
func (ft *facetTables) table(r index.IndexReader) (*facetTable, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || snap == nil {
		return nil, nil
	}
	ft.mu.Lock()
	defer ft.mu.Unlock()
	if ft.cur != nil && ft.cur.snap == r {
		return ft.cur, nil
	}
	var maxDoc uint64
	for _, s := range snap.Segments() {
		maxDoc += uint64(s.FullSize())
	}
	dvr, err := r.DocValueReader(Facets)
	if err != nil {
		return nil, err
	}
	t := &facetTable{snap: r, fields: make([]facetColumn, len(Facets))}
	at := make(map[string]int, len(Facets))
	numbers := make([]map[string]uint32, len(Facets))
	for i, f := range Facets {
		at[f] = i
		numbers[i] = map[string]uint32{}
		t.fields[i].start = make([]uint32, 1, maxDoc+1)
	}
	id := index.NewIndexInternalID(nil, 0)
	for d := uint64(0); d < maxDoc; d++ {
		id.SetValue(d)
		err := dvr.VisitDocValues(id, func(field string, term []byte) {
			i, ok := at[field]
			if !ok {
				return
			}
			c := &t.fields[i]
			n, ok := numbers[i][string(term)]
			if !ok {
				n = uint32(len(c.names))
				numbers[i][string(term)] = n
				c.names = append(c.names, string(term))
			}
			c.values = append(c.values, n)
		})
		if err != nil {
			return nil, err
		}
		for i := range t.fields {
			c := &t.fields[i]
			c.start = append(c.start, uint32(len(c.values)))
		}
	}
	ft.cur = t
	return t, nil
}

// facetCounter counts the facet values of the matches of one search.
type facetCounter struct {
	tables *facetTables
	table  *facetTable
	counts [][]int // by facet, by value number
	err    error
}

func (fc *facetCounter) count(d *search.DocumentMatch) {
	if d == nil || fc.table == nil {
		return
	}
	n := d.IndexInternalID.Value()
	for i := range fc.table.fields {
		c := &fc.table.fields[i]
		if n+1 >= uint64(len(c.start)) {
			continue
		}
		for _, v := range c.values[c.start[n]:c.start[n+1]] {
			fc.counts[i][v]++
		}
	}
}

// values returns the counts like facetValues: per facet, count descending
// then value, at most facetSize values, values without matches left out.
func (fc *facetCounter) values() map[string][]FacetValue {
	out := map[string][]FacetValue{}
	for i, f := range Facets {
		vals := []FacetValue{}
		if fc.table != nil {
			for v, n := range fc.counts[i] {
				if n > 0 && fc.table.fields[i].names[v] != "" {
					vals = append(vals, FacetValue{Value: fc.table.fields[i].names[v], Count: n})
				}
			}
		}
		out[f] = topFacetValues(vals)
	}
	return out
}

// countingQuery matches what its query matches and counts the facets of
// each match into its counter.
type countingQuery struct {
	query.Query
	fc *facetCounter
}

// Searcher implements query.Query.
func (q *countingQuery) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	t, err := q.fc.tables.table(r)
	if err != nil || t == nil {
		q.fc.err = err
		return q.Query.Searcher(ctx, r, m, opts)
	}
	q.fc.table = t
	q.fc.counts = make([][]int, len(t.fields))
	for i := range t.fields {
		q.fc.counts[i] = make([]int, len(t.fields[i].names))
	}
	s, err := q.Query.Searcher(ctx, r, m, opts)
	if err != nil {
		return nil, err
	}
	return &countingSearcher{Searcher: s, fc: q.fc}, nil
}

type countingSearcher struct {
	search.Searcher
	fc *facetCounter
}

func (s *countingSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Next(ctx)
	s.fc.count(d)
	return d, err
}

func (s *countingSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	s.fc.count(d)
	return d, err
}

// topFacetValues orders facet values as bleve does (count, then value)
// and keeps the first facetSize.
func topFacetValues(vals []FacetValue) []FacetValue {
	slices.SortStableFunc(vals, func(a, b FacetValue) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return strings.Compare(a.Value, b.Value)
	})
	if len(vals) > facetSize {
		vals = vals[:facetSize]
	}
	return vals
}
