package relate

import (
	"sort"
	"strings"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/segment"
)

// Indicator questions: a query that asks about an indicator gets the
// indicator tables with the response, so the figures can be shown above
// the passages. A query asks about an indicator when it names what the
// indicator counts by a specific word (小升规, 专精特新, 非煤工业) or a
// concept of it, or when it spells out a name made of ordinary words
// (培育企业数量) together with a word of measure or ranking. A query that
// merely contains an ordinary word of some name (企业) asks nothing.

// measureWords say that a name is a figure; they are no subject.
var measureWords = map[string]bool{"数量": true, "数": true, "比重": true, "占比": true, "新增": true, "净增": true,
	"新培育": true, "省级": true, "占": true, "个数": true, "户数": true}

// rankingWords mark a question about figures.
var rankingWords = []string{"最多", "最少", "最高", "最低", "排名", "排行", "前三", "前五", "前十", "第一", "多少",
	"数量", "比重", "占比", "哪个县", "哪些县", "对比", "比较", "统计", "指标", "增加值", "产值"}

// Thresholds of indicator questions.
const (
	anchorSpecific = 0.6 // a name word this specific names the indicator by itself
	maxIndicators  = 3
	indicatorKeep  = 0.6 // further tables need this share of the best one's coverage
)

// IndicatorsFor returns the indicator tables a query asks about, best first.
func (e *Engine) IndicatorsFor(q string) []corpus.IndicatorInDoc {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return nil
	}
	ranking := false
	for _, w := range rankingWords {
		ranking = ranking || strings.Contains(q, w)
	}
	qConcepts := e.profileOf(q).concepts
	type cand struct {
		in    corpus.IndicatorInDoc
		cover float64
	}
	var out []cand
	for _, n := range e.indicatorNames() {
		var total, got float64
		anchored, all := false, true
		for _, w := range n.words {
			found := strings.Contains(q, w.term)
			if !w.sub {
				total += w.general + 0.1
				if found {
					got += w.general + 0.1
				} else {
					all = false
				}
			}
			if found && w.general >= anchorSpecific {
				anchored = true
			}
		}
		for _, c := range n.anchors {
			if qConcepts[c] > 0 {
				anchored = true
				got = max(got, total*0.8)
			}
		}
		if total == 0 || !(anchored || (all && ranking)) {
			continue
		}
		out = append(out, cand{n.in, got / total})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].cover > out[j].cover })
	var res []corpus.IndicatorInDoc
	for i := 0; i < len(out) && i < maxIndicators; i++ {
		if out[i].cover < indicatorKeep*out[0].cover {
			break
		}
		res = append(res, out[i].in)
	}
	return res
}

// indicatorName is what IndicatorsFor reads of an indicator's name: its
// words (measure words left out) with their specificity, and the concepts
// it names that are specific enough to name the indicator by themselves.
type indicatorName struct {
	in      corpus.IndicatorInDoc
	words   []indicatorWord
	anchors []string
}

type indicatorWord struct {
	term    string
	sub     bool // a sub-word: it anchors, but is no part of the name's coverage
	general float64
}

// indicatorCache keeps the indicator names of one library: segmenting
// and profiling every name again for each search cost a twentieth of
// the server's time under load (BENCHMARKS.md, 规模，第四轮).
type indicatorCache struct {
	lib   *corpus.Library
	names []indicatorName
}

// indicatorNames returns the indicator names of the index's library,
// reading them when the library changed.
func (e *Engine) indicatorNames() []indicatorName {
	lib := e.ix.Library()
	if c := e.indicators.Load(); c != nil && c.lib == lib {
		return c.names
	}
	var names []indicatorName
	for _, in := range lib.Indicators() {
		n := indicatorName{in: in}
		for _, t := range e.seg.Tokens([]byte(strings.ToLower(in.Name)), segment.WithSubwords) {
			if measureWords[t.Term] {
				continue
			}
			n.words = append(n.words, indicatorWord{term: t.Term, sub: t.Sub, general: e.spec.General(t.Term)})
		}
		for c := range e.profileOf(in.Name).concepts {
			if e.spec.General(c) >= anchorSpecific {
				n.anchors = append(n.anchors, c)
			}
		}
		names = append(names, n)
	}
	e.indicators.Store(&indicatorCache{lib: lib, names: names})
	return names
}
