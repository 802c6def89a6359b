package vector

import (
	"cmp"
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// fixture is a store of 3-dimensional vectors whose cosines to the x axis
// are easy to state: a and e point along it (e is longer, to show that
// length does not matter), b is at 45°, c at 90°, d opposite.
func fixture(t *testing.T) *Store {
	t.Helper()
	s := New("test-model", 3)
	for _, v := range []struct {
		id string
		v  []float32
	}{
		{"a", []float32{1, 0, 0}},
		{"b", []float32{1, 1, 0}},
		{"c", []float32{0, 1, 0}},
		{"d", []float32{-1, 0, 0}},
		{"e", []float32{2, 0, 0}},
	} {
		if err := s.Add(v.id, v.v); err != nil {
			t.Fatalf("Add(%s): %v", v.id, err)
		}
	}
	return s
}

func TestSearchOrdersByCosine(t *testing.T) {
	s := fixture(t)
	tests := []struct {
		name   string
		q      []float32
		k      int
		accept func(string) bool
		want   []Result
	}{
		{"top 3, tie by id", []float32{3, 0, 0}, 3, nil, []Result{
			{"a", 1}, {"e", 1}, {"b", 1 / math.Sqrt2},
		}},
		{"all, negative last", []float32{1, 0, 0}, 10, nil, []Result{
			{"a", 1}, {"e", 1}, {"b", 1 / math.Sqrt2}, {"c", 0}, {"d", -1},
		}},
		{"diagonal query", []float32{1, 1, 0}, 2, nil, []Result{
			{"b", 1}, {"a", 1 / math.Sqrt2},
		}},
		{"accept filter", []float32{1, 0, 0}, 2, func(id string) bool { return id != "a" && id != "b" }, []Result{
			{"e", 1}, {"c", 0},
		}},
		{"filter rejects all", []float32{1, 0, 0}, 2, func(string) bool { return false }, nil},
		{"k zero", []float32{1, 0, 0}, 0, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Search(tt.q, tt.k, tt.accept)
			if err != nil {
				t.Fatalf("Search: %v", err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i].ID != tt.want[i].ID || math.Abs(got[i].Score-tt.want[i].Score) > 1e-6 {
					t.Errorf("result %d = %v, want %v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestVectorErrors(t *testing.T) {
	s := fixture(t)
	tests := []struct {
		name string
		op   func() error
		want error
	}{
		{"add too short", func() error { return s.Add("x", []float32{1, 0}) }, ErrDimension},
		{"add too long", func() error { return s.Add("x", []float32{1, 0, 0, 0}) }, ErrDimension},
		{"add zero", func() error { return s.Add("x", []float32{0, 0, 0}) }, ErrZeroVector},
		{"add NaN", func() error { return s.Add("x", []float32{float32(math.NaN()), 0, 0}) }, ErrNonFinite},
		{"add Inf", func() error { return s.Add("x", []float32{float32(math.Inf(1)), 0, 0}) }, ErrNonFinite},
		{"search wrong dimension", func() error { _, err := s.Search([]float32{1, 0}, 1, nil); return err }, ErrDimension},
		{"search zero", func() error { _, err := s.Search([]float32{0, 0, 0}, 1, nil); return err }, ErrZeroVector},
		{"store without dimension", func() error { return New("m", 0).Add("x", nil) }, ErrDimension},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.op(); !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
	if err := s.Add("", []float32{1, 0, 0}); err == nil {
		t.Error("Add with an empty id succeeded")
	}
	if err := s.Add(strings.Repeat("x", maxIDLen+1), []float32{1, 0, 0}); err == nil {
		t.Error("Add with an overlong id succeeded")
	}
	if s.Len() != 5 {
		t.Errorf("Len() = %d after failed adds, want 5", s.Len())
	}
}

func TestAddReplacesAndCopies(t *testing.T) {
	s := fixture(t)
	v := []float32{0, 0, 5}
	if err := s.Add("a", v); err != nil {
		t.Fatal(err)
	}
	v[2] = -5 // must not reach the store
	if s.Len() != 5 {
		t.Errorf("Len() = %d after replacing, want 5", s.Len())
	}
	got, err := s.Search([]float32{0, 0, 1}, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "a" || math.Abs(got[0].Score-1) > 1e-6 {
		t.Errorf("after replacing a: %v, want a with score 1", got)
	}
}

// TestSearchMatchesFullSort checks the heap against sorting every score.
func TestSearchMatchesFullSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	const n, dim = 500, 16
	s := New("m", dim)
	vecs := map[string][]float32{}
	for i := range n {
		v := randomVector(rng, dim)
		// Duplicates make ties, which must still be ordered by id.
		if i%50 == 1 {
			v = vecs["v0"]
		}
		id := "v" + string(rune('0'+i%10)) + strings.Repeat("x", i/10)
		if i == 0 {
			id = "v0"
		}
		vecs[id] = v
		if err := s.Add(id, v); err != nil {
			t.Fatal(err)
		}
	}
	q := vecs["v0"]
	var all []Result
	for id, v := range vecs {
		all = append(all, Result{id, cosine(q, v)})
	}
	for _, k := range []int{1, 5, 37, n} {
		got, err := s.Search(q, k, nil)
		if err != nil {
			t.Fatal(err)
		}
		// Compare ids by position, allowing float32 rounding to swap
		// only results whose exact cosines are within a hair.
		want := slices.Clone(all)
		slices.SortFunc(want, func(a, b Result) int {
			if c := cmp.Compare(b.Score, a.Score); c != 0 {
				return c
			}
			return strings.Compare(a.ID, b.ID)
		})
		want = want[:min(k, len(want))]
		if len(got) != len(want) {
			t.Fatalf("k=%d: %d results, want %d", k, len(got), len(want))
		}
		for i := range got {
			if math.Abs(got[i].Score-want[i].Score) > 1e-5 {
				t.Errorf("k=%d result %d: %v, want %v", k, i, got[i], want[i])
			}
			if i > 0 && worse(got[i-1], got[i]) {
				t.Errorf("k=%d: result %d %v ranks above %v", k, i, got[i-1], got[i])
			}
		}
	}
}

func randomVector(rng *rand.Rand, dim int) []float32 {
	v := make([]float32, dim)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return v
}

func cosine(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

func TestRemove(t *testing.T) {
	s := New("m", 2)
	for id, v := range map[string][]float32{"a": {1, 0}, "b": {0, 1}, "c": {1, 1}} {
		if err := s.Add(id, v); err != nil {
			t.Fatal(err)
		}
	}
	s.Remove("a", "nope")
	if s.Len() != 2 {
		t.Fatalf("Len = %d after removing one of three", s.Len())
	}
	res, err := s.Search([]float32{1, 0}, 3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].ID != "c" {
		t.Errorf("search after removal: %+v", res)
	}
	for _, r := range res {
		if r.ID == "a" {
			t.Error("a removed vector is still found")
		}
	}
	s.Remove("b", "c")
	if s.Len() != 0 {
		t.Errorf("Len = %d after removing all", s.Len())
	}
}
