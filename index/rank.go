package index

import (
	"fmt"
	"math"
	"sort"
	"strings"

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
// first; a passage outside any case joins the other passages of its
// section (its heading path within the document), so the report's own
// sections (（三）创新驱动…, 序言) come once, not once per paragraph. A
// passage without headings is a group of its own. Groups keep the rank of
// their best passage.
func groupByCase(ranked []scored) [][]scored {
	var groups [][]scored
	at := map[string]int{}
	for _, h := range ranked {
		var key string
		switch {
		case h.p.Case != nil:
			key = fmt.Sprintf("%s#%d", h.p.DocID, h.p.Case.Number)
		case len(sectionPath(h.p)) > 0:
			key = h.p.DocID + "\x00" + strings.Join(sectionPath(h.p), "\x1f")
		default:
			groups = append(groups, []scored{h})
			continue
		}
		if i, ok := at[key]; ok {
			groups[i] = append(groups[i], h)
			continue
		}
		at[key] = len(groups)
		groups = append(groups, []scored{h})
	}
	return groups
}

// sectionPath is the heading path of a passage's section: without the
// passage's own measure heading (一是…), so a section's measures group.
func sectionPath(p *corpus.Passage) []string {
	path := p.HeadingPath
	if n := len(path); n > 1 && p.Label != "" && strings.HasPrefix(path[n-1], p.Label) {
		path = path[:n-1]
	}
	return path
}

// inOrder turns hits sorted by bleve (document order) into scored hits,
// keeping their order.
func (ix *Index) inOrder(hits search.DocumentMatchCollection) []scored {
	out := make([]scored, 0, len(hits))
	for _, m := range hits {
		if p, ok := ix.Library().Passage(m.ID); ok {
			out = append(out, scored{match: m, p: p, score: m.Score})
		}
	}
	return out
}

// sortByCounty orders hits by their first county in administrative order
// (passages without a known county last), keeping the order within a county.
func (ix *Index) sortByCounty(hits []scored) {
	rank := func(p *corpus.Passage) int {
		for _, c := range p.Counties {
			if r := ix.PlaceRank(c); r >= 0 {
				return r
			}
		}
		return math.MaxInt
	}
	sort.SliceStable(hits, func(i, j int) bool { return rank(hits[i].p) < rank(hits[j].p) })
}

// cmpDocOrder orders passages as the documents give them.
func cmpDocOrder(a, b *corpus.Passage) int {
	if c := strings.Compare(a.DocID, b.DocID); c != 0 {
		return c
	}
	return a.Order - b.Order
}

// mergeFilters returns filters with more added (values once each).
func mergeFilters(filters, more map[string][]string) map[string][]string {
	out := make(map[string][]string, len(filters)+len(more))
	for f, v := range filters {
		out[f] = append([]string(nil), v...)
	}
	for f, vs := range more {
		for _, v := range vs {
			if !containsString(out[f], v) {
				out[f] = append(out[f], v)
			}
		}
	}
	return out
}
