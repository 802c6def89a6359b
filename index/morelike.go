package index

import (
	"context"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/shanxi-sme/kb/corpus"
)

// profile is what a text is about, as similar practices and draft linking
// compare it: its key terms, the concepts it names and its themes.
type profile struct {
	keys       []keyTerm
	concepts   map[string]bool
	themes     []string
	themeField string  // FieldTheme or FieldCaseTheme
	conceptW   float64 // boost of a concept's wording
	themeW     float64 // boost of a shared theme
}

// moreLike returns the passages (indicator tables aside) that share most
// of a profile, best first, with match locations; nil when the profile is empty.
func (ix *Index) moreLike(ctx context.Context, p profile, size int) (search.DocumentMatchCollection, error) {
	var should []query.Query
	for _, k := range p.keys {
		should = append(should, termQuery(FieldText, k.term, k.weight))
	}
	for _, c := range sortedKeys(p.concepts) {
		for _, term := range ix.conceptTerms(c) {
			should = append(should, phraseQuery(term, p.conceptW))
		}
	}
	for _, th := range p.themes {
		should = append(should, termQuery(p.themeField, th, p.themeW))
	}
	if len(should) == 0 {
		return nil, nil
	}
	bq := bleve.NewBooleanQuery()
	bq.AddShould(should...)
	bq.AddMustNot(termQuery(FieldKind, string(corpus.KindIndicator), 1))
	req := bleve.NewSearchRequestOptions(bq, size, 0, false)
	req.IncludeLocations = true
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	return res.Hits, nil
}
