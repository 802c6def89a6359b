package index_test

import (
	"reflect"
	"testing"

	"github.com/shanxi-sme/kb/index"
)

// TestFacetTableMatchesBleve checks the facet counts of the table against
// bleve's own facet builder for queries of every shape.
func TestFacetTableMatchesBleve(t *testing.T) {
	for _, q := range []string{"", "企业", "楼宇经济", "科技型企业缺少抵押物怎么贷款", "小升规", "专精特新 人才"} {
		got, want, err := index.FacetsBothWays(shared, q)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil {
			t.Fatal("no facet table")
		}
		for _, f := range index.Facets {
			if !reflect.DeepEqual(got[f], want[f]) {
				t.Errorf("%q %s:\n table %v\n bleve %v", q, f, got[f], want[f])
			}
		}
	}
}
