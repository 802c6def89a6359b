package corpus

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"unsafe"
)

// decodedDocument is a document as the catalog reads it back: every
// string its own copy.
func decodedDocument(t *testing.T) *Document {
	t.Helper()
	d := &Document{ID: "d1", Title: "某县报告", Issuer: "某局"}
	sec := &Section{Title: "一、典型经验", Level: 1}
	d.Sections = []*Section{sec}
	for c := 1; c <= 2; c++ {
		cs := &Case{Number: c, Title: fmt.Sprintf("经验%d：做法", c), County: "平遥县", City: "晋中市", Themes: []string{"小升规"}}
		sub := &Section{Title: cs.Title, Level: 2}
		sec.Sections = append(sec.Sections, sub)
		for m := 1; m <= 3; m++ {
			p := &Passage{ID: fmt.Sprintf("d1-p%03d", len(d.Passages)+1), DocID: d.ID, Order: len(d.Passages) + 1,
				Kind: KindCase, HeadingPath: []string{sec.Title, cs.Title}, Title: cs.Title, Label: fmt.Sprintf("%d是", m),
				Case: &CaseRef{Number: c, Title: cs.Title, County: cs.County}, Text: fmt.Sprintf("正文%d-%d", c, m),
				Counties: []string{"平遥县"}, Cities: []string{"晋中市"}, Themes: []string{"小升规", "融资"}}
			d.Passages = append(d.Passages, p)
			sub.Passages = append(sub.Passages, p.ID)
			cs.Passages = append(cs.Passages, p.ID)
		}
		d.Cases = append(d.Cases, cs)
	}
	d.Indicators = []*Indicator{{Name: "企业数", Rows: []IndicatorValue{{County: "平遥县", City: "晋中市", Value: 3, Rank: 1}}}}
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var out Document
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

func sameStorage(a, b string) bool { return unsafe.StringData(a) == unsafe.StringData(b) }

func TestCompactSharesRepeatedValues(t *testing.T) {
	d := decodedDocument(t)
	p0, p1 := d.Passages[0], d.Passages[1]
	if sameStorage(p0.HeadingPath[1], p1.HeadingPath[1]) || p0.Case == p1.Case {
		t.Fatal("a decoded document already shares its strings: the test proves nothing")
	}
	want := decodedDocument(t)
	in := NewInterner()
	d.Compact(in)
	if !reflect.DeepEqual(d, want) {
		t.Fatal("Compact changed a value of the document")
	}
	for _, p := range d.Passages[1:] {
		if !sameStorage(p.DocID, d.ID) || !sameStorage(p.Counties[0], p0.Counties[0]) ||
			!sameStorage(p.Themes[1], p0.Themes[1]) || !sameStorage(p.HeadingPath[0], p0.HeadingPath[0]) {
			t.Errorf("passage %s keeps copies of its document's repeated strings", p.ID)
		}
	}
	if &p0.Counties[0] != &p1.Counties[0] || &p0.Themes[0] != &p1.Themes[0] {
		t.Error("passages with the same tags keep lists of their own")
	}
	// A shared list is capped: appending to one passage's leaves the others'.
	grown := append(p1.Themes, "新主题")
	if len(p0.Themes) != 2 || &grown[0] == &p0.Themes[0] {
		t.Error("appending to a shared tag list wrote into a neighbour's")
	}
	if p0.Case != p1.Case {
		t.Error("the passages of one case do not share their CaseRef")
	}
	if d.Passages[3].Case == p0.Case {
		t.Error("passages of two cases share one CaseRef")
	}
	if !sameStorage(d.Sections[0].Sections[0].Passages[0], p0.ID) || !sameStorage(d.Cases[0].Passages[1], p1.ID) {
		t.Error("section and case passage lists keep their own copies of the passage IDs")
	}
	if !sameStorage(d.Cases[1].County, p0.Counties[0]) || !sameStorage(d.Indicators[0].Rows[0].City, p0.Cities[0]) {
		t.Error("case and indicator places are not shared with the passages'")
	}
	// Across the documents of one interner too.
	other := decodedDocument(t)
	other.Compact(in)
	if !sameStorage(other.Passages[0].Counties[0], p0.Counties[0]) {
		t.Error("two documents compacted with one interner keep separate copies of a county name")
	}
}
