package index

import (
	"slices"
	"sort"
	"strings"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/shanxi-sme/kb/corpus"
)

// Kinds of evidence a hit can have.
const (
	MatchWord    = "词语" // the query's own word is in the passage
	MatchConcept = "概念" // a related wording from the thesaurus is
	MatchTheme   = "主题" // the passage is tagged with a theme the query names
	MatchPlace   = "地名" // the passage is about a place the query names
	MatchChars   = "片段" // three or more characters of the query appear together
	MatchVector  = "语义" // the passage's embedding is near the query's
)

// Match is one reason a passage matched: "why it matched".
type Match struct {
	Term  string `json:"term"`            // the query's word (or theme, place, characters)
	Via   string `json:"via,omitempty"`   // the concept that linked it
	Found string `json:"found,omitempty"` // the wording in the passage, when it differs from Term
	Kind  string `json:"kind"`
}

// explain lists the evidence of one hit, words first.
func explain(m *search.DocumentMatch, p *corpus.Passage, pq *parsedQuery, origins map[string]origin) []Match {
	var out []Match
	seen := map[[3]string]bool{} // one entry per word, concept and kind of evidence
	addMatch := func(x Match) {
		key := [3]string{x.Term, x.Via, x.Kind}
		if x.Kind == MatchConcept && x.Via == x.Term {
			key = [3]string{x.Term, "", MatchWord} // a concept named by the query's own word is that word
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, x)
		}
	}
	if m == nil {
		addMatch(Match{Term: pq.free, Kind: MatchVector})
		m = &search.DocumentMatch{}
	}
	terms := make([]string, 0, len(m.Locations[FieldText]))
	for t := range m.Locations[FieldText] {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	var concepts []Match
	for _, t := range terms {
		o, ok := origins[t]
		switch {
		case !ok:
			continue
		case o.via == "":
			addMatch(Match{Term: o.term, Kind: MatchWord})
		default:
			concepts = append(concepts, Match{Term: o.term, Via: o.via, Found: o.found, Kind: MatchConcept})
		}
	}
	out = dropContained(out)
	for _, c := range concepts {
		addMatch(c)
	}
	if len(out) == 0 {
		for _, s := range bigramRuns(p.Text, pq.bigrams) {
			if s.end <= len(p.Text) {
				addMatch(Match{Term: p.Text[s.start:s.end], Kind: MatchChars})
			}
		}
	}
	for _, th := range pq.themes {
		if slices.Contains(p.Themes, th) {
			addMatch(Match{Term: th, Kind: MatchTheme})
		}
	}
	for _, c := range pq.counties {
		if slices.Contains(p.Counties, c) {
			addMatch(Match{Term: c, Kind: MatchPlace})
		}
	}
	for _, c := range pq.cities {
		if slices.Contains(p.Cities, c) {
			addMatch(Match{Term: c, Kind: MatchPlace})
		}
	}
	return out
}

// dropContained removes word matches inside longer word matches (商务 when
// 商务楼宇 matched too): the sub-word adds no reason of its own.
func dropContained(words []Match) []Match {
	out := words[:0]
	for i, w := range words {
		inside := false
		for j, o := range words {
			if i != j && len(o.Term) > len(w.Term) && strings.Contains(o.Term, w.Term) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, w)
		}
	}
	return out
}
