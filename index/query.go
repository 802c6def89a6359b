package index

import (
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/cjk"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/shanxi-sme/kb/segment"
)

// Boosts of the parts of a text query. The segmented words carry the
// score; an exact phrase and a title match add to it; character bigrams
// are a weak fallback for words the segmenter split differently in the
// query and in the text (规下企业 / 规下工业企业).
const (
	boostWords   = 1.0
	boostPhrase  = 1.5
	boostTitle   = 0.6
	boostSubword = 0.4
	// Recognised themes and places add a little to the passages tagged
	// with them; a case whose own theme it is gets more than a passage
	// that touches the theme in passing.
	boostTheme     = 0.2
	boostCaseTheme = 0.4
	boostCounty    = 0.5
	boostCity      = 0.3
	boostBigrams   = 0.3
)

// parsedQuery is the user's query split into quoted phrases (which must
// match) and free text (which ranks).
type parsedQuery struct {
	phrases []string
	free    string
	terms   []string // coarse words of free, filler removed
	subs    []string // dictionary words inside the terms (人才, 引进 in 人才引进)

	expansions []expansion // thesaurus wordings the query is widened to

	themes   []string // ontology themes the query names (人才引进 -> 人才)
	counties []string // counties and zones the query names
	cities   []string // prefecture-level cities the query names
}

// parseQuery extracts "…" and “…” phrases and segments the rest.
func (ix *Index) parseQuery(q string) parsedQuery {
	var pq parsedQuery
	var free strings.Builder
	rest := q
	for {
		i := strings.IndexAny(rest, "\"“”")
		if i < 0 {
			free.WriteString(rest)
			break
		}
		free.WriteString(rest[:i])
		_, size := decodeQuote(rest[i:])
		after := rest[i+size:]
		j := strings.IndexAny(after, "\"“”")
		if j < 0 {
			free.WriteString(after)
			break
		}
		if p := strings.TrimSpace(after[:j]); p != "" {
			pq.phrases = append(pq.phrases, p)
		}
		_, size = decodeQuote(after[j:])
		rest = after[j+size:]
	}
	pq.free = strings.TrimSpace(free.String())
	toks := ix.seg.Tokens([]byte(pq.free), segment.WithSubwords)
	keep := func(t segment.Token) bool { return !ix.filler[t.Term] }
	if !slices.ContainsFunc(toks, func(t segment.Token) bool { return !t.Sub && keep(t) }) {
		// A query of filler words only (e.g. 做法) still means something.
		keep = func(segment.Token) bool { return true }
	}
	seen := map[string]bool{}
	for _, t := range toks {
		if !t.Sub && keep(t) && !seen[strings.ToLower(t.Term)] {
			seen[strings.ToLower(t.Term)] = true
			pq.terms = append(pq.terms, strings.ToLower(t.Term))
		}
	}
	for _, t := range toks {
		if t.Sub && keep(t) && !seen[strings.ToLower(t.Term)] {
			seen[strings.ToLower(t.Term)] = true
			pq.subs = append(pq.subs, strings.ToLower(t.Term))
		}
	}
	ix.understand(&pq)
	ix.expand(&pq)
	return pq
}

// understand recognises themes and places in the query, so passages
// tagged with them rank higher even where the wording differs.
func (ix *Index) understand(pq *parsedQuery) {
	text := pq.free + " " + strings.Join(pq.phrases, " ")
	for th, sc := range ix.themes.Score(text) {
		if sc.Score >= 2 {
			pq.themes = append(pq.themes, th.Name)
		}
	}
	slices.Sort(pq.themes)
	for _, p := range ix.places.Find(text) {
		if p.IsCity() {
			pq.cities = append(pq.cities, p.Name)
		} else {
			pq.counties = append(pq.counties, p.Name)
		}
	}
}

func decodeQuote(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// textQuery builds the scoring query of a parsed query; nil means match all.
func (pq parsedQuery) textQuery() query.Query {
	var must []query.Query
	for _, p := range pq.phrases {
		must = append(must, phraseQuery(p, 1))
	}
	var should []query.Query
	if len(pq.terms) > 0 {
		words := strings.Join(pq.terms, " ")
		should = append(should,
			matchQuery(FieldText, words, segment.QueryAnalyzer, boostWords),
			matchQuery(FieldTitle, strings.Join(append(slices.Clone(pq.terms), pq.subs...), " "), segment.QueryAnalyzer, boostTitle),
			matchQuery(FieldTextCJK, strings.Join(pq.terms, " "), cjk.AnalyzerName, boostBigrams),
		)
		if len(pq.subs) > 0 {
			should = append(should, matchQuery(FieldText, strings.Join(pq.subs, " "), segment.QueryAnalyzer, boostSubword))
		}
		if len(pq.terms) > 1 && hasHan(pq.free) {
			should = append(should, phraseQuery(pq.free, boostPhrase))
		}
	}
	for _, e := range pq.expansions {
		should = append(should, phraseQuery(e.term, e.boost))
	}
	for _, t := range pq.themes {
		should = append(should, termQuery(FieldTheme, t, boostTheme), termQuery(FieldCaseTheme, t, boostCaseTheme))
	}
	for _, c := range pq.counties {
		should = append(should, termQuery(FieldCounty, c, boostCounty))
	}
	for _, c := range pq.cities {
		should = append(should, termQuery(FieldCity, c, boostCity))
	}
	switch {
	case len(must) == 0 && len(should) == 0:
		return nil
	case len(must) == 0:
		return bleve.NewDisjunctionQuery(should...)
	}
	bq := bleve.NewBooleanQuery()
	bq.AddMust(must...)
	if len(should) > 0 {
		bq.AddShould(should...)
		bq.SetMinShould(0)
	}
	return bq
}

func matchQuery(field, text, analyzer string, boost float64) query.Query {
	q := bleve.NewMatchQuery(text)
	q.SetField(field)
	q.Analyzer = analyzer
	q.SetBoost(boost)
	return q
}

func termQuery(field, value string, boost float64) query.Query {
	q := bleve.NewTermQuery(value)
	q.SetField(field)
	q.SetBoost(boost)
	return q
}

func phraseQuery(text string, boost float64) query.Query {
	q := bleve.NewMatchPhraseQuery(text)
	q.SetField(FieldText)
	q.Analyzer = segment.QueryAnalyzer
	q.SetBoost(boost)
	return q
}

// filterQuery ANDs the facets and ORs the values within one facet.
func filterQuery(filters map[string][]string) query.Query {
	var parts []query.Query
	for _, field := range Facets {
		values := filters[field]
		if len(values) == 0 {
			continue
		}
		var any []query.Query
		for _, v := range values {
			t := bleve.NewTermQuery(v)
			t.SetField(field)
			any = append(any, t)
		}
		parts = append(parts, bleve.NewDisjunctionQuery(any...))
	}
	if len(parts) == 0 {
		return nil
	}
	return bleve.NewConjunctionQuery(parts...)
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
