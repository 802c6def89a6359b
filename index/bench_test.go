package index_test

import (
	"context"
	"testing"

	"github.com/shanxi-sme/kb/index"
)

// BenchmarkSearch measures one search on the embedded corpus per query shape.
// Figures are recorded in the README and the closing notes, not asserted.
func BenchmarkSearch(b *testing.B) {
	shapes := []struct {
		name string
		req  index.Request
	}{
		{"term", index.Request{Query: "楼宇经济"}},
		{"sentence", index.Request{Query: "科技型企业缺少抵押物怎么贷款"}},
		{"colloquial", index.Request{Query: "写字楼怎么招商"}},
		{"filtered", index.Request{Query: "企业", Filters: map[string][]string{index.FieldCounty: {"定襄县", "祁县"}, index.FieldKind: {"经验"}}}},
		{"browse", index.Request{}},
	}
	ctx := context.Background()
	for _, s := range shapes {
		b.Run(s.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := shared.Search(ctx, s.req); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
