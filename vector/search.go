package vector

import (
	"fmt"
	"slices"
	"strings"
)

// Result is a stored id and its cosine similarity to a query, in [-1, 1].
type Result struct {
	ID    string
	Score float64
}

// Search returns the k stored vectors most similar to q by cosine, best
// first, ties broken by id so that results are reproducible. accept, when
// not nil, filters ids before scoring (to apply facet filters, say); it is
// called with the store locked for reading and must not modify the store.
// k ≤ 0 returns nothing.
func (s *Store) Search(q []float32, k int, accept func(id string) bool) ([]Result, error) {
	u, err := s.unit(q)
	if err != nil {
		return nil, fmt.Errorf("search vectors: query: %w", err)
	}
	if k <= 0 {
		return nil, nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	top := topK{k: k}
	for i, id := range s.ids {
		if accept != nil && !accept(id) {
			continue
		}
		top.offer(id, dot(u, s.vecs[i*s.dim:(i+1)*s.dim]))
	}
	return top.sorted(), nil
}

// dot is the inner product of two equally long vectors. Four accumulators
// break the dependency chain between additions, which roughly doubles the
// throughput of this loop, the whole cost of a query.
func dot(a, b []float32) float32 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(a); i += 4 {
		a4, b4 := a[i:i+4:i+4], b[i:i+4:i+4]
		s0 += a4[0] * b4[0]
		s1 += a4[1] * b4[1]
		s2 += a4[2] * b4[2]
		s3 += a4[3] * b4[3]
	}
	for ; i < len(a); i++ {
		s0 += a[i] * b[i]
	}
	return (s0 + s1) + (s2 + s3)
}

// topK keeps the k best results seen so far in a heap whose root is the
// worst of them, so each candidate costs O(1) when rejected and O(log k)
// when kept.
type topK struct {
	k     int
	items []Result
}

// worse orders results: lower score, or on a tie the later id.
func worse(a, b Result) bool {
	if a.Score != b.Score {
		return a.Score < b.Score
	}
	return a.ID > b.ID
}

func (t *topK) offer(id string, score32 float32) {
	// Rounding can push the dot product of unit vectors just past ±1.
	r := Result{ID: id, Score: min(1, max(-1, float64(score32)))}
	if len(t.items) < t.k {
		t.items = append(t.items, r)
		t.up(len(t.items) - 1)
		return
	}
	if !worse(t.items[0], r) {
		return
	}
	t.items[0] = r
	t.down(0)
}

func (t *topK) up(i int) {
	for i > 0 {
		p := (i - 1) / 2
		if !worse(t.items[i], t.items[p]) {
			return
		}
		t.items[i], t.items[p] = t.items[p], t.items[i]
		i = p
	}
}

func (t *topK) down(i int) {
	n := len(t.items)
	for {
		w := i
		if l := 2*i + 1; l < n && worse(t.items[l], t.items[w]) {
			w = l
		}
		if r := 2*i + 2; r < n && worse(t.items[r], t.items[w]) {
			w = r
		}
		if w == i {
			return
		}
		t.items[i], t.items[w] = t.items[w], t.items[i]
		i = w
	}
}

// sorted returns the kept results best first.
func (t *topK) sorted() []Result {
	slices.SortFunc(t.items, func(a, b Result) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return t.items
}
