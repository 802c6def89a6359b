package index_test

import (
	"slices"
	"testing"

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
