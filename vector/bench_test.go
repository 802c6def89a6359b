package vector

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkSearch measures one top-10 query over 10,000 random 512-dim
// vectors; ns/vector extrapolates to other sizes, as the cost is linear.
func BenchmarkSearch(b *testing.B) {
	const n, dim = 10_000, 512
	rng := rand.New(rand.NewPCG(42, 42))
	s := New("bench", dim)
	for i := range n {
		if err := s.Add(fmt.Sprintf("p%05d", i), randomVector(rng, dim)); err != nil {
			b.Fatal(err)
		}
	}
	q := randomVector(rng, dim)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Search(q, 10, nil); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/vector")
}
