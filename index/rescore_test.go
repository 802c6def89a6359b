package index_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/index"
)

// Rescoring the candidates with the phrase gives the scores and the order
// of scoring every match with it, as long as the matches fit in the
// rerank window: on the embedded corpus they all do, so every page, every
// grouping and every order must come out as without rescoring.
func TestPhraseRescoreKeepsScores(t *testing.T) {
	ctx := context.Background()
	ix := openAt(t, t.TempDir(), parts.Library)
	defer ix.Close()
	requests := []index.Request{
		{Query: "落实工作"},
		{Query: "培育企业", Page: 2, Size: 5},
		{Query: "人才引进政策"},
		{Query: "楼宇经济发展", Group: index.GroupCase},
		{Query: "产业链招商", Sort: index.SortCounty},
		{Query: "中小企业发展", Filters: map[string][]string{"kind": {"案例"}}},
		{Query: "专精特新企业培育"},
		{Query: "楼宇经济发展", Size: 100}, // past the strong hits: the weak ones
	}
	phraseHit := false
	for _, r := range requests {
		index.SetPhraseRescoreMin(ix, 1<<30) // never: the phrase scores every match
		want, err := ix.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		index.SetPhraseRescoreMin(ix, 0) // always: the phrase only rescores
		got, err := ix.Search(ctx, r)
		if err != nil {
			t.Fatal(err)
		}
		if got.Total != want.Total || len(got.Hits) != len(want.Hits) {
			t.Fatalf("%+v: %d hits of %d rescored, %d of %d scored whole", r, len(got.Hits), got.Total, len(want.Hits), want.Total)
		}
		for i := range want.Hits {
			g, w := got.Hits[i], want.Hits[i]
			if g.Passage.ID != w.Passage.ID || math.Abs(g.Score-w.Score) > 1e-9 {
				t.Errorf("%+v #%d: rescored %s %.6f, scored whole %s %.6f", r, i+1, g.Passage.ID, g.Score, w.Passage.ID, w.Score)
			}
			if strings.Contains(w.Passage.Text, r.Query) {
				phraseHit = true
			}
		}
		for f, vals := range want.Facets {
			if len(got.Facets[f]) != len(vals) {
				t.Errorf("%+v: facet %s has %d values rescored, %d scored whole", r, f, len(got.Facets[f]), len(vals))
			}
		}
	}
	if !phraseHit {
		t.Fatal("setup: no hit holds its query as a phrase, so the phrase never counted")
	}
}
