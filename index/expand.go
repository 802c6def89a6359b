package index

import (
	"strings"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/segment"
)

// Boosts of thesaurus expansions; all stay below a literal word (boostWords)
// so a passage with the user's own word ranks above one with a synonym.
const (
	boostExpandSynonym = 0.5 // preferred term and synonyms of a concept the query names
	boostExpandNear    = 0.3 // near-synonyms, and everything reached through a near-synonym
	boostExpandNarrow  = 0.2 // preferred terms of narrower concepts
	maxExpansions      = 24  // bounds the query a long question can grow into
)

// expansion is a wording the query is widened to.
type expansion struct {
	term  string  // what is searched for
	from  string  // the query's own word that led to it
	via   string  // the concept (preferred term)
	boost float64 //
}

// expand widens the query through the concept thesaurus: 写字楼 reaches
// 商务楼宇 and 楼宇经济, 专利贷 reaches 知识产权质押贷款. It also records the
// themes of the concepts found, which rank passages tagged with them.
func (ix *Index) expand(pq *parsedQuery) {
	literal := map[string]bool{}
	for _, t := range append(append([]string{}, pq.terms...), pq.subs...) {
		literal[t] = true
	}
	lowerQuery := strings.ToLower(pq.free)
	seen := map[string]bool{}
	add := func(term, from, via string, boost float64) {
		key := strings.ToLower(term)
		if literal[key] || strings.Contains(lowerQuery, key) || len(pq.expansions) >= maxExpansions {
			return
		}
		if seen[key] {
			return
		}
		seen[key] = true
		pq.expansions = append(pq.expansions, expansion{term: term, from: from, via: via, boost: boost})
	}
	themes := map[string]bool{}
	for _, t := range pq.themes {
		themes[t] = true
	}
	for _, m := range ix.concepts.Find(pq.free) {
		if ix.filler[m.Term] {
			continue
		}
		for _, ct := range m.Concepts {
			c := ct.Concept
			if !themes[c.Theme] {
				themes[c.Theme] = true
				pq.themes = append(pq.themes, c.Theme)
			}
			strong, near := boostExpandSynonym, boostExpandNear
			if ct.Relation == corpus.RelNear {
				strong = boostExpandNear
			}
			add(c.Preferred, m.Term, c.Preferred, strong)
			for _, s := range c.Synonyms {
				add(s, m.Term, c.Preferred, strong)
			}
			for _, s := range c.Near {
				add(s, m.Term, c.Preferred, near)
			}
			if ct.Relation != corpus.RelNear {
				for _, s := range c.Narrower {
					add(s, m.Term, c.Preferred, boostExpandNarrow)
				}
			}
		}
	}
}

// origin says why an indexed word matched.
type origin struct {
	term  string // the query's word
	via   string // the concept, when reached by expansion
	found string // the expansion's wording
}

// origins maps each word the query can match in the index to its origin;
// the user's own words win over expansions.
func (ix *Index) origins(pq *parsedQuery) map[string]origin {
	out := map[string]origin{}
	for _, t := range pq.terms {
		out[t] = origin{term: t}
	}
	for _, t := range pq.subs {
		if _, ok := out[t]; !ok {
			out[t] = origin{term: t}
		}
	}
	for _, p := range pq.phrases {
		for _, w := range ix.seg.Words(p) {
			w = strings.ToLower(w)
			if _, ok := out[w]; !ok {
				out[w] = origin{term: w}
			}
		}
	}
	for _, e := range pq.expansions {
		for _, tok := range ix.seg.Tokens([]byte(e.term), segment.Coarse) {
			w := strings.ToLower(tok.Term)
			if _, ok := out[w]; !ok {
				out[w] = origin{term: e.from, via: e.via, found: e.term}
			}
		}
	}
	return out
}
