package synth

import (
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
)

func generator(t *testing.T) *Generator {
	t.Helper()
	places, err := corpus.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	themes, err := corpus.DefaultOntology()
	if err != nil {
		t.Fatal(err)
	}
	concepts, err := corpus.DefaultThesaurus(themes)
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(Sources{Places: places, Themes: themes, Concepts: concepts})
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestDeterministicAndSpread(t *testing.T) {
	g := generator(t)
	a := g.Documents(7, 2000)
	b := g.Documents(7, 2000)
	c := g.Documents(8, 2000)
	passages, counties := 0, map[string]bool{}
	for i, d := range a {
		passages += len(d.Passages)
		if d.ID != b[i].ID || d.Passages[0].Text != b[i].Passages[0].Text {
			t.Fatal("same seed, different corpus")
		}
		for _, p := range d.Passages {
			for _, cty := range p.Counties {
				counties[cty] = true
			}
		}
	}
	if a[0].Passages[0].Text == c[0].Passages[0].Text {
		t.Error("different seeds, same corpus")
	}
	if passages != 2000 {
		t.Errorf("%d passages, asked for 2000", passages)
	}
	if len(counties) < 60 {
		t.Errorf("only %d counties covered", len(counties))
	}
}

// TestRealisticFrequencies checks that domain terms are rare and the
// register common, as in real reports.
func TestRealisticFrequencies(t *testing.T) {
	g := generator(t)
	docs := g.Documents(1, 20000)
	n, building, firm := 0, 0, 0
	for _, d := range docs {
		for _, p := range d.Passages {
			n++
			if strings.Contains(p.Text, "楼宇经济") {
				building++
			}
			if strings.Contains(p.Text, "企业") {
				firm++
			}
		}
	}
	if share := float64(building) / float64(n); share >= 0.01 {
		t.Errorf("楼宇经济 in %.2f%% of passages, want well under 1%%", 100*share)
	}
	if share := float64(firm) / float64(n); share < 0.2 {
		t.Errorf("企业 in only %.1f%% of passages", 100*share)
	}
}
