package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/segment"
)

// Similar practices: the key terms of a passage (weighted by TF-IDF) and
// the concepts it mentions find the passages of other counties that do the
// same thing.

const (
	similarKeyTerms    = 12 // key terms of the source passage that make the query
	boostSharedTheme   = 0.3
	boostSharedConcept = 0.5
	MaxSimilar         = 50
	similarOverfetch   = 4 // candidates fetched per result, before dropping same-county ones
)

// SimilarHit is a passage like another one, with what they share.
type SimilarHit struct {
	Passage  *corpus.Passage
	Score    float64
	Terms    []string // key terms of the source found in this passage
	Concepts []string // concepts both passages mention
}

// ErrNotFound is returned for an unknown passage ID.
var ErrNotFound = errors.New("not found")

// Similar returns up to size passages about other counties most like the
// passage id (for a passage about no county: any other passage with a county).
func (ix *Index) Similar(ctx context.Context, id string, size int) ([]SimilarHit, error) {
	if size < 1 || size > MaxSimilar {
		return nil, fmt.Errorf("%w: 条数必须在 1 到 %d 之间", ErrBadRequest, MaxSimilar)
	}
	src, ok := ix.Library().Passage(id)
	if !ok {
		return nil, fmt.Errorf("passage %q: %w", id, ErrNotFound)
	}
	keys, err := ix.keyTerms(ctx, src.Text)
	if err != nil {
		return nil, err
	}
	srcConcepts := ix.conceptSet(src.Text)
	hits, err := ix.moreLike(ctx, profile{keys: keys, concepts: srcConcepts, themes: src.Themes,
		themeField: FieldTheme, conceptW: boostSharedConcept, themeW: boostSharedTheme},
		size*similarOverfetch+len(src.Counties)*8)
	if err != nil {
		return nil, fmt.Errorf("similar to %s: %w", id, err)
	}
	out := []SimilarHit{}
	for _, m := range hits {
		p, ok := ix.Library().Passage(m.ID)
		if !ok || p.ID == src.ID || !isPractice(p) || sharesAny(p.Counties, src.Counties) {
			continue
		}
		h := SimilarHit{Passage: p, Score: m.Score}
		for _, k := range keys {
			if _, ok := m.Locations[FieldText][k.term]; ok {
				h.Terms = append(h.Terms, k.term)
			}
		}
		for c := range ix.conceptSet(p.Text) {
			if srcConcepts[c] {
				h.Concepts = append(h.Concepts, c)
			}
		}
		sort.Strings(h.Concepts)
		out = append(out, h)
		if len(out) == size {
			break
		}
	}
	return out, nil
}

type keyTerm struct {
	term   string
	weight float64
}

// keyTerms ranks the words of text by tf·idf (smoothed idf over the index).
func (ix *Index) keyTerms(ctx context.Context, text string) ([]keyTerm, error) {
	total, err := ix.bleve.DocCount()
	if err != nil {
		return nil, fmt.Errorf("count passages: %w", err)
	}
	tf := map[string]int{}
	for _, t := range ix.seg.Tokens([]byte(text), segment.WithSubwords) {
		w := strings.ToLower(t.Term)
		if utf8.RuneCountInString(w) < 2 || ix.filler[w] || isNumber(w) || !segment.IsNominal(t.POS) {
			continue // what a passage is about is in its nouns (目前, 全面, 建成 say nothing)
		}
		if _, isPlace := ix.places.Place(w); isPlace {
			continue // where something happened is not what it is about
		}
		tf[w]++
	}
	var out []keyTerm
	for w, n := range tf {
		df, err := ix.docFreq(ctx, FieldText, w)
		if err != nil {
			return nil, err
		}
		if df <= 1 && total > 1 {
			// Only in the source passage itself: nothing to share it with.
			continue
		}
		if float64(df) > specificShare*float64(total) {
			continue // too common to say what the passage is about (企业, 经济, 部门)
		}
		idf := math.Log(1 + float64(total)/float64(df))
		out = append(out, keyTerm{w, float64(n) * idf})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].weight != out[j].weight {
			return out[i].weight > out[j].weight
		}
		return out[i].term < out[j].term
	})
	if len(out) > similarKeyTerms {
		out = out[:similarKeyTerms]
	}
	if len(out) > 0 {
		top := out[0].weight
		for i := range out {
			out[i].weight /= top // boosts in (0, 1]
		}
	}
	return out, nil
}

// conceptSet returns the preferred terms of the concepts text mentions.
func (ix *Index) conceptSet(text string) map[string]bool {
	out := map[string]bool{}
	for _, m := range ix.concepts.Find(text) {
		for _, c := range m.Concepts {
			out[c.Concept.Preferred] = true
		}
	}
	return out
}

// isPractice tells a county's own practice (a case, or a passage of a
// general document about a county) from summaries that only name counties.
func isPractice(p *corpus.Passage) bool {
	return len(p.Counties) > 0 && (p.Case != nil || p.Kind == corpus.KindBody)
}

// conceptTerms returns the preferred term and synonyms of a concept.
func (ix *Index) conceptTerms(preferred string) []string {
	c, ok := ix.concepts.Concept(preferred)
	if !ok {
		return nil
	}
	return append([]string{c.Preferred}, c.Synonyms...)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func sharesAny(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}

func isNumber(s string) bool {
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' {
			return false
		}
	}
	return true
}
