package relate_test

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/relate"
)

func TestIndicatorQuestions(t *testing.T) {
	tests := []struct{ q, want string }{
		{"高新技术企业最多的县", "高新技术企业"},
		{"各县小升规数量", "小升规"},
		{"非煤工业比重排名", "非煤工业"},
		{"小升规奖励", "小升规"},
		{"培育企业数量最多的县", "培育企业"},
		{"专精特新企业有多少", "专精特新"},
	}
	for _, tt := range tests {
		got := engine.IndicatorsFor(tt.q)
		if len(got) == 0 || !strings.Contains(got[0].Name, tt.want) {
			t.Errorf("%s: indicators %v, want %s first", tt.q, names(got), tt.want)
		}
	}
	// A common word of an indicator's name asks about no indicator.
	for _, q := range []string{"企业", "企业发展", "培育", "楼宇经济", "光伏", "人才引进", "数量"} {
		if got := engine.IndicatorsFor(q); len(got) != 0 {
			t.Errorf("%s is no indicator question but got %v", q, names(got))
		}
	}
}

func names(ins []corpus.IndicatorInDoc) []string {
	var out []string
	for _, in := range ins {
		out = append(out, in.Name)
	}
	return out
}

// swappedIndex is the shared index with a library that a test replaces,
// as uploads and deletions replace the index's.
type swappedIndex struct {
	relate.Index
	lib atomic.Pointer[corpus.Library]
}

func (s *swappedIndex) Library() *corpus.Library { return s.lib.Load() }

// Indicator names are read once per library: a library that gains or
// loses the indicator tables changes the answer at once.
func TestIndicatorsFollowTheLibrary(t *testing.T) {
	var without []*corpus.Document
	for _, d := range parts.Library.Documents() {
		c := *d
		c.Indicators = nil
		without = append(without, &c)
	}
	si := &swappedIndex{Index: ix}
	si.lib.Store(corpus.NewLibrary(without))
	e, err := relate.New(relate.Config{Index: si, Segmenter: parts.Segmenter, Concepts: parts.Concepts, Places: parts.Places,
		Themes: parts.Themes, Specificity: parts.Specificity})
	if err != nil {
		t.Fatal(err)
	}
	const q = "各县小升规数量"
	if got := e.IndicatorsFor(q); len(got) != 0 {
		t.Fatalf("no indicator tables yet, got %v", names(got))
	}
	si.lib.Store(parts.Library)
	if got := e.IndicatorsFor(q); len(got) == 0 || !strings.Contains(got[0].Name, "小升规") {
		t.Errorf("after the tables came: %v, want 小升规 first", names(got))
	}
	si.lib.Store(corpus.NewLibrary(without))
	if got := e.IndicatorsFor(q); len(got) != 0 {
		t.Errorf("after the tables went: %v, want none", names(got))
	}
}
