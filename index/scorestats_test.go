package index

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"
)

// The statistics of an index cut into segments are those bleve gives the
// same documents in one segment, and a field no passage has yet is there
// too (else bleve refuses a query on it).
func TestCollectionStatsIgnoreSegments(t *testing.T) {
	ctx := context.Background()
	b, err := bleve.NewUsing(filepath.Join(t.TempDir(), "ix"), bleve.NewIndexMapping(), scorch.Name, scorch.Name, noMerges())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const batches = 7
	for i := range batches {
		batch := b.NewBatch()
		for j := range 5 {
			// Words shared by every segment, by some, and by one only.
			text := fmt.Sprintf("common shared%d own%dx%d", (i+j)%3, i, j)
			if err := batch.Index(fmt.Sprintf("d%d-%d", i, j), map[string]string{"text": text, "title": fmt.Sprintf("t%d", j)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Batch(batch); err != nil {
			t.Fatal(err)
		}
	}
	if n := segmentsOf(b); n < 2 {
		t.Fatalf("setup: %d segment(s), want several", n)
	}
	stats := func() (float64, map[string]int, int) {
		t.Helper()
		adv, err := b.Advanced()
		if err != nil {
			t.Fatal(err)
		}
		r, err := adv.Reader()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		st, err := collectionStats(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		own, err := r.(index.BM25Reader).FieldCardinality("text")
		if err != nil {
			t.Fatal(err)
		}
		return st.DocCount, st.FieldCardinality, own
	}
	docs, split, bleveSplit := stats()
	if err := compact(ctx, b); err != nil {
		t.Fatal(err)
	}
	if n := segmentsOf(b); n != 1 {
		t.Fatalf("setup: %d segments after compacting, want 1", n)
	}
	docs1, one, bleveOne := stats()
	if docs != 5*batches || docs1 != docs {
		t.Errorf("passages %v on segments, %v on one, want %d", docs, docs1, 5*batches)
	}
	// 1 common + 3 shared + 35 own words.
	if split["text"] != 39 || one["text"] != 39 || bleveOne != 39 {
		t.Errorf("distinct words of text: %d on segments, %d on one (bleve's own: %d), want 39", split["text"], one["text"], bleveOne)
	}
	if bleveSplit <= bleveOne {
		t.Errorf("setup: bleve's own figure on segments %d, on one %d: expected it to count repeated words again", bleveSplit, bleveOne)
	}
	if split["title"] != 5 || one["title"] != 5 {
		t.Errorf("distinct words of title: %d on segments, %d on one, want 5", split["title"], one["title"])
	}
	if _, ok := split[FieldPolicy]; !ok {
		t.Errorf("no figure for %s, a field no document has: bleve would refuse a query on it", FieldPolicy)
	}
}
