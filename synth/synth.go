// Package synth scales the seed corpus for benchmarks: it recombines the
// real sentences of the seed's cases into new reports about every county
// of the gazetteer, deterministically from a seed number.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/ingest"
)

// Generator builds synthetic reports from a seed library.
type Generator struct {
	titles    []string   // case titles, with {county} for the county name
	sentences [][]string // sentences of each case's passages, {county} likewise
	counties  []string
	places    *corpus.Gazetteer
}

// passagesPerDoc is the size of one generated report.
const passagesPerDoc = 40

var measureNames = []string{"一", "二", "三", "四", "五", "六"}

// New collects the material of the seed's cases.
func New(lib *corpus.Library, places *corpus.Gazetteer) (*Generator, error) {
	g := &Generator{places: places}
	for _, p := range places.Places() {
		if !p.IsCity() {
			g.counties = append(g.counties, p.Name)
		}
	}
	for _, d := range lib.Documents() {
		for _, c := range d.Cases {
			title := strings.TrimSpace(c.Title[strings.Index(c.Title, "：")+len("："):])
			g.titles = append(g.titles, g.generalise(title))
			var sents []string
			for _, id := range c.Passages {
				p, _ := lib.Passage(id)
				for _, s := range splitSentences(p.Text) {
					sents = append(sents, g.generalise(stripMeasure(s)))
				}
			}
			g.sentences = append(g.sentences, sents)
		}
	}
	if len(g.titles) == 0 || len(g.counties) == 0 {
		return nil, fmt.Errorf("synth: the seed has no cases or the gazetteer no counties")
	}
	return g, nil
}

// Documents generates n passages' worth of reports (about passagesPerDoc
// passages each), the same for the same seed.
func (g *Generator) Documents(seed uint64, n int, tagger *corpus.Tagger) ([]*corpus.Document, error) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var docs []*corpus.Document
	for made, i := 0, 0; made < n; i++ {
		text := g.report(r, i, min(passagesPerDoc, n-made))
		d, err := ingest.ParseText(fmt.Sprintf("synth-%06d.txt", i), []byte(text), ingest.Meta{Issuer: "合成语料"})
		if err != nil {
			return nil, fmt.Errorf("synth report %d: %w", i, err)
		}
		tagger.Tag(d)
		docs = append(docs, d)
		made += len(d.Passages)
	}
	return docs, nil
}

// Report returns the text of one generated report with about want passages.
func (g *Generator) report(r *rand.Rand, i, want int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d年县域中小企业发展经验汇编（第%d辑）\n\n一、典型经验\n\n", 2020+i%5, i+1)
	passages, c := 0, 0
	for passages < want {
		c++
		county := g.counties[r.IntN(len(g.counties))]
		k := r.IntN(len(g.titles))
		fmt.Fprintf(&b, "经验%s：%s\n\n", corpus.HanNumeral(c), fill(g.titles[k], county))
		measures := min(2+r.IntN(5), want-passages)
		for m := 0; m < measures; m++ {
			src := g.sentences[r.IntN(len(g.sentences))]
			if r.IntN(3) > 0 {
				src = g.sentences[k] // mostly the case's own material
			}
			var sents []string
			for j := 0; j < 2+r.IntN(3); j++ {
				sents = append(sents, fill(src[r.IntN(len(src))], county))
			}
			fmt.Fprintf(&b, "%s是%s\n\n", measureNames[m%len(measureNames)], strings.Join(sents, ""))
			passages++
		}
	}
	return b.String()
}

// generalise replaces the place names of a sentence with {county}.
func (g *Generator) generalise(s string) string {
	for _, p := range g.places.Find(s) {
		for _, n := range append([]string{p.Name}, p.Aliases...) {
			s = strings.ReplaceAll(s, n, "{county}")
		}
	}
	return s
}

func fill(s, county string) string { return strings.ReplaceAll(s, "{county}", county) }

func splitSentences(text string) []string {
	var out []string
	start := 0
	for i, r := range text {
		if r == '。' || r == '；' {
			end := i + len(string(r))
			if s := strings.TrimSpace(text[start:end]); len([]rune(s)) >= 8 {
				out = append(out, s)
			}
			start = end
		}
	}
	if s := strings.TrimSpace(text[start:]); len([]rune(s)) >= 8 {
		out = append(out, s+"。")
	}
	return out
}

// stripMeasure drops a leading 一是… label so sentences recombine cleanly.
func stripMeasure(s string) string {
	for _, n := range measureNames {
		if rest, ok := strings.CutPrefix(s, n+"是"); ok {
			if i := strings.IndexAny(rest, "。，"); i >= 0 && i < 40 {
				return strings.TrimPrefix(rest[i:], "。")
			}
		}
	}
	return s
}
