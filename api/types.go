package api

import (
	"strings"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/index"
)

// passageJSON is a passage as the API returns it.
type passageJSON struct {
	ID          string          `json:"id"`
	Doc         string          `json:"doc"`
	DocTitle    string          `json:"doc_title"`
	Title       string          `json:"title"`
	County      string          `json:"county"` // the first county the passage is about, "" if none
	Counties    []string        `json:"counties"`
	City        string          `json:"city"`
	Cities      []string        `json:"cities"`
	Themes      []string        `json:"themes"`
	Policies    []string        `json:"policies"` // policy documents cited as 《…》
	Kind        string          `json:"kind"`
	Heading     string          `json:"heading"` // the heading path joined with " › "
	HeadingPath []string        `json:"heading_path"`
	Label       string          `json:"label,omitempty"`
	Order       int             `json:"order"`
	Case        *corpus.CaseRef `json:"case"`
	Citation    string          `json:"citation"`
	Text        string          `json:"text"`
}

// hitJSON is a search hit: the passage with its snippet and score.
type hitJSON struct {
	passageJSON
	Snippet string        `json:"snippet"`
	Score   float64       `json:"score"`
	Matched []index.Match `json:"matched"`
	Others  []hitJSON     `json:"others,omitempty"` // group=case: the case's other matching passages
	Weak    bool          `json:"weak"`             // matches only generic pieces of the query; not in total or facets
}

func toPassageJSON(lib *corpus.Library, p *corpus.Passage) passageJSON {
	out := passageJSON{
		ID: p.ID, Doc: p.DocID, Title: p.Title,
		Counties: nonNil(p.Counties), Cities: nonNil(p.Cities), Themes: nonNil(p.Themes), Policies: nonNil(p.Policies),
		Kind: string(p.Kind), Heading: strings.Join(p.HeadingPath, " › "), HeadingPath: nonNil(p.HeadingPath),
		Label: p.Label, Order: p.Order, Case: p.Case, Citation: lib.Citation(p), Text: p.Text,
	}
	if d, ok := lib.Document(p.DocID); ok {
		out.DocTitle = d.Title
	}
	if len(p.Counties) > 0 {
		out.County = p.Counties[0]
	}
	if len(p.Cities) > 0 {
		out.City = p.Cities[0]
	}
	return out
}

func toHitJSON(lib *corpus.Library, h index.Hit) hitJSON {
	matched := h.Matched
	if matched == nil {
		matched = []index.Match{}
	}
	out := hitJSON{passageJSON: toPassageJSON(lib, h.Passage), Snippet: h.Snippet, Score: h.Score, Matched: matched, Weak: h.Weak}
	for _, o := range h.Others {
		out.Others = append(out.Others, toHitJSON(lib, o))
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
