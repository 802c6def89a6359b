package index_test

import (
	"context"
	"math"
	"slices"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/index"
)

// A query that is, or starts with, a place filters on it and searches the rest.
func TestPlaceIntent(t *testing.T) {
	ctx := context.Background()
	plain, err := shared.Search(ctx, index.Request{Filters: map[string][]string{index.FieldCity: {"太原市"}}})
	if err != nil || plain.Total == 0 {
		t.Fatalf("city filter 太原市: %v, %v", plain, err)
	}
	for _, q := range []string{"太原", "太原市", "太原市做法", "太原市 城市"} {
		res, err := shared.Search(ctx, index.Request{Query: q, PlaceIntent: true})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(res.Applied[index.FieldCity], []string{"太原市"}) {
			t.Errorf("%s: applied %v, want city 太原市", q, res.Applied)
		}
		if q != "太原市 城市" && res.Total != plain.Total {
			t.Errorf("%s: %d results, want the %d passages of 太原市", q, res.Total, plain.Total)
		}
	}
	res, err := shared.Search(ctx, index.Request{Query: "小店区 楼宇经济", PlaceIntent: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Searched != "楼宇经济" || !slices.Equal(res.Applied[index.FieldCounty], []string{"小店区"}) || res.Total == 0 {
		t.Errorf("小店区 楼宇经济: searched %q applied %v total %d", res.Searched, res.Applied, res.Total)
	}
	for _, h := range res.Hits {
		if !slices.Contains(h.Passage.Counties, "小店区") {
			t.Errorf("hit %s is not in 小店区: %v", h.Passage.ID, h.Passage.Counties)
		}
	}
	// Without PlaceIntent the query is plain text.
	res, err = shared.Search(ctx, index.Request{Query: "太原市"})
	if err != nil || res.Applied != nil {
		t.Errorf("no intent: applied %v, %v", res.Applied, err)
	}
}

// The counts of a facet with a selection ignore that selection.
func TestDisjunctiveFacets(t *testing.T) {
	ctx := context.Background()
	all, err := shared.Search(ctx, index.Request{Query: "专业镇"})
	if err != nil {
		t.Fatal(err)
	}
	one, err := shared.Search(ctx, index.Request{Query: "专业镇", Filters: map[string][]string{index.FieldCounty: {"祁县"}}})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(all.Facets[index.FieldCounty], one.Facets[index.FieldCounty]) {
		t.Errorf("county counts with 祁县 chosen %v, without %v: want the same", one.Facets[index.FieldCounty], all.Facets[index.FieldCounty])
	}
	kinds := 0
	for _, v := range one.Facets[index.FieldKind] {
		kinds += v.Count
	}
	if uint64(kinds) != one.Total {
		t.Errorf("kind counts under 祁县 sum to %d, total %d", kinds, one.Total)
	}
	// A query of a place only lists the place's passages; its city
	// counts are those of every passage, as a click on another city gives.
	place, err := shared.Search(ctx, index.Request{Query: "太原市", PlaceIntent: true})
	if err != nil {
		t.Fatal(err)
	}
	browse, err := shared.Search(ctx, index.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if len(place.Applied[index.FieldCity]) == 0 || !slices.Equal(place.Facets[index.FieldCity], browse.Facets[index.FieldCity]) {
		t.Errorf("太原市 as a place: filters %v, city counts %v, want those of all passages %v",
			place.Applied, place.Facets[index.FieldCity], browse.Facets[index.FieldCity])
	}
	// 太原市 and 祁县 (晋中市) do not overlap.
	c, err := shared.Search(ctx, index.Request{Filters: map[string][]string{index.FieldCity: {"太原市"}, index.FieldCounty: {"祁县"}}})
	if err != nil || !c.PlacesConflict {
		t.Errorf("太原市 + 祁县: conflict %v, %v", c.PlacesConflict, err)
	}
	// Cities in administrative order: 太原市 is the first city of the gazetteer.
	if cities := all.Facets[index.FieldCity]; len(cities) > 1 && shared.PlaceRank(cities[0].Value) > shared.PlaceRank(cities[1].Value) {
		t.Errorf("cities not in administrative order: %v", cities)
	}
}

// Sorting by document order and by county.
func TestSortOrders(t *testing.T) {
	ctx := context.Background()
	res, err := shared.Search(ctx, index.Request{Query: "企业", Sort: index.SortOrder, Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(res.Hits); i++ {
		a, b := res.Hits[i-1].Passage, res.Hits[i].Passage
		if a.DocID == b.DocID && a.Order > b.Order {
			t.Errorf("sort=order: %d before %d", a.Order, b.Order)
		}
	}
	res, err = shared.Search(ctx, index.Request{Query: "企业", Sort: index.SortCounty, Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	last := -1
	for _, h := range res.Hits {
		if len(h.Passage.Counties) == 0 {
			continue
		}
		r := shared.PlaceRank(h.Passage.Counties[0])
		if r >= 0 && r < last {
			t.Errorf("sort=county: %s after rank %d", h.Passage.Counties[0], last)
		}
		if r >= 0 {
			last = r
		}
	}
	if err := (&index.Request{Sort: "pinyin"}).Validate(); err == nil {
		t.Error("sort=pinyin accepted")
	}
}

// Grouping folds the passages of one report section into one group.
func TestGroupSections(t *testing.T) {
	res, err := shared.Search(context.Background(), index.Request{Group: index.GroupCase, Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, h := range res.Hits {
		p := h.Passage
		if p.Case != nil || len(p.HeadingPath) == 0 {
			continue
		}
		key := p.DocID + "|" + p.Title
		if seen[key] {
			t.Errorf("section %v appears twice", p.HeadingPath)
		}
		seen[key] = true
	}
}

// A search's scores do not depend on the order the passages were indexed
// in (bleve's searchers step through passages in that order, and a
// searcher advanced past a match it holds loses it; see the place-only
// query in Search).
func TestScoresDoNotDependOnIndexOrder(t *testing.T) {
	docs := parts.Library.Documents()
	reversed := make([]*corpus.Document, len(docs))
	for i, d := range docs {
		rd := *d
		rd.Passages = slices.Clone(d.Passages)
		slices.Reverse(rd.Passages)
		reversed[len(docs)-1-i] = &rd
	}
	other := openAt(t, t.TempDir(), corpus.NewLibrary(reversed))
	defer other.Close()
	for _, q := range []string{"定襄县", "太原市", "祁县 盐湖区", "小升规", "楼宇经济 太原"} {
		scores := func(ix *index.Index) map[string]float64 {
			res, err := ix.Search(context.Background(), index.Request{Query: q, PlaceIntent: true, Size: 100})
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]float64{}
			for _, h := range res.Hits {
				out[h.Passage.ID] = h.Score
			}
			return out
		}
		a, b := scores(shared), scores(other)
		if len(a) != len(b) {
			t.Errorf("%s: %d hits, %d in the other order", q, len(a), len(b))
		}
		for id, s := range a {
			if math.Abs(s-b[id]) > 1e-9 {
				t.Errorf("%s: %s scores %.6f, %.6f in the other order", q, id, s, b[id])
			}
		}
	}
}
