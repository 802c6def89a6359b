package index_test

import (
	"context"
	"errors"
	"html"
	"math"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/shanxi-sme/kb/index"
)

func search(t *testing.T, q string, filters map[string][]string, size int) *index.Result {
	t.Helper()
	res, err := shared.Search(context.Background(), index.Request{Query: q, Filters: filters, Size: size})
	if err != nil {
		t.Fatalf("search %q: %v", q, err)
	}
	return res
}

// The practice a query names comes first: the county is taken from the
// case the top passage belongs to, as parsed from the report.
func TestTopHitIsThePractice(t *testing.T) {
	tests := []struct{ q, county string }{
		{"楼宇经济", "小店区"},
		{"知识产权质押", "长治高新区"},
		{"紫砂", "平定县"},
		{"中试基地", "云冈区"},
		{"承诺制 标准地", "侯马市"},
		{"光伏", "阳城县"},
	}
	for _, tt := range tests {
		res := search(t, tt.q, nil, 5)
		if len(res.Hits) == 0 {
			t.Errorf("%s: no hits", tt.q)
			continue
		}
		top := res.Hits[0].Passage
		if top.Case == nil || top.Case.County != tt.county {
			t.Errorf("%s: top hit %s (%v) is not %s's case", tt.q, top.ID, top.Counties, tt.county)
		}
	}
}

func TestBothSpecialisedTownsRankHigh(t *testing.T) {
	res := search(t, "专业镇", nil, 5)
	seen := map[string]bool{}
	for _, h := range res.Hits {
		for _, c := range h.Passage.Counties {
			seen[c] = true
		}
	}
	if !seen["定襄县"] || !seen["祁县"] {
		t.Errorf("top 5 for 专业镇 cover %v, want 定襄县 and 祁县", seen)
	}
}

var reMark = regexp.MustCompile(`</?mark>`)

func TestSnippetsMarkMatchesAndEscape(t *testing.T) {
	res := search(t, "知识产权质押贷款", nil, 10)
	if len(res.Hits) == 0 {
		t.Fatal("no hits")
	}
	for _, h := range res.Hits {
		plain := html.UnescapeString(reMark.ReplaceAllString(h.Snippet, ""))
		plain = strings.TrimSuffix(strings.TrimPrefix(plain, "…"), "…")
		if !strings.Contains(h.Passage.Text, plain) {
			t.Errorf("snippet of %s is not a piece of its text: %q", h.Passage.ID, plain)
		}
	}
	top := res.Hits[0].Snippet
	if !strings.Contains(top, "<mark>知识产权质押贷款</mark>") {
		t.Errorf("top snippet does not mark the whole term: %s", top)
	}
	if strings.Contains(top, "</mark><mark>") {
		t.Errorf("adjacent marks not merged: %s", top)
	}
}

func TestQuotedPhraseMustMatch(t *testing.T) {
	res := search(t, `"知识产权质押贷款"`, nil, 20)
	if res.Total == 0 {
		t.Fatal("no hits")
	}
	for _, h := range res.Hits {
		if !strings.Contains(h.Passage.Text, "知识产权质押贷款") {
			t.Errorf("%s lacks the quoted phrase", h.Passage.ID)
		}
	}
	if loose := search(t, "知识产权质押贷款", nil, 20); loose.Total <= res.Total {
		t.Errorf("unquoted query found %d, quoted %d: quotes should narrow", loose.Total, res.Total)
	}
}

// A quoted phrase finds the passages whose text holds its words one
// after another, with at most spaces or punctuation between them, and no
// passage that only has the words apart. The index keeps no positions:
// the phrase is checked in the text (phrasematch.go).
func TestQuotedPhraseFindsItsPassages(t *testing.T) {
	squeeze := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				return unicode.ToLower(r)
			}
			return -1
		}, s)
	}
	apart := 0 // passages that have the words of a phrase, not the phrase
	for _, q := range []struct{ phrase, a, b string }{
		{"推动企业", "推动", "企业"},
		{"服务企业", "服务", "企业"},
		{"政策支持", "政策", "支持"},
		{"企业发展", "企业", "发展"},
		{"培育企业", "培育", "企业"},
	} {
		found := map[string]bool{}
		for page := 1; ; page++ {
			res, err := shared.Search(context.Background(), index.Request{Query: `"` + q.phrase + `"`, Size: 100, Page: page})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				found[h.Passage.ID] = true
				if !strings.Contains(squeeze(h.Passage.Text), q.phrase) {
					t.Errorf("%q: %s does not hold the phrase", q.phrase, h.Passage.ID)
				}
			}
			if len(res.Hits) < 100 {
				if len(found) != int(res.Total) {
					t.Errorf("%q: %d passages found, total %d", q.phrase, len(found), res.Total)
				}
				break
			}
		}
		for _, p := range shared.Library().Passages() {
			if strings.Contains(p.Text, q.phrase) && !found[p.ID] {
				t.Errorf("%q: %s holds the phrase and was not found", q.phrase, p.ID)
			}
			if !strings.Contains(squeeze(p.Text), q.phrase) && strings.Contains(p.Text, q.a) && strings.Contains(p.Text, q.b) {
				apart++
			}
		}
	}
	if apart == 0 {
		t.Fatal("no passage has the words of a phrase apart: the test checks nothing")
	}
}

func TestFiltersAndFacets(t *testing.T) {
	all := search(t, "", nil, 100)
	if int(all.Total) != len(shared.Library().Passages()) {
		t.Fatalf("empty query total %d, passages %d", all.Total, len(shared.Library().Passages()))
	}
	sum := 0
	for _, v := range all.Facets[index.FieldKind] {
		sum += v.Count
	}
	if sum != int(all.Total) {
		t.Errorf("kind facet sums to %d, total %d", sum, all.Total)
	}
	// Each county's facet count is the total when filtering by it.
	for _, v := range all.Facets[index.FieldCounty] {
		res := search(t, "", map[string][]string{index.FieldCounty: {v.Value}}, 100)
		if int(res.Total) != v.Count {
			t.Errorf("county %s: facet %d, filtered total %d", v.Value, v.Count, res.Total)
		}
		for _, h := range res.Hits {
			if !slices.Contains(h.Passage.Counties, v.Value) {
				t.Errorf("county filter %s returned %s with %v", v.Value, h.Passage.ID, h.Passage.Counties)
			}
		}
	}
	// Values of one facet OR; facets AND.
	a := search(t, "企业", map[string][]string{index.FieldCounty: {"定襄县"}}, 100)
	b := search(t, "企业", map[string][]string{index.FieldCounty: {"祁县"}}, 100)
	ab := search(t, "企业", map[string][]string{index.FieldCounty: {"定襄县", "祁县"}}, 100)
	if ab.Total < a.Total || ab.Total < b.Total || ab.Total > a.Total+b.Total {
		t.Errorf("OR of counties: %d, alone %d and %d", ab.Total, a.Total, b.Total)
	}
	both := search(t, "企业", map[string][]string{index.FieldCounty: {"定襄县", "祁县"}, index.FieldKind: {"经验"}}, 100)
	if both.Total == 0 || both.Total > ab.Total {
		t.Errorf("AND with kind: %d of %d", both.Total, ab.Total)
	}
	for _, h := range both.Hits {
		if h.Passage.Kind != "经验" {
			t.Errorf("kind filter let %s (%s) through", h.Passage.ID, h.Passage.Kind)
		}
	}
}

func TestEmptyQueryListsInDocumentOrder(t *testing.T) {
	res := search(t, "", map[string][]string{index.FieldKind: {"经验"}}, 100)
	for i := 1; i < len(res.Hits); i++ {
		if res.Hits[i].Passage.Order < res.Hits[i-1].Passage.Order {
			t.Fatalf("hit %d out of document order", i)
		}
	}
}

func TestPagesAreDisjoint(t *testing.T) {
	ctx := context.Background()
	p1, err := shared.Search(ctx, index.Request{Query: "企业", Page: 1, Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	p2, err := shared.Search(ctx, index.Request{Query: "企业", Page: 2, Size: 5})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, h := range p1.Hits {
		ids[h.Passage.ID] = true
	}
	for _, h := range p2.Hits {
		if ids[h.Passage.ID] {
			t.Errorf("%s on both pages", h.Passage.ID)
		}
	}
	if len(p1.Hits) != 5 || p1.Total != p2.Total {
		t.Errorf("page sizes %d/%d totals %d/%d", len(p1.Hits), len(p2.Hits), p1.Total, p2.Total)
	}
	if p2.Hits[0].Score > p1.Hits[len(p1.Hits)-1].Score {
		t.Errorf("page 2 starts above page 1's last score")
	}
}

func TestBadRequests(t *testing.T) {
	for name, r := range map[string]index.Request{
		"size over 100":   {Query: "a", Size: 101},
		"negative page":   {Query: "a", Page: -1},
		"long query":      {Query: strings.Repeat("企", 1001)},
		"invalid utf-8":   {Query: "\xff\xfe"},
		"unknown facet":   {Filters: map[string][]string{"region": {"x"}}},
		"too deep paging": {Page: 200, Size: 100},
	} {
		_, err := shared.Search(context.Background(), r)
		if !errors.Is(err, index.ErrBadRequest) {
			t.Errorf("%s: err = %v, want ErrBadRequest", name, err)
		}
	}
}

func TestCitedPoliciesAreFacetsAndFilters(t *testing.T) {
	all := search(t, "", nil, 1)
	var policy string
	var count int
	for _, v := range all.Facets[index.FieldPolicy] {
		if strings.Contains(v.Value, "人才管理办法") {
			policy, count = v.Value, v.Count
		}
	}
	if policy == "" {
		t.Fatalf("the talent regulation cited by 清徐县 is not a facet value: %v", all.Facets[index.FieldPolicy])
	}
	res := search(t, "", map[string][]string{index.FieldPolicy: {policy}}, 100)
	if int(res.Total) != count || count == 0 {
		t.Errorf("filter by %s: %d hits, facet said %d", policy, res.Total, count)
	}
	for _, h := range res.Hits {
		if !slices.Contains(h.Passage.Policies, policy) || !strings.Contains(h.Passage.Text, "《"+policy+"》") {
			t.Errorf("%s does not cite %s", h.Passage.ID, policy)
		}
	}
}

func TestExplainScores(t *testing.T) {
	ctx := context.Background()
	hits, err := shared.ExplainScores(ctx, index.Request{Query: "写字楼", Size: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 {
		t.Fatalf("%d explained hits, want 2", len(hits))
	}
	concept := false
	for _, it := range hits[0].Items {
		if it.Score <= 0 {
			t.Errorf("piece %+v adds nothing", it)
		}
		concept = concept || (it.Kind == index.MatchConcept && it.From == "写字楼" && it.Via != "")
	}
	if !concept {
		t.Errorf("the breakdown does not show the expansion that matched: %+v", hits[0].Items)
	}
	// Filters apply as in Search.
	filtered, err := shared.ExplainScores(ctx, index.Request{Query: "写字楼", Size: 5, Filters: map[string][]string{index.FieldCounty: {"小店区"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range filtered {
		if !slices.Contains(h.Passage.Counties, "小店区") {
			t.Errorf("filtered explanation holds %s (%v)", h.Passage.ID, h.Passage.Counties)
		}
	}
	if _, err := shared.ExplainScores(ctx, index.Request{Query: "", Size: 2}); err == nil {
		t.Error("empty query explained")
	}
}

// A filter only removes passages: each passage it keeps has the score,
// snippet and explanation it has without the filter, and the filtered
// total is the unfiltered facet count of the value.
func TestFilterKeepsScores(t *testing.T) {
	for _, q := range []string{"企业", "小升规 奖励", "人才引进"} {
		all := search(t, q, nil, 100)
		byID := map[string]index.Hit{}
		for _, h := range all.Hits {
			byID[h.Passage.ID] = h
		}
		for _, v := range all.Facets[index.FieldCounty][:min(3, len(all.Facets[index.FieldCounty]))] {
			res := search(t, q, map[string][]string{index.FieldCounty: {v.Value}}, 100)
			if int(res.Total) != v.Count {
				t.Errorf("%s in %s: total %d, facet count %d", q, v.Value, res.Total, v.Count)
			}
			for _, h := range res.Hits {
				u, ok := byID[h.Passage.ID]
				if !ok {
					continue // beyond the unfiltered page
				}
				if math.Abs(u.Score-h.Score) > 1e-9 || u.Snippet != h.Snippet || !reflect.DeepEqual(u.Matched, h.Matched) {
					t.Errorf("%s in %s: %s scores %.6f %q %v filtered, %.6f %q %v not",
						q, v.Value, h.Passage.ID, h.Score, h.Snippet, h.Matched, u.Score, u.Snippet, u.Matched)
				}
			}
		}
	}
}
