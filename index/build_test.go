package index

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
)

// compact leaves one segment however many the build left: one forced merge
// of bleve joins at most SegmentsPerMergeTask segments per task and plans
// one round only.
func TestCompactLeavesOneSegment(t *testing.T) {
	b, err := bleve.NewUsing(filepath.Join(t.TempDir(), "ix"), bleve.NewIndexMapping(), scorch.Name, scorch.Name,
		noMerges())
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	const batches = 2*mergeWidth + 5 // more than two rounds of merge tasks would need with one task per round
	for i := range batches {
		batch := b.NewBatch()
		for j := range 3 {
			if err := batch.Index(fmt.Sprintf("d%d-%d", i, j), map[string]string{"text": fmt.Sprintf("word%d other%d", i, j)}); err != nil {
				t.Fatal(err)
			}
		}
		if err := b.Batch(batch); err != nil { // returns once persisted: one segment each
			t.Fatal(err)
		}
	}
	adv, err := b.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	s := adv.(*scorch.Scorch)
	if n := segments(s); n < mergeWidth+1 {
		t.Fatalf("setup: %d segments before compacting, want more than %d", n, mergeWidth)
	}
	if err := compact(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	if n := segments(s); n != 1 {
		t.Errorf("%d segments after compacting, want 1", n)
	}
	if n, err := b.DocCount(); err != nil || n != 3*batches {
		t.Errorf("%d documents after compacting (%v), want %d", n, err, 3*batches)
	}
}
