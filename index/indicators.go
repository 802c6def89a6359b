package index

import (
	"sort"
	"strings"

	"github.com/shanxi-sme/kb/corpus"
)

// Indicator questions: a query that names an indicator (高新技术企业数量,
// 非煤工业比重) or asks for a ranking (…最多的县) gets the indicator tables
// with the response, so the figures can be shown above the passages.

// rankingWords mark a question about figures.
var rankingWords = []string{"最多", "最少", "最高", "最低", "排名", "排行", "前三", "前五", "前十", "第一", "多少", "数量", "比重", "占比", "哪个县", "哪些县", "对比", "比较", "统计", "指标"}

// Thresholds of how much of an indicator's name the query must cover.
const (
	indicatorCoverage        = 0.6 // on its own
	indicatorCoverageRanking = 0.4 // with a ranking word
	maxIndicators            = 3
)

// IndicatorsFor returns the indicator tables a query asks about, best first.
func (ix *Index) IndicatorsFor(q string) []corpus.IndicatorInDoc {
	q = strings.TrimSpace(q)
	if q == "" {
		return nil
	}
	ranking := false
	for _, w := range rankingWords {
		ranking = ranking || strings.Contains(q, w)
	}
	type cand struct {
		in    corpus.IndicatorInDoc
		cover float64
		hits  int
	}
	var out []cand
	qb := bigramSet(q)
	for _, in := range ix.Library().Indicators() {
		core := bigramSet(indicatorCore(in.Name))
		if len(core) == 0 {
			continue
		}
		hit := 0
		for g := range core {
			if qb[g] {
				hit++
			}
		}
		cover := float64(hit) / float64(len(core))
		if cover >= indicatorCoverage || (ranking && cover >= indicatorCoverageRanking) {
			out = append(out, cand{in, cover, hit})
		}
	}
	// The table whose name the query spells out most fully wins; tables
	// that share only a generic word with it (企业) drop out.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].hits != out[j].hits {
			return out[i].hits > out[j].hits
		}
		return out[i].cover > out[j].cover
	})
	var res []corpus.IndicatorInDoc
	for i := 0; i < len(out) && i < maxIndicators; i++ {
		if 5*out[i].hits < 3*out[0].hits {
			break
		}
		res = append(res, out[i].in)
	}
	return res
}

// indicatorCore strips the words every indicator name shares.
func indicatorCore(name string) string {
	for _, w := range []string{"新增", "新培育", "培育", "净增", "数量", "省级"} {
		name = strings.ReplaceAll(name, w, "")
	}
	return strings.TrimSuffix(name, "数")
}

func bigramSet(s string) map[string]bool {
	r := []rune(strings.ToLower(s))
	out := map[string]bool{}
	for i := 0; i+1 < len(r); i++ {
		out[string(r[i:i+2])] = true
	}
	return out
}
