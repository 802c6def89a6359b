package index_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/ingest"
)

// smallIndex indexes the given paragraphs as one document each.
func smallIndex(t *testing.T, texts ...string) *index.Index {
	t.Helper()
	var docs []*corpus.Document
	for i, text := range texts {
		d, err := ingest.ParseText(string(rune('a'+i))+".txt", []byte(text), ingest.Meta{})
		if err != nil {
			t.Fatal(err)
		}
		parts.Tagger.Tag(d)
		docs = append(docs, d)
	}
	ix := openAt(t, t.TempDir(), corpus.NewLibrary(docs))
	t.Cleanup(func() { ix.Close() })
	return ix
}

func TestSynonymRanksBelowLiteral(t *testing.T) {
	ix := smallIndex(t,
		"平遥县盘活商务楼宇资源，对入驻企业给予租金补贴，打造特色楼宇。",
		"介休市推动写字楼招商，对入驻企业给予租金补贴，打造特色楼宇。",
		"孝义市推进煤矸石综合利用，建设循环经济产业园。",
	)
	res, err := ix.Search(context.Background(), index.Request{Query: "写字楼"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) != 2 {
		t.Fatalf("hits = %d, want the literal and the synonym passage", len(res.Hits))
	}
	lit, syn := res.Hits[0], res.Hits[1]
	if !strings.Contains(lit.Passage.Text, "写字楼") || !strings.Contains(syn.Passage.Text, "商务楼宇") {
		t.Fatalf("order: %q then %q", lit.Passage.Text, syn.Passage.Text)
	}
	if lit.Score <= syn.Score {
		t.Errorf("literal %.3f not above synonym %.3f", lit.Score, syn.Score)
	}
	if !hasMatch(lit.Matched, index.Match{Term: "写字楼", Kind: index.MatchWord}) {
		t.Errorf("literal hit explanation: %+v", lit.Matched)
	}
	var via *index.Match
	for i, m := range syn.Matched {
		if m.Kind == index.MatchConcept && m.Term == "写字楼" {
			via = &syn.Matched[i]
		}
	}
	if via == nil || via.Via == "" || !strings.Contains(syn.Passage.Text, via.Found) {
		t.Errorf("synonym hit explanation %+v: want term 写字楼 via a concept, with the wording found", syn.Matched)
	}
	if !strings.Contains(syn.Snippet, "<mark>商务楼宇</mark>") {
		t.Errorf("the synonym is not marked: %s", syn.Snippet)
	}
}

// Queries that share no word with the passage they should find.
func TestColloquialQueriesFindThePractice(t *testing.T) {
	tests := []struct{ q, county string }{
		{"专利贷", "长治高新区"},
		{"碳达峰", "阳城县"},
		{"网上销售", "祁县"},
		{"抵押物不足", "长治高新区"},
	}
	for _, tt := range tests {
		res := search(t, tt.q, nil, 3)
		if len(res.Hits) == 0 || res.Hits[0].Passage.Case == nil || res.Hits[0].Passage.Case.County != tt.county {
			var got []string
			for _, h := range res.Hits {
				got = append(got, h.Passage.ID+":"+strings.Join(h.Passage.Counties, ","))
			}
			t.Errorf("%s: top hits %v, want %s's case first", tt.q, got, tt.county)
			continue
		}
		if strings.Contains(res.Hits[0].Passage.Text, tt.q) {
			t.Errorf("%s: the passage contains the query itself; pick a query that tests expansion", tt.q)
		}
		concept := false
		for _, m := range res.Hits[0].Matched {
			concept = concept || (m.Kind == index.MatchConcept && m.Via != "")
		}
		if !concept {
			t.Errorf("%s: top hit does not say which concept matched: %+v", tt.q, res.Hits[0].Matched)
		}
	}
}

func TestPlaceAndThemeRecognition(t *testing.T) {
	// A place in the query lifts that county's passages; the theme shows in the explanation.
	res := search(t, "定襄 品牌建设", nil, 5)
	if len(res.Hits) == 0 || !slices.Contains(res.Hits[0].Passage.Counties, "定襄县") {
		t.Fatalf("top hit not about 定襄县: %+v", res.Hits)
	}
	if !hasMatch(res.Hits[0].Matched, index.Match{Term: "定襄县", Kind: index.MatchPlace}) {
		t.Errorf("place not in explanation: %+v", res.Hits[0].Matched)
	}
	res = search(t, "人才引进", nil, 3)
	themed := false
	for _, m := range res.Hits[0].Matched {
		themed = themed || (m.Kind == index.MatchTheme && m.Term == "人才")
	}
	if !themed {
		t.Errorf("theme 人才 not recognised in 人才引进: %+v", res.Hits[0].Matched)
	}
}

func TestFillerWordsDoNotScore(t *testing.T) {
	plain := search(t, "小升规", nil, 5)
	asked := search(t, "怎么做小升规有哪些经验", nil, 5)
	if len(asked.Hits) == 0 || asked.Hits[0].Passage.ID != plain.Hits[0].Passage.ID {
		t.Errorf("question words changed the top hit: %s vs %s", asked.Hits[0].Passage.ID, plain.Hits[0].Passage.ID)
	}
	for _, m := range asked.Hits[0].Matched {
		if m.Term == "怎么" || m.Term == "经验" || m.Term == "哪些" {
			t.Errorf("filler word %q counted as a match", m.Term)
		}
	}
}

func TestGroupByCase(t *testing.T) {
	ctx := context.Background()
	flat, err := shared.Search(ctx, index.Request{Query: "楼宇经济", Size: 20})
	if err != nil {
		t.Fatal(err)
	}
	grouped, err := shared.Search(ctx, index.Request{Query: "楼宇经济", Size: 20, Group: index.GroupCase})
	if err != nil {
		t.Fatal(err)
	}
	if grouped.Total >= flat.Total || grouped.Passages != flat.Total {
		t.Errorf("grouped total %d (passages %d), flat %d", grouped.Total, grouped.Passages, flat.Total)
	}
	seen := map[string]bool{}
	first := grouped.Hits[0]
	if first.Passage.Case == nil || first.Passage.Case.County != "小店区" || len(first.Others) == 0 {
		t.Fatalf("first group: %+v", first.Passage)
	}
	for _, h := range grouped.Hits {
		if h.Passage.Case == nil {
			continue
		}
		key := h.Passage.DocID + h.Passage.Case.Title
		if seen[key] {
			t.Errorf("case %s appears twice", h.Passage.Case.Title)
		}
		seen[key] = true
		for _, o := range h.Others {
			if o.Passage.Case == nil || o.Passage.Case.Title != h.Passage.Case.Title || o.Score > h.Score {
				t.Errorf("group of %s holds %s (score %.3f > %.3f?)", h.Passage.Case.Title, o.Passage.ID, o.Score, h.Score)
			}
		}
	}
}

func hasMatch(ms []index.Match, want index.Match) bool {
	for _, m := range ms {
		if m.Term == want.Term && m.Kind == want.Kind {
			return true
		}
	}
	return false
}
