package index_test

import (
	"slices"
	"testing"

	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/vector"
)

func ids(cs []index.Candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// With the server's default weight, a query the keywords found whole gets
// no vector-only candidates, but a good model may still reorder keyword
// hits of close scores; a keyword hit far ahead stays ahead.
func TestCappedFusionAtFullConfidence(t *testing.T) {
	lexical := []index.Candidate{{ID: "a", Keyword: 1}, {ID: "b", Keyword: 0.95}, {ID: "c", Keyword: 0.5}}
	// c is what the vectors like best among the keyword hits; v only the
	// vectors found. The floor is max(0.45, 0.8·0.95) = 0.76.
	dense := []vector.Result{{ID: "v", Score: 0.95}, {ID: "c", Score: 0.93}, {ID: "b", Score: 0.9}, {ID: "a", Score: 0.5}}

	literal := index.DefaultFusion().Capped(1)
	got := ids(literal.Combine(lexical, dense))
	if want := []string{"b", "a", "c"}; !slices.Equal(got, want) {
		t.Errorf("full confidence: %v, want %v (b overtakes a by the vectors; c, half a's keyword score, does not; v is not admitted)", got, want)
	}

	paraphrase := index.DefaultFusion().Capped(0)
	got = ids(paraphrase.Combine(lexical, dense))
	if !slices.Contains(got, "v") {
		t.Errorf("no confidence: %v, want the vector-only candidate admitted", got)
	}

	// The earlier rule, which capped the keyword hits like the vector-only
	// candidates, left a literal query's ranking as the keywords made it.
	old := index.DefaultFusion()
	old.Ratio = 0
	if got := ids(old.Combine(lexical, dense)); !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Errorf("ratio 0: %v, want the keyword order", got)
	}
}

// An explicit ratio (a request's semantic_ratio) applies to both kinds of
// candidates, however confident the keywords are.
func TestUncappedFusionAdmitsVectorCandidates(t *testing.T) {
	lexical := []index.Candidate{{ID: "a", Keyword: 1}}
	dense := []vector.Result{{ID: "v", Score: 0.9}}
	f := index.DefaultFusion()
	f.Ratio = 0.5
	if got := ids(f.Combine(lexical, dense)); !slices.Equal(got, []string{"a", "v"}) {
		t.Errorf("explicit ratio: %v, want a then v", got)
	}
	if f.Capped(1).Active() != true || index.DefaultFusion().Capped(1).Active() != true {
		t.Error("a capped fusion with a positive ratio must still reorder keyword hits")
	}
	f.Ratio = 0
	if f.Capped(0).Active() {
		t.Error("ratio 0 capped is active")
	}
}
