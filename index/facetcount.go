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
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Exact facet counts without bleve's facet builder. bleve reads and
// decompresses the doc values of every facet field for every match, on
// every search: at 10⁵ passages that was most of a search's time. Here the
// facet values of each passage are decoded once per index segment into
// one flat array of value numbers, and a search counts its matches as
// they stream out of its searcher. The counts are the same (every match
// is seen, none is sampled).

// facetTable holds the facet values of every document of one snapshot,
// by the snapshot's internal document number (or of one segment, by its
// number in the segment, with snap nil: facetTables joins those). The
// values of document d are values[start[d]:start[d+1]], each a number
// over all facets (the values of facet i are numbered from base[i] on),
// so that a search counts a match's values into one flat array of
// counts: with a count array per facet, the two lookups of each increment
// were a tenth of the CPU of a loaded server at 10⁶ passages. One
// document's values of all facets lie together, so counting a match reads
// two places in memory rather than two per facet: searches of common
// words (企业, 发展) at 10⁵ passages took about 8% less time than with one
// array per facet.
type facetTable struct {
	snap   index.IndexReader
	names  []string // by value number
	base   []uint32 // by facet, its first value number; base[len(Facets)] is the number of values
	start  []uint32
	values []uint32
	all    []uint32 // by value number, its passages in the whole snapshot (deleted ones not)
}

// facetTables caches the table of the snapshot searched last, and the
// tables of its segments: a new snapshot (an upload, a deletion, bleve's
// merges after them) mostly holds the segments of the one before, and
// their tables are joined rather than read again from the postings (at
// 10⁶ passages 0.3–0.6 s, which the first search after every new
// snapshot waited for).
type facetTables struct {
	mu       sync.Mutex
	cur      *facetTable
	segments map[segment.Segment]*facetTable // tables of the segments of cur, numbered within the segment
	built    int                             // segment tables read from postings, for tests
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
	segments := make(map[segment.Segment]*facetTable, len(snap.Segments()))
	parts := make([]*facetTable, 0, len(snap.Segments()))
	for _, ss := range snap.Segments() {
		seg := ss.Segment()
		part, ok := ft.segments[seg]
		if !ok {
			var err error
			if part, err = newFacetTable(seg, uint64(ss.FullSize())); err != nil {
				return nil, err
			}
			ft.built++
		}
		segments[seg] = part
		parts = append(parts, part)
	}
	t := joinFacetTables(snap, parts)
	t.countAll(snap)
	ft.cur, ft.segments = t, segments
	return t, nil
}

// newFacetTable reads the facet values of the n documents of seg from the
// postings of the facet fields (postings.go), in two passes: the first
// numbers the values and counts them per document, the second places each
// document's values, facet by facet, in the flat array.
func newFacetTable(seg segment.Segment, n uint64) (*facetTable, error) {
	t := &facetTable{base: make([]uint32, len(Facets)+1), start: make([]uint32, n+1)}
	numbers := make([]map[string]uint32, len(Facets))
	for i, f := range Facets {
		t.base[i] = uint32(len(t.names))
		numbers[i] = map[string]uint32{}
		err := eachPosting(seg, f, func(term string) (func(uint64), error) {
			if _, ok := numbers[i][term]; !ok {
				numbers[i][term] = uint32(len(t.names))
				t.names = append(t.names, term)
			}
			return func(doc uint64) { t.start[doc+1]++ }, nil
		})
		if err != nil {
			return nil, err
		}
	}
	t.base[len(Facets)] = uint32(len(t.names))
	for d := uint64(1); d <= n; d++ {
		t.start[d] += t.start[d-1]
	}
	t.values = make([]uint32, t.start[n])
	next := slices.Clone(t.start[:n])
	for i, f := range Facets {
		err := eachPosting(seg, f, func(term string) (func(uint64), error) {
			v := numbers[i][term]
			return func(doc uint64) {
				t.values[next[doc]] = v
				next[doc]++
			}, nil
		})
		if err != nil {
			return nil, err
		}
	}
	return t, nil
}

// joinFacetTables makes the table of snap from the tables of its segments,
// in order: a segment's documents are numbered after those of the segments
// before it (as scorch numbers them), and its values renumbered over the
// whole snapshot, facet by facet in order of first appearance.
func joinFacetTables(snap *scorch.IndexSnapshot, parts []*facetTable) *facetTable {
	if len(parts) == 1 {
		// One segment (an index as built): its numbers are the
		// snapshot's, and the arrays are shared rather than copied.
		p := parts[0]
		return &facetTable{snap: snap, names: p.names, base: p.base, start: p.start, values: p.values}
	}
	t := &facetTable{snap: snap, base: make([]uint32, len(Facets)+1)}
	remap := make([][]uint32, len(parts))
	for k, p := range parts {
		remap[k] = make([]uint32, len(p.names))
	}
	for i := range Facets {
		t.base[i] = uint32(len(t.names))
		number := map[string]uint32{}
		for k, p := range parts {
			for v := p.base[i]; v < p.base[i+1]; v++ {
				g, ok := number[p.names[v]]
				if !ok {
					g = uint32(len(t.names))
					number[p.names[v]] = g
					t.names = append(t.names, p.names[v])
				}
				remap[k][v] = g
			}
		}
	}
	t.base[len(Facets)] = uint32(len(t.names))
	docs, values := 0, 0
	for _, p := range parts {
		docs += len(p.start) - 1
		values += len(p.values)
	}
	t.start = make([]uint32, docs+1)
	t.values = make([]uint32, 0, values)
	d := 0
	for k, p := range parts {
		base := uint32(len(t.values))
		for j := 1; j < len(p.start); j++ {
			t.start[d+j] = base + p.start[j]
		}
		d += len(p.start) - 1
		for _, v := range p.values {
			t.values = append(t.values, remap[k][v])
		}
	}
	return t
}

// countAll counts every value over the live documents of snap: the
// facets of the whole index, which browsing and the counts of a facet
// filtered alone ask for. Counting them from a search that matches
// everything walked every passage (10⁶ at a time) on every such request.
func (t *facetTable) countAll(snap *scorch.IndexSnapshot) {
	t.all = make([]uint32, len(t.names))
	for _, v := range t.values {
		t.all[v]++
	}
	var offset uint64
	for _, ss := range snap.Segments() {
		if deleted := ss.Deleted(); deleted != nil {
			for it := deleted.Iterator(); it.HasNext(); {
				d := offset + uint64(it.Next())
				for _, v := range t.values[t.start[d]:t.start[d+1]] {
					t.all[v]--
				}
			}
		}
		offset += uint64(ss.FullSize())
	}
}

// facetCounter counts the facet values of the matches of one search.
type facetCounter struct {
	tables *facetTables
	table  *facetTable
	counts []uint32 // by value number
	err    error
}

func (fc *facetCounter) count(d *search.DocumentMatch) {
	if d == nil || fc.table == nil {
		return
	}
	t := fc.table
	n := d.IndexInternalID.Value()
	if n+1 >= uint64(len(t.start)) {
		return
	}
	counts := fc.counts[:len(t.names)]
	for _, v := range t.values[t.start[n]:t.start[n+1]] {
		counts[v]++
	}
}

// values returns the counts like facetValues: per facet, count descending
// then value, at most facetSize values, values without matches left out.
func (fc *facetCounter) values() map[string][]FacetValue {
	return fc.table.facetValues(fc.counts)
}

// facetValues lists counts (by value number) as facetValues does; with
// no table or no counts, every facet empty.
func (t *facetTable) facetValues(counts []uint32) map[string][]FacetValue {
	out := map[string][]FacetValue{}
	for i, f := range Facets {
		vals := []FacetValue{}
		if t != nil && counts != nil {
			for v := t.base[i]; v < t.base[i+1]; v++ {
				if n := counts[v]; n > 0 && t.names[v] != "" {
					vals = append(vals, FacetValue{Value: t.names[v], Count: int(n)})
				}
			}
		}
		out[f] = topFacetValues(vals)
	}
	return out
}

// wholeIndexFacets returns the facet counts of every passage of the
// current snapshot from its facet table; false when there is no table
// (not a scorch index): then a search has to count.
func (ix *Index) wholeIndexFacets() (map[string][]FacetValue, bool, error) {
	r, err := ix.reader()
	if err != nil {
		return nil, false, err
	}
	defer r.Close()
	t, err := ix.facets.table(r)
	if err != nil || t == nil {
		return nil, false, err
	}
	return t.facetValues(t.all), true, nil
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
	q.fc.counts = make([]uint32, len(t.names))
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
	// Values of a facet are distinct, so the order is total and an
	// unstable sort gives the same answer (a stable one cost 2% of the
	// server's time under load).
	slices.SortFunc(vals, func(a, b FacetValue) int {
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
