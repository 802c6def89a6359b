package index

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/shanxi-sme/kb/segment"
)

// textPhrase matches the passages whose text holds a phrase of the
// segmented text field, its words one after another (phrasematch.go). It
// scores as bleve's phrase query does, the sum of its words' scores; the
// index keeps no term positions to check the order with, so the check
// reads the passage's text.
type textPhrase struct {
	phrase string
	boost  float64
}

// phraseQuery returns a query for text as a phrase of the text field.
func phraseQuery(text string, boost float64) query.Query {
	return &textPhrase{phrase: text, boost: boost}
}

// phraseTexts is what a phrase searcher needs of the index it runs on:
// the passage texts of the snapshot it searches. searchIndex puts the
// index into the search's context under phraseTextsKey.
type phraseTexts interface {
	passageTexts(r index.IndexReader) (*textTable, error)
}

type phraseTextsKey struct{}

// errNoTexts is returned when a phrase is searched outside searchIndex.
var errNoTexts = errors.New("phrase search without passage texts")

// analyzePhrase splits text into the query analyzer's words by position.
func analyzePhrase(m mapping.IndexMapping, text string) (phraseWords, error) {
	a := m.AnalyzerNamed(segment.QueryAnalyzer)
	if a == nil {
		return nil, fmt.Errorf("no analyzer %s", segment.QueryAnalyzer)
	}
	return wordsByPosition(a.Analyze([]byte(text))), nil
}

// wordsByPosition groups tokens by position from the first, as bleve's
// match-phrase query does.
func wordsByPosition(toks analysis.TokenStream) phraseWords {
	if len(toks) == 0 {
		return nil
	}
	first, last := math.MaxInt, 0
	for _, t := range toks {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	words := make(phraseWords, last-first+1)
	for _, t := range toks {
		words[t.Position-first] = append(words[t.Position-first], string(t.Term))
	}
	out := words[:0]
	for _, w := range words {
		if len(w) > 0 { // a position the analyzer left empty constrains nothing
			out = append(out, w)
		}
	}
	return out
}

// Searcher implements query.Query.
func (p *textPhrase) Searcher(ctx context.Context, r index.IndexReader, m mapping.IndexMapping, opts search.SearcherOptions) (search.Searcher, error) {
	words, err := analyzePhrase(m, p.phrase)
	if err != nil {
		return nil, err
	}
	switch {
	case len(words) == 0:
		return searcher.NewMatchNoneSearcher(r)
	case len(words) == 1 && len(words[0]) == 1:
		// One word: its matches are the phrase's, no text to read.
		return searcher.NewTermSearcher(ctx, r, words[0][0], FieldText, p.boost, opts)
	}
	src, ok := ctx.Value(phraseTextsKey{}).(phraseTexts)
	if !ok {
		return nil, errNoTexts
	}
	texts, err := src.passageTexts(r)
	if err != nil {
		return nil, err
	}
	var parts []search.Searcher
	closeAll := func() {
		for _, s := range parts {
			_ = s.Close()
		}
	}
	for _, alts := range words {
		var s search.Searcher
		if len(alts) == 1 {
			s, err = searcher.NewTermSearcher(ctx, r, alts[0], FieldText, p.boost, opts)
		} else {
			var either []search.Searcher
			for _, a := range alts {
				t, terr := searcher.NewTermSearcher(ctx, r, a, FieldText, p.boost, opts)
				if terr != nil {
					err = terr
					break
				}
				either = append(either, t)
			}
			if err == nil {
				s, err = searcher.NewDisjunctionSearcher(ctx, r, either, 1, opts)
			}
			if err != nil {
				for _, t := range either {
					_ = t.Close()
				}
			}
		}
		if err != nil {
			closeAll()
			return nil, fmt.Errorf("phrase %q: %w", p.phrase, err)
		}
		parts = append(parts, s)
	}
	all, err := searcher.NewConjunctionSearcher(ctx, r, parts, opts)
	if err != nil {
		closeAll()
		return nil, fmt.Errorf("phrase %q: %w", p.phrase, err)
	}
	// The query norm bleve's phrase searcher sets on its conjunction.
	all.SetQueryNorm(1 / math.Sqrt(all.Weight()))
	return &phraseSearcher{Searcher: all, words: words, texts: texts}, nil
}

// phraseSearcher passes on the matches of the conjunction of a phrase's
// words whose text holds the phrase.
type phraseSearcher struct {
	search.Searcher
	words phraseWords
	texts *textTable
}

func (s *phraseSearcher) holds(d *search.DocumentMatch) bool {
	return hasPhrase(s.texts.text(d.IndexInternalID.Value()), s.words)
}

// Next implements search.Searcher.
func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	for {
		d, err := s.Searcher.Next(ctx)
		if err != nil || d == nil || s.holds(d) {
			return d, err
		}
		ctx.DocumentMatchPool.Put(d)
	}
}

// Advance implements search.Searcher.
func (s *phraseSearcher) Advance(ctx *search.SearchContext, id index.IndexInternalID) (*search.DocumentMatch, error) {
	d, err := s.Searcher.Advance(ctx, id)
	if err != nil || d == nil || s.holds(d) {
		return d, err
	}
	ctx.DocumentMatchPool.Put(d)
	return s.Next(ctx)
}
