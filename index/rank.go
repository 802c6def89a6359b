package index

import (
	"fmt"
	"sort"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/shanxi-sme/kb/corpus"
)

// rerankWindow is how many of bleve's best hits are re-scored with the
// passage priors below; pages within it are cut from the re-scored list.
const rerankWindow = 100

// kindPrior scales the text score by the kind of passage. Indicator
// tables are lists of figures rendered as text: their few words make
// them outscore prose for any indicator name, while the tables are shown
// on their own (indicators API). The prose that explains a practice ranks first.
var kindPrior = map[corpus.Kind]float64{
	corpus.KindIndicator: 0.5,
}

type scored struct {
	match     *search.DocumentMatch // nil for a passage only the vectors found
	p         *corpus.Passage
	score     float64
	denseOnly bool
}

// rerank applies the priors and sorts by the new score; ties keep bleve's order.
func (ix *Index) rerank(hits search.DocumentMatchCollection) []scored {
	out := make([]scored, 0, len(hits))
	for _, m := range hits {
		p, ok := ix.Library().Passage(m.ID)
		if !ok {
			continue // the index and the library disagree; skip rather than fail the page
		}
		s := m.Score
		if f, ok := kindPrior[p.Kind]; ok {
			s *= f
		}
		out = append(out, scored{match: m, p: p, score: s})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	return out
}

// groupWindow is how many passages are grouped into cases with Group.
const groupWindow = 300

// groupByCase collapses ranked passages into their cases, best passage
// first; a passage outside any case is a group of its own. Groups keep the
// rank of their best passage.
func groupByCase(ranked []scored) [][]scored {
	var groups [][]scored
	at := map[string]int{}
	for _, h := range ranked {
		if h.p.Case == nil {
			groups = append(groups, []scored{h})
			continue
		}
		key := fmt.Sprintf("%s#%d", h.p.DocID, h.p.Case.Number)
		if i, ok := at[key]; ok {
			groups[i] = append(groups[i], h)
			continue
		}
		at[key] = len(groups)
		groups = append(groups, []scored{h})
	}
	return groups
}
