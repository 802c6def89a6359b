package index

import (
	"slices"
	"strings"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/shanxi-sme/kb/segment"
)

// Boosts of the parts of a text query. The segmented words carry the
// score, their dictionary sub-words match words the segmenter split
// differently in the query and in the text (规下企业 / 规下工业企业); an
// exact phrase and a title match add to it.
const (
	boostWords   = 1.0
	boostPhrase  = 1.5
	boostTitle   = 0.6
	boostSubword = 0.25
	// alternativesGain rewards a passage for several wordings of a concept.
	alternativesGain = 0.5
	// Recognised themes and places add a little to the passages tagged
	// with them; a case whose own theme it is gets more than a passage
	// that touches the theme in passing.
	boostTheme     = 0.2
	boostCaseTheme = 0.4
	boostCounty    = 0.5
	boostCity      = 0.3
)

// parsedQuery is the user's query split into quoted phrases (which must
// match) and free text (which ranks).
type parsedQuery struct {
	phrases []string
	free    string
	terms   []string // coarse words of free, filler removed
	subs    []string // dictionary words inside the terms (人才, 引进 in 人才引进)

	expansions []expansion     // thesaurus wordings the query is widened to
	bigrams    []string        // character bigrams of the words the index does not know, to mark their runs
	common     map[string]bool // terms in so many passages that they do not select any
	// loose marks sub-words and lone characters that are generic in general Chinese
	// (经济 in 楼宇经济): a passage they alone match is a weak match.
	loose map[string]bool
	// phraseLater leaves the phrase of the free text out of the query: it
	// only rescores the candidates (see rescore.go).
	phraseLater bool

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

// hasPhraseLift tells whether the free text as a phrase lifts the passages
// that hold it: when it has several words.
func (pq parsedQuery) hasPhraseLift() bool { return len(pq.terms) > 1 && hasHan(pq.free) }

// textQuery builds the scoring query of a parsed query; nil means match all.
// The query's words, sub-words, phrase, title match, character bigrams and
// thesaurus expansions decide which passages match (any of them); the
// recognised themes and places only lift passages that match anyway, so a
// theme named in the query never drags in every passage tagged with it.
func (pq parsedQuery) textQuery() query.Query { return pq.buildQuery(true) }

// strictQuery is textQuery without the loose parts: the strong matches.
// It is nil when the query has no loose parts.
func (pq parsedQuery) strictQuery() query.Query {
	if len(pq.loose) == 0 {
		return nil
	}
	return pq.buildQuery(false)
}

func (pq parsedQuery) buildQuery(withLoose bool) query.Query {
	var must, literal, expanded, lift []query.Query
	var pieces query.Query
	for _, p := range pq.phrases {
		must = append(must, phraseQuery(p, 1))
	}
	// The user's words; in the title and as a phrase they only add. Loose
	// ones (lone generic characters) count as pieces, and not at all in
	// the strict query.
	if words := pq.scoring(); len(words) > 0 {
		var full, light []string
		for _, w := range words {
			if pq.loose[w] {
				light = append(light, w)
			} else {
				full = append(full, w)
			}
		}
		if len(full) > 0 {
			literal = append(literal, matchQuery(FieldText, strings.Join(full, " "), segment.QueryAnalyzer, boostWords))
		}
		if len(light) > 0 && withLoose {
			literal = append(literal, matchQuery(FieldText, strings.Join(light, " "), segment.QueryAnalyzer, boostSubword))
		}
		lift = append(lift, matchQuery(FieldTitle, strings.Join(append(slices.Clone(words), pq.subs...), " "), segment.QueryAnalyzer, boostTitle))
	}
	if pq.hasPhraseLift() && !pq.phraseLater {
		lift = append(lift, phraseQuery(pq.free, boostPhrase))
	}
	// Pieces of the user's words: dictionary sub-words.
	var subs []string
	for _, s := range pq.subs {
		if withLoose || !pq.loose[s] {
			subs = append(subs, s)
		}
	}
	if len(subs) > 0 {
		pieces = matchQuery(FieldText, strings.Join(subs, " "), segment.QueryAnalyzer, boostSubword)
	}
	// Other wordings of the concepts the query names.
	for _, e := range pq.expansions {
		expanded = append(expanded, phraseQuery(e.term, e.boost))
	}
	// Each kind of evidence is one clause of the match, so a passage with
	// the user's words and a related wording outranks one with either,
	// and many pieces never outweigh one concept.
	var core []query.Query
	core = append(core, literal...)
	if pieces != nil {
		// Pieces count by how many match: a match query scales by that share.
		core = append(core, pieces)
	}
	core = appendAlternatives(core, expanded)
	for _, t := range pq.themes {
		lift = append(lift, termQuery(FieldTheme, t, boostTheme), termQuery(FieldCaseTheme, t, boostCaseTheme))
	}
	for _, c := range pq.counties {
		lift = append(lift, termQuery(FieldCounty, c, boostCounty))
	}
	for _, c := range pq.cities {
		lift = append(lift, termQuery(FieldCity, c, boostCity))
	}
	if len(must) == 0 && len(core) == 0 {
		return nil
	}
	bq := bleve.NewBooleanQuery()
	// A lone required clause is set as it is: AddMust wraps even one in a
	// conjunction, whose searcher then passes every match through.
	switch {
	case len(must) > 1:
		bq.AddMust(must...)
	case len(must) == 1:
		bq.Must = must[0]
	default:
		bq.Must = &sumQuery{clauses: core}
	}
	if len(must) > 0 && len(core) > 0 {
		bq.AddShould(core...)
	}
	if len(lift) > 0 {
		bq.AddShould(lift...)
	}
	if bq.Should != nil {
		bq.SetMinShould(0) // should clauses only add to the score
	}
	return bq
}

// appendAlternatives adds queries that are alternatives to one another
// (the wordings of a concept) as one clause that scores the sum of the
// alternatives that match (see sumQuery).
func appendAlternatives(core []query.Query, alts []query.Query) []query.Query {
	switch len(alts) {
	case 0:
		return core
	case 1:
		return append(core, alts[0])
	}
	return append(core, &sumQuery{clauses: alts, gain: alternativesGain})
}

// scoring returns the query words that count for matching: all of them,
// less the very common ones when rarer words are there to match on.
func (pq parsedQuery) scoring() []string {
	var out []string
	for _, t := range pq.terms {
		if !pq.common[t] {
			out = append(out, t)
		}
	}
	if len(out) == 0 {
		return pq.terms
	}
	return out
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
