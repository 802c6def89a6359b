package corpus

import (
	"strings"
	"testing"
)

func TestThesaurusLoadsAndLinks(t *testing.T) {
	o, err := DefaultOntology()
	if err != nil {
		t.Fatal(err)
	}
	th, err := DefaultThesaurus(o)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(th.Concepts()); n < 300 {
		t.Errorf("thesaurus has %d concepts, want hundreds", n)
	}
	// Colloquial words reach the concept the documents use.
	tests := []struct{ query, concept string }{
		{"写字楼怎么招商", "商务楼宇"},
		{"专利贷", "知识产权质押融资"},
		{"规上企业", "规模以上企业"},
	}
	for _, tt := range tests {
		found := false
		for _, m := range th.Find(tt.query) {
			for _, c := range m.Concepts {
				found = found || c.Concept.Preferred == tt.concept
			}
		}
		if !found {
			t.Errorf("%s does not reach %s: %+v", tt.query, tt.concept, th.Find(tt.query))
		}
	}
	for _, c := range th.Concepts() {
		if _, ok := o.Theme(c.Theme); !ok {
			t.Errorf("%s has unknown theme %s", c.Preferred, c.Theme)
		}
	}
}

func TestLoadThesaurusErrors(t *testing.T) {
	o, err := DefaultOntology()
	if err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]string{
		"no theme":      "[甲乙]\n同义: 丙丁\n",
		"unknown theme": "[甲乙]\n主题: 不存在的主题\n",
		"unknown key":   "[甲乙]\n主题: 人才\n反义: 丙丁\n",
		"duplicate":     "[甲乙]\n主题: 人才\n[甲乙]\n主题: 人才\n",
	} {
		if _, err := LoadThesaurus(strings.NewReader(src), name, o); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
