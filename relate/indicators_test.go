package relate_test

import (
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
)

func TestIndicatorQuestions(t *testing.T) {
	tests := []struct{ q, want string }{
		{"高新技术企业最多的县", "高新技术企业"},
		{"各县小升规数量", "小升规"},
		{"非煤工业比重排名", "非煤工业"},
		{"小升规奖励", "小升规"},
		{"培育企业数量最多的县", "培育企业"},
		{"专精特新企业有多少", "专精特新"},
	}
	for _, tt := range tests {
		got := engine.IndicatorsFor(tt.q)
		if len(got) == 0 || !strings.Contains(got[0].Name, tt.want) {
			t.Errorf("%s: indicators %v, want %s first", tt.q, names(got), tt.want)
		}
	}
	// A common word of an indicator's name asks about no indicator.
	for _, q := range []string{"企业", "企业发展", "培育", "楼宇经济", "光伏", "人才引进", "数量"} {
		if got := engine.IndicatorsFor(q); len(got) != 0 {
			t.Errorf("%s is no indicator question but got %v", q, names(got))
		}
	}
}

func names(ins []corpus.IndicatorInDoc) []string {
	var out []string
	for _, in := range ins {
		out = append(out, in.Name)
	}
	return out
}
