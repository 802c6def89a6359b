package relate

import (
	"context"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/segment"
	"github.com/shanxi-sme/kb/specificity"
)

// profile is what a text is about, as relatedness compares texts: its
// words (with how often they occur), the concepts it names and the places
// it names. Places are kept apart from the words: where something
// happened is not what it is about.
type profile struct {
	terms    map[string]float64         // word -> occurrences (a sub-word counts half)
	pos      map[string]float64         // word -> specificity.POSFactor of its tag
	concepts map[string]float64         // concept (preferred term) -> strength of the wording found
	wording  map[string]map[string]bool // concept -> the wordings of it found
	counties map[string]bool            // counties and zones named (standard names)
}

// Weights of what a profile records.
const (
	subwordTF   = 0.5 // a dictionary word inside a longer word (楼宇 in 楼宇经济)
	nearConcept = 0.6 // a concept reached through a near-synonym only
)

func (e *Engine) profileOf(text string) *profile {
	p := &profile{terms: map[string]float64{}, pos: map[string]float64{}, concepts: map[string]float64{}, wording: map[string]map[string]bool{}, counties: map[string]bool{}}
	for _, t := range e.seg.Tokens([]byte(text), segment.WithSubwords) {
		w := strings.ToLower(t.Term)
		if utf8.RuneCountInString(w) < 2 || isNumeric(w) {
			continue
		}
		if _, isPlace := e.places.Place(w); isPlace {
			continue
		}
		p.pos[w] = max(p.pos[w], specificity.POSFactor(t.POS))
		if t.Sub {
			p.terms[w] += subwordTF
		} else {
			p.terms[w]++
		}
	}
	for _, m := range e.concepts.Find(text) {
		for _, ct := range m.Concepts {
			s := 1.0
			if ct.Relation == corpus.RelNear {
				s = nearConcept
			}
			c := ct.Concept.Preferred
			if s > p.concepts[c] {
				p.concepts[c] = s
			}
			if p.wording[c] == nil {
				p.wording[c] = map[string]bool{}
			}
			p.wording[c][strings.ToLower(m.Term)] = true
		}
	}
	for _, pl := range e.places.Find(text) {
		if !pl.IsCity() {
			p.counties[pl.Name] = true
		}
	}
	return p
}

// weights returns the specificity of each word of the profiles (see
// package specificity), from one snapshot of the index.
func (e *Engine) weights(ctx context.Context, ps ...*profile) (map[string]float64, error) {
	var terms []string
	for _, p := range ps {
		for t := range p.terms {
			terms = append(terms, t)
		}
	}
	df, n, err := e.ix.DocFreqs(ctx, terms)
	if err != nil {
		return nil, err
	}
	pos := map[string]float64{}
	for _, p := range ps {
		for t, f := range p.pos {
			pos[t] = max(pos[t], f)
		}
	}
	out := make(map[string]float64, len(df))
	for t, f := range df {
		out[t] = e.spec.Weight(t, f, n) * pos[t]
	}
	return out, nil
}

// keyTerms returns the words of p by weight, best first, at most n, each
// at least min.
func keyTerms(p *profile, w map[string]float64, n int, min float64) []string {
	var out []string
	for t := range p.terms {
		if w[t] >= min {
			out = append(out, t)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		wi, wj := w[out[i]]*tfGain(p.terms[out[i]]), w[out[j]]*tfGain(p.terms[out[j]])
		if wi != wj {
			return wi > wj
		}
		return out[i] < out[j]
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

func isNumeric(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' && r != '%' {
			return false
		}
	}
	return true
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
