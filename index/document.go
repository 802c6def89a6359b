package index

import (
	"github.com/shanxi-sme/kb/corpus"
)

// document is what the index stores for one passage.
type document struct {
	Text      string   `json:"text"`
	Title     string   `json:"title"`
	County    []string `json:"county"`
	City      []string `json:"city"`
	Theme     []string `json:"theme"`
	CaseTheme []string `json:"case_theme"`
	Kind      string   `json:"kind"`
	Policy    []string `json:"policy"`
	Doc       string   `json:"doc"`
	Order     float64  `json:"order"`
}

// Type tells bleve which document mapping applies.
func (document) Type() string { return passageType }

func newDocument(doc *corpus.Document, p *corpus.Passage) document {
	var caseThemes []string
	if p.Case != nil {
		for _, c := range doc.Cases {
			if c.Number == p.Case.Number {
				caseThemes = c.Themes
			}
		}
	}
	return document{
		CaseTheme: caseThemes,
		Text:      p.Text,
		Title:     p.Title,
		County:    p.Counties,
		City:      p.Cities,
		Theme:     p.Themes,
		Kind:      string(p.Kind),
		Policy:    p.Policies,
		Doc:       p.DocID,
		Order:     float64(p.Order),
	}
}
