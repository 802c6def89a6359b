package relate

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/shanxi-sme/kb/corpus"
)

// Similar practices: a passage's specific words and concepts find the
// passages of other counties that do the same kind of thing. Only what
// clears the evidence bar is offered; when nothing does, the answer is
// empty (the UI says 暂无类似做法) rather than padded with passages that
// share only ordinary words.

// MaxSimilar bounds the size of a similar-practices answer.
const MaxSimilar = 50

// SimilarParams are the evidence thresholds of similar practices.
type SimilarParams struct {
	Threshold float64 // the shared evidence must reach this
	MinItems  int     // and rest on at least this many items
	ConceptW  float64 // weight of a shared concept
	Retrieval         // how candidates are found
}

// DefaultSimilarParams are the thresholds in use.
var DefaultSimilarParams = SimilarParams{
	Threshold: 0.9, MinItems: 1, ConceptW: 0.6,
	Retrieval: Retrieval{KeyTerms: 16, MinKeyTerm: 0.3, ConceptBoost: 0.6, Size: 60},
}

// SimilarHit is a passage like another one, with what they share.
type SimilarHit struct {
	Passage *corpus.Passage
	Evidence
}

// Similar returns up to size passages of other counties that do what the
// passage id does, best first, at most one per case (for a passage about
// no county: practices of any county).
func (e *Engine) Similar(ctx context.Context, id string, size int) ([]SimilarHit, error) {
	if size < 1 || size > MaxSimilar {
		return nil, fmt.Errorf("%w: 条数必须在 1 到 %d 之间", ErrBadRequest, MaxSimilar)
	}
	lib := e.ix.Library()
	src, ok := lib.Passage(id)
	if !ok {
		return nil, fmt.Errorf("passage %q: %w", id, ErrNotFound)
	}
	sp := e.similar
	prof := e.profileOf(src.Text)
	w, err := e.weights(ctx, prof)
	if err != nil {
		return nil, err
	}
	units, err := e.candidates(ctx, lib, prof, w, sp.Retrieval)
	if err != nil {
		return nil, fmt.Errorf("similar to %s: %w", id, err)
	}
	out := []SimilarHit{}
	for _, u := range units {
		if sharesAny(u.counties, src.Counties) || slices.Contains(u.passages, src) {
			continue
		}
		// Practices are compared measure by measure: the closest passage of
		// each case stands for it.
		best := SimilarHit{}
		for i, part := range u.parts {
			ev := compare(prof, part, w, sp.ConceptW)
			if ev.Score > best.Score {
				best = SimilarHit{Passage: u.passages[i], Evidence: ev}
			}
		}
		if best.Passage == nil || best.Score < sp.Threshold || best.Items < sp.MinItems {
			continue
		}
		out = append(out, best)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Score > out[j].Score })
	if len(out) > size {
		out = out[:size]
	}
	return out, nil
}

func sharesAny(a, b []string) bool {
	for _, x := range a {
		if slices.Contains(b, x) {
			return true
		}
	}
	return false
}
