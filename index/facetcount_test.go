package index_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/index"
)

// TestFacetTableMatchesBleve checks the facet counts of the table against
// bleve's own facet builder for queries of every shape.
func TestFacetTableMatchesBleve(t *testing.T) {
	facetsMatchBleve(t, shared, "", "企业", "楼宇经济", "科技型企业缺少抵押物怎么贷款", "小升规", "专精特新 人才")
}

// facetsMatchBleve compares the facet counts of the table with bleve's
// for each query.
func facetsMatchBleve(t *testing.T, ix *index.Index, queries ...string) {
	t.Helper()
	for _, q := range queries {
		got, want, err := index.FacetsBothWays(ix, q)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil {
			t.Fatal("no facet table")
		}
		for _, f := range index.Facets {
			if !reflect.DeepEqual(got[f], want[f]) {
				t.Errorf("%q %s:\n table %v\n bleve %v", q, f, got[f], want[f])
			}
		}
	}
}

// TestTablesAcrossSegments checks the per-snapshot tables on an index of
// several segments with deleted documents, where a document's number is
// its segment's offset plus its number in the segment: the facet counts
// (of searches and of the whole index) against bleve's facet builder, the
// passage texts against each document's stored id.
func TestTablesAcrossSegments(t *testing.T) {
	ctx := context.Background()
	ix, base, added := updatedIndex(t)
	// Deletions in the first segment and in a later one.
	for _, d := range []*corpus.Document{base[0], base[len(base)/2], added[len(added)/2]} {
		if err := ix.RemoveDocument(ctx, d.ID); err != nil {
			t.Fatal(err)
		}
	}
	if n := ix.Segments(); n < 2 {
		t.Fatalf("%d segment(s): the test needs the updates in segments of their own", n)
	}
	if n, err := index.Deleted(ix); err != nil || n == 0 {
		t.Fatalf("%d deleted documents (%v): the test needs some", n, err)
	}
	facetsMatchBleve(t, ix, "", "企业", "楼宇经济", "专精特新 人才")
	// The whole index's counts, kept with the table, are bleve's count of
	// a search that matches everything (deleted passages not counted).
	whole, err := index.WholeFacets(ix)
	if err != nil {
		t.Fatal(err)
	}
	_, everything, err := index.FacetsBothWays(ix, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range index.Facets {
		if !reflect.DeepEqual(whole[f], everything[f]) {
			t.Errorf("whole index %s:\n kept  %v\n bleve %v", f, whole[f], everything[f])
		}
	}
	table, stored, err := index.TextsBothWays(ix)
	if err != nil {
		t.Fatal(err)
	}
	if len(table) != len(stored) {
		t.Fatalf("text table of %d documents, index of %d", len(table), len(stored))
	}
	for d := range table {
		if table[d] != stored[d] {
			t.Fatalf("document %d: table %.30q, stored id's passage %.30q", d, table[d], stored[d])
		}
	}
}

// A new snapshot reads from the postings only the facets of its new
// segments: after an update, the table of the segment that was there
// before is joined, not read again (the counts of such a joined table
// are checked against bleve's in TestTablesAcrossSegments).
func TestFacetTablesReuseSegments(t *testing.T) {
	ix, _, _ := updatedIndex(t) // opened on one segment (its table built), then updated
	n := ix.Segments()
	if n < 2 {
		t.Fatalf("%d segment(s): the test needs the update in a segment of its own", n)
	}
	if _, err := ix.Search(context.Background(), index.Request{Query: "企业"}); err != nil {
		t.Fatal(err)
	}
	if got := index.FacetSegmentReads(ix); uint64(got) != n {
		t.Errorf("%d segment tables read for %d segments: the first segment's was read again", got, n)
	}
}
