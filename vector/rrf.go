package vector

import (
	"cmp"
	"slices"
)

// DefaultRRFK is the k of reciprocal rank fusion from Cormack, Clarke and
// Büttcher (2009); it damps the weight of the top ranks so that one list
// alone cannot dominate the fused order.
const DefaultRRFK = 60

// Fused is an id with its reciprocal-rank-fusion score.
type Fused struct {
	ID    string
	Score float64
	// Ranks[i] is the id's 1-based rank in list i, or 0 if it is absent
	// there; it lets the caller explain why a result ranks where it does.
	Ranks []int
}

// FuseRRF merges ranked lists of ids (best first), typically the keyword
// and the dense ranking, by reciprocal rank fusion:
//
//	score(id) = Σ 1/(k + rank)  over the lists holding id, rank from 1
//
// RRF needs no score calibration between lists, which BM25 and cosine
// scores lack. k ≤ 0 means DefaultRRFK. Results are sorted by score, best
// first; equal scores keep the order of first appearance, reading list 0
// from top to bottom, then list 1, and so on. An id repeated within a list
// counts at its best rank only.
func FuseRRF(k int, lists ...[]string) []Fused {
	if k <= 0 {
		k = DefaultRRFK
	}
	var out []Fused
	at := map[string]int{} // id → index in out
	for li, list := range lists {
		for r, id := range list {
			j, ok := at[id]
			if !ok {
				j = len(out)
				at[id] = j
				out = append(out, Fused{ID: id, Ranks: make([]int, len(lists))})
			}
			if out[j].Ranks[li] == 0 {
				out[j].Ranks[li] = r + 1
			}
		}
	}
	for i := range out {
		out[i].Score = rrfScore(k, out[i].Ranks)
	}
	// Stable, so that ties keep the order of first appearance.
	slices.SortStableFunc(out, func(a, b Fused) int { return cmp.Compare(b.Score, a.Score) })
	return out
}

// rrfScore sums the terms in order of rank rather than of list, so that ids
// holding the same ranks in different lists get bit-identical scores and
// tie exactly: floating-point addition is not associative.
func rrfScore(k int, ranks []int) float64 {
	var rs []int
	for _, r := range ranks {
		if r > 0 {
			rs = append(rs, r)
		}
	}
	slices.Sort(rs)
	var s float64
	for _, r := range rs {
		s += 1 / float64(k+r)
	}
	return s
}
