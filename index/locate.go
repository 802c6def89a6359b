package index

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2/search"

	"github.com/shanxi-sme/kb/segment"
)

// locator finds where a query matched the text of a hit: the term
// locations that snippets and match explanations read. The index keeps no
// term vectors (phrasematch.go), so the words are found in the hit's text
// the way phrases are checked: a word where its characters are (Latin
// words not inside longer ones). Segmenting the ten hits of a page again
// instead cost a fifth of a search's time; the index's words stack their
// dictionary sub-words, so a word inside a longer one was located there
// too. A score does not depend on it.
type locator struct {
	words   []phraseWords // analyzed words, each a phrase of one
	phrases []phraseWords // phrases of several words
}

// locator returns the locator of what the clauses of buildQuery(withLoose)
// that search the segmented text match: the words, their pieces, the
// thesaurus wordings and the phrases (the other clauses, title and tags,
// leave no mark in the text). Nil when there is nothing to locate.
func (ix *Index) locator(pq *parsedQuery, withLoose bool) (*locator, error) {
	qa := ix.bleve.Mapping().AnalyzerNamed(segment.QueryAnalyzer)
	if qa == nil {
		return nil, fmt.Errorf("locate: no analyzer %s", segment.QueryAnalyzer)
	}
	l := &locator{}
	addPhrase := func(text string) {
		if w := wordsByPosition(qa.Analyze([]byte(text))); len(w) > 0 {
			l.phrases = append(l.phrases, w)
		}
	}
	for _, p := range pq.phrases {
		addPhrase(p)
	}
	words := append([]string(nil), pq.scoring()...)
	for _, s := range pq.subs {
		if withLoose || !pq.loose[s] {
			words = append(words, s)
		}
	}
	seen := map[string]bool{}
	for _, t := range qa.Analyze([]byte(strings.Join(words, " "))) {
		if w := string(t.Term); !seen[w] {
			seen[w] = true
			l.words = append(l.words, phraseWords{{w}})
		}
	}
	if len(pq.terms) > 1 && hasHan(pq.free) {
		addPhrase(pq.free)
	}
	for _, e := range pq.expansions {
		addPhrase(e.term)
	}
	if len(l.words) == 0 && len(l.phrases) == 0 {
		return nil, nil
	}
	return l, nil
}

// locate fills in where l matched each of hits. Hits found by the vectors
// only (no lexical match) are left without locations.
func (ix *Index) locate(l *locator, hits []scored) {
	if l == nil {
		return
	}
	for _, h := range hits {
		if h.match != nil {
			h.match.Locations = l.locations(h.p.Text)
		}
	}
}

// locations returns where l matched text, keyed as bleve's term vectors
// of the text field would be; nil when it matched nothing.
func (l *locator) locations(text string) search.FieldTermLocationMap {
	var found search.TermLocationMap
	for _, ws := range [][]phraseWords{l.words, l.phrases} {
		for _, w := range ws {
			phraseSpans(text, w, func(parts []span) bool {
				if found == nil {
					found = search.TermLocationMap{}
				}
				for _, s := range parts {
					term := strings.Map(fold, text[s.start:s.end])
					found[term] = append(found[term], &search.Location{Start: uint64(s.start), End: uint64(s.end)})
				}
				return true
			})
		}
	}
	if found == nil {
		return nil
	}
	return search.FieldTermLocationMap{FieldText: found}
}
