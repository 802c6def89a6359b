package vector

import (
	"math"
	"reflect"
	"testing"
)

func TestFuseRRF(t *testing.T) {
	// rrf is the formula written out, to compute expectations by hand.
	rrf := func(k int, ranks ...int) float64 {
		var s float64
		for _, r := range ranks {
			s += 1 / float64(k+r)
		}
		return s
	}
	tests := []struct {
		name  string
		k     int
		lists [][]string
		want  []Fused
	}{
		{
			name:  "keyword and dense",
			k:     DefaultRRFK,
			lists: [][]string{{"p1", "p2", "p3"}, {"p3", "p1", "p4"}},
			want: []Fused{
				{"p1", rrf(60, 1, 2), []int{1, 2}}, // 1/61 + 1/62
				{"p3", rrf(60, 3, 1), []int{3, 1}}, // 1/63 + 1/61
				{"p2", rrf(60, 2), []int{2, 0}},
				{"p4", rrf(60, 3), []int{0, 3}},
			},
		},
		{
			name:  "ties keep first appearance",
			k:     60,
			lists: [][]string{{"b", "a"}, {"a", "b"}},
			want: []Fused{
				{"b", rrf(60, 1, 2), []int{1, 2}},
				{"a", rrf(60, 2, 1), []int{2, 1}},
			},
		},
		{
			name:  "three lists tie exactly despite the order of terms",
			k:     60,
			lists: [][]string{{"x", "y", "z"}, {"y", "z", "x"}, {"z", "x", "y"}},
			want: []Fused{
				{"x", rrf(60, 1, 2, 3), []int{1, 3, 2}},
				{"y", rrf(60, 1, 2, 3), []int{2, 1, 3}},
				{"z", rrf(60, 1, 2, 3), []int{3, 2, 1}},
			},
		},
		{
			name:  "zero k means the default",
			k:     0,
			lists: [][]string{{"a"}},
			want:  []Fused{{"a", rrf(60, 1), []int{1}}},
		},
		{
			name:  "small k favours the top",
			k:     1,
			lists: [][]string{{"a", "b", "c"}, {"c"}},
			want: []Fused{
				{"c", rrf(1, 3, 1), []int{3, 1}}, // 1/4 + 1/2
				{"a", rrf(1, 1), []int{1, 0}},
				{"b", rrf(1, 2), []int{2, 0}},
			},
		},
		{
			name:  "repeat within a list counts once",
			k:     60,
			lists: [][]string{{"a", "a", "b"}},
			want: []Fused{
				{"a", rrf(60, 1), []int{1}},
				{"b", rrf(60, 3), []int{3}},
			},
		},
		{
			name:  "empty lists",
			k:     60,
			lists: [][]string{{}, nil},
			want:  nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := FuseRRF(tt.k, tt.lists...)
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for i := range got {
				w := tt.want[i]
				if got[i].ID != w.ID || !reflect.DeepEqual(got[i].Ranks, w.Ranks) ||
					math.Abs(got[i].Score-w.Score) > 1e-15 {
					t.Errorf("result %d = %+v, want %+v", i, got[i], w)
				}
			}
		})
	}
}
