package relate

import (
	"math"
	"sort"
)

// Evidence is what two texts share, weighed: the specific words and the
// concepts (and, for a link, the place, which counts only beside them).
type Evidence struct {
	Terms    []string // shared words, most telling first
	Concepts []string // shared concepts
	Places   []string // the county of the case, named beside topical evidence (links only)
	Topic    float64  // weight of the shared words and concepts
	Items    int      // shared words of weight ≥ strongTerm, and concepts
	Score    float64  // Topic plus the place bonus
	// Coverage is the share of the first text's specific words and
	// concepts (by weight) that the second shares: how much of a
	// paragraph a case explains. A long paragraph that touches a case in
	// passing shares a little of much; a short one about the case shares
	// most of little.
	Coverage float64
}

// Weights of evidence.
const (
	strongTerm   = 0.5 // a word at least this specific is an item of evidence
	minShownTerm = 0.2 // words below this are not worth showing as shared
	maxTFGain    = 2.5
)

// tfGain dampens repetition: a word said five times is not five times the evidence.
func tfGain(tf float64) float64 {
	if tf < 1 {
		return tf
	}
	return math.Min(1+math.Log(tf), maxTFGain)
}

// compare weighs what a shares with b; w holds the words' specificity,
// conceptW the weight of a shared concept.
func compare(a, b *profile, w map[string]float64, conceptW float64) Evidence {
	var ev Evidence
	type shared struct {
		term string
		v    float64
	}
	var terms []shared
	var mass, covered float64
	for t, tfa := range a.terms {
		wt := w[t]
		if wt <= 0 {
			continue
		}
		mass += wt * math.Min(tfa, 1)
		tfb, ok := b.terms[t]
		if !ok {
			continue
		}
		covered += wt * math.Min(tfa, 1)
		v := wt * math.Min(tfa, 1) * tfGain(tfb)
		ev.Topic += v
		if wt >= strongTerm && tfa >= 1 && tfb >= 1 {
			ev.Items++
		}
		if wt >= minShownTerm {
			terms = append(terms, shared{t, v})
		}
	}
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].v != terms[j].v {
			return terms[i].v > terms[j].v
		}
		return terms[i].term < terms[j].term
	})
	for _, t := range terms {
		ev.Terms = append(ev.Terms, t.term)
	}
	for _, c := range sortedKeys(a.concepts) {
		sb, ok := b.concepts[c]
		mass += conceptW * a.concepts[c]
		if ok {
			covered += conceptW * a.concepts[c]
		}
		if !ok || sameWording(a.wording[c], b.wording[c]) {
			// Both say it in the same words: that evidence is counted as
			// shared words already; a concept adds only a paraphrase.
			continue
		}
		ev.Concepts = append(ev.Concepts, c)
		ev.Topic += conceptW * math.Min(a.concepts[c], sb)
		ev.Items++
	}
	ev.Score = ev.Topic
	if mass > 0 {
		ev.Coverage = covered / mass
	}
	return ev
}

// sameWording reports whether two texts name a concept with a wording in common.
func sameWording(a, b map[string]bool) bool {
	for w := range a {
		if b[w] {
			return true
		}
	}
	return false
}
