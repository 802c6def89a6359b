package index_test

import (
	"slices"
	"testing"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/index"
)

// A passage that matches only a generic piece of the query (经济 of
// 楼宇经济) is a weak match: it follows the strong ones, is marked, and
// counts in neither the total nor the facets.
func TestWeakMatches(t *testing.T) {
	res := search(t, "楼宇经济", nil, 100)
	strong, weak := 0, 0
	strongCities := map[string]bool{}
	for i, h := range res.Hits {
		if !h.Weak {
			if weak > 0 {
				t.Errorf("strong hit %d after a weak one", i)
			}
			strong++
			for _, c := range h.Passage.Cities {
				strongCities[c] = true
			}
			continue
		}
		weak++
		for _, m := range h.Matched {
			if m.Term == "楼宇经济" || m.Term == "楼宇" {
				t.Errorf("weak hit %s matched %q", h.Passage.ID, m.Term)
			}
		}
	}
	if strong == 0 || weak == 0 {
		t.Fatalf("%d strong and %d weak hits: want both (the seed has passages with 经济 alone)", strong, weak)
	}
	if res.Total != uint64(strong) || res.WeakTotal != uint64(weak) {
		t.Errorf("total %d weak_total %d, hits %d strong %d weak", res.Total, res.WeakTotal, strong, weak)
	}
	for _, f := range res.Facets["city"] {
		if !strongCities[f.Value] {
			t.Errorf("city facet %s comes from weak matches only", f.Value)
		}
	}
	// Paging runs on from the strong hits into the weak ones.
	page := search(t, "楼宇经济", nil, strong+1)
	if n := len(page.Hits); n != strong+1 || !page.Hits[n-1].Weak {
		t.Errorf("a page one longer than the strong hits: %d hits, last weak %v", n, n > 0 && page.Hits[n-1].Weak)
	}
	// A query of one whole word has no loose pieces: nothing is weak.
	for _, q := range []string{"企业", "小升规"} {
		if slices.ContainsFunc(search(t, q, nil, 100).Hits, func(h index.Hit) bool { return h.Weak }) {
			t.Errorf("%s: weak hits", q)
		}
	}
}

// A character the segmenter leaves alone beside real words (做、大、强 of
// 做大做强) is loose too: a passage it alone matches is weak, and the
// passages with the topic come first. Alone, such characters are the query.
func TestLoneCharactersAreLoose(t *testing.T) {
	for _, q := range []string{"做大做强特色产业", "怎么做大做强楼宇经济"} {
		res := search(t, q, nil, 100)
		if res.Total == 0 {
			t.Fatalf("%s: no strong hits", q)
		}
		for _, h := range res.Hits {
			topical := slices.ContainsFunc(h.Matched, func(m index.Match) bool {
				return m.Kind != index.MatchWord || utf8.RuneCountInString(m.Term) > 1
			})
			if !h.Weak && !topical {
				t.Errorf("%s: %s is a strong hit on lone characters only: %v", q, h.Passage.ID, h.Matched)
			}
		}
	}
	res := search(t, "做大做强", nil, 100)
	if res.Total == 0 || slices.ContainsFunc(res.Hits, func(h index.Hit) bool { return h.Weak }) {
		t.Errorf("做大做强 alone: %d strong hits, weak ones %v", res.Total, res.WeakTotal)
	}
}
