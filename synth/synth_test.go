package synth

import (
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/ingest"
)

func TestDeterministicAndSpread(t *testing.T) {
	places, err := corpus.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	themes, err := corpus.DefaultOntology()
	if err != nil {
		t.Fatal(err)
	}
	tagger := &corpus.Tagger{Places: places, Themes: themes}
	seed, err := ingest.LoadSeed(tagger)
	if err != nil {
		t.Fatal(err)
	}
	g, err := New(corpus.NewLibrary(seed), places)
	if err != nil {
		t.Fatal(err)
	}
	a, err := g.Documents(7, 2000, tagger)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := g.Documents(7, 2000, tagger)
	c, _ := g.Documents(8, 2000, tagger)
	passages, counties := 0, map[string]bool{}
	for i, d := range a {
		passages += len(d.Passages)
		if d.ID != b[i].ID {
			t.Fatal("same seed, different corpus")
		}
		for _, p := range d.Passages {
			for _, cty := range p.Counties {
				counties[cty] = true
			}
			if strings.Contains(p.Text, "{county}") {
				t.Fatalf("unfilled template in %s", p.Text)
			}
		}
	}
	if a[0].ID == c[0].ID {
		t.Error("different seeds, same corpus")
	}
	if passages < 2000 || passages > 2100 {
		t.Errorf("%d passages, asked for 2000", passages)
	}
	if len(counties) < 60 {
		t.Errorf("only %d counties covered", len(counties))
	}
}
