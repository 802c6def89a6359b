package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/shanxi-sme/kb/corpus"
)

// LikeQuery is a text described by what it is about, for finding the
// passages that share it (more-like-this): weighted key words, the
// wordings of the concepts it names, and its themes. The caller chooses
// the words and weights (see package relate); the index only retrieves.
type LikeQuery struct {
	Terms    []WeightedTerm // key words, matched as indexed words
	Phrases  []WeightedTerm // wordings matched as phrases (a concept's terms)
	Themes   []string       // themes, matched on the passage's or its case's tags
	ThemeW   float64        // boost of a shared theme
	CaseOnly bool           // themes match FieldCaseTheme instead of FieldTheme
}

// WeightedTerm is a word or phrase with its boost.
type WeightedTerm struct {
	Term   string
	Weight float64
}

// LikeHit is a passage found by MoreLike.
type LikeHit struct {
	ID    string
	Score float64
}

// MoreLike returns up to size passages (indicator tables aside) that share
// most of q, best first; nil when q is empty.
func (ix *Index) MoreLike(ctx context.Context, q LikeQuery, size int) ([]LikeHit, error) {
	var should []query.Query
	for _, t := range q.Terms {
		should = append(should, termQuery(FieldText, t.Term, t.Weight))
	}
	for _, p := range q.Phrases {
		should = append(should, phraseQuery(p.Term, p.Weight))
	}
	field := FieldTheme
	if q.CaseOnly {
		field = FieldCaseTheme
	}
	for _, th := range q.Themes {
		should = append(should, termQuery(field, th, q.ThemeW))
	}
	if len(should) == 0 {
		return nil, nil
	}
	bq := bleve.NewBooleanQuery()
	bq.AddShould(should...)
	bq.AddMustNot(termQuery(FieldKind, string(corpus.KindIndicator), 1))
	req := bleve.NewSearchRequestOptions(bq, size, 0, false)
	res, err := ix.searchIndex(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("more like this: %w", err)
	}
	out := make([]LikeHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		out = append(out, LikeHit{ID: h.ID, Score: h.Score})
	}
	return out, nil
}
