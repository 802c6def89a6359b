package segment

import (
	"fmt"
	"sync"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/custom"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/registry"
)

// Names under which the segmenter is known to bleve. Index mappings refer
// to the analyzers by these names, and they are stored in the index.
const (
	// IndexTokenizer splits with sub-words stacked on their word's position.
	IndexTokenizer = "zh_gse_index"
	// QueryTokenizer splits coarsely, for queries and phrase matching.
	QueryTokenizer = "zh_gse_query"
	// IndexAnalyzer analyses text fields at index time.
	IndexAnalyzer = "zh_index"
	// QueryAnalyzer analyses query text.
	QueryAnalyzer = "zh_query"
)

// Bleve's registry is process-wide, so one segmenter is bound to it per
// process. The constructors read it when an index opens.
var (
	bindMu sync.Mutex
	bound  *Segmenter
)

// RegisterBleve binds s to bleve's registry under the names above. Calling
// it again with the same segmenter is a no-op; with another one it is an
// error, because indexes already open would silently change analysis.
func RegisterBleve(s *Segmenter) error {
	bindMu.Lock()
	defer bindMu.Unlock()
	if bound == s {
		return nil
	}
	if bound != nil {
		return fmt.Errorf("segment: another segmenter is already registered with bleve")
	}
	for name, mode := range map[string]Mode{IndexTokenizer: WithSubwords, QueryTokenizer: Coarse} {
		mode := mode
		err := registry.RegisterTokenizer(name, func(map[string]interface{}, *registry.Cache) (analysis.Tokenizer, error) {
			return &Tokenizer{seg: s, mode: mode}, nil
		})
		if err != nil {
			return fmt.Errorf("register tokenizer %s: %w", name, err)
		}
	}
	for name, tok := range map[string]string{IndexAnalyzer: IndexTokenizer, QueryAnalyzer: QueryTokenizer} {
		tok := tok
		err := registry.RegisterAnalyzer(name, func(_ map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
			// No width filter: Tokens has narrowed full-width ASCII
			// already (width.go); bleve's filter only repeated that for
			// every token (2% of building an index).
			return custom.AnalyzerConstructor(map[string]interface{}{
				"type":          custom.Name,
				"tokenizer":     tok,
				"token_filters": []interface{}{lowercase.Name},
			}, cache)
		})
		if err != nil {
			return fmt.Errorf("register analyzer %s: %w", name, err)
		}
	}
	bound = s
	return nil
}

// Tokenizer adapts the segmenter to bleve's analysis.Tokenizer.
type Tokenizer struct {
	seg   *Segmenter
	mode  Mode
	spans sync.Pool // of *[]span: bleve analyses on every core at once
}

// Tokenize implements analysis.Tokenizer with byte offsets into input.
// The stream is three allocations whatever its length: the tokens, the
// pointers bleve wants, and one buffer holding every term (each term is
// its own slice of it, capped, so that a filter rewriting one in place
// cannot run into the next).
func (t *Tokenizer) Tokenize(input []byte) analysis.TokenStream {
	buf, _ := t.spans.Get().(*[]span)
	if buf == nil {
		buf = new([]span)
	}
	norm, narrowed, spans := t.seg.scan((*buf)[:0], input, t.mode)
	size := 0
	for _, sp := range spans {
		size += sp.end - sp.start
	}
	terms := make([]byte, 0, size)
	tokens := make([]analysis.Token, len(spans))
	out := make(analysis.TokenStream, len(spans))
	for i, sp := range spans {
		from := len(terms)
		terms = append(terms, norm[sp.start:sp.end]...)
		term := terms[from:len(terms):len(terms)]
		tokens[i] = analysis.Token{
			Term:     term,
			Start:    origin(sp.start, narrowed),
			End:      origin(sp.end, narrowed),
			Position: sp.position,
			Type:     tokenType(term),
		}
		out[i] = &tokens[i]
	}
	if cap(spans) <= maxPooled {
		*buf = spans
		t.spans.Put(buf)
	}
	return out
}

func tokenType(term []byte) analysis.TokenType {
	for len(term) > 0 {
		r, size := utf8.DecodeRune(term)
		if r >= 0x2E80 {
			return analysis.Ideographic
		}
		term = term[size:]
	}
	return analysis.AlphaNumeric
}
