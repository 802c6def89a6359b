package index

import (
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
	match *search.DocumentMatch
	p     *corpus.Passage
	score float64
}

// rerank applies the priors and sorts by the new score; ties keep bleve's order.
func (ix *Index) rerank(hits search.DocumentMatchCollection) []scored {
	out := make([]scored, 0, len(hits))
	for _, m := range hits {
		p, ok := ix.lib.Passage(m.ID)
		if !ok {
			continue // the index and the library disagree; skip rather than fail the page
		}
		s := m.Score
		if f, ok := kindPrior[p.Kind]; ok {
			s *= f
		}
		out = append(out, scored{m, p, s})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].score > out[j].score })
	return out
}
