package index

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
)

// ScoreItem is one piece of a hit's score: a word of the query, a wording
// reached through a concept, a theme or place tag, a title match or
// character bigrams, with what it added.
type ScoreItem struct {
	Kind  string  // 词语, 子词, 概念, 片段, 标题, 主题, 案例主题, 地名, 其他
	Term  string  // what matched in the passage
	From  string  // the query's word it stands for, when different
	Via   string  // the concept that led to it
	Score float64 // its weight in bleve's score (before the evidence sum)
}

// ScoredHit is a hit with its score broken down.
type ScoredHit struct {
	Hit
	Items []ScoreItem
}

// ExplainScores runs a search as Search does (filters included) and breaks
// the score of each hit of the page into its pieces, largest first. It is
// for tuning the thesaurus and the boosts, as `kb search --explain` shows.
func (ix *Index) ExplainScores(ctx context.Context, r Request) ([]ScoredHit, error) {
	res, err := ix.Search(ctx, r)
	if err != nil {
		return nil, err
	}
	pq := ix.parseQuery(r.Query)
	ix.pruneCommon(ctx, &pq)
	tq := pq.textQuery()
	if tq == nil {
		return nil, fmt.Errorf("%w: 查询为空，没有可解释的得分", ErrBadRequest)
	}
	var ids []string
	for _, h := range res.Hits {
		ids = append(ids, h.Passage.ID)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	bq := bleve.NewBooleanQuery()
	bq.AddMust(tq)
	bq.AddFilter(bleve.NewDocIDQuery(ids))
	req := bleve.NewSearchRequestOptions(bq, len(ids), 0, true)
	er, err := ix.searchIndex(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("explain scores: %w", err)
	}
	expl := map[string]*search.Explanation{}
	for _, h := range er.Hits {
		expl[h.ID] = h.Expl
	}
	origins := ix.origins(&pq)
	out := make([]ScoredHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		sh := ScoredHit{Hit: h}
		sums := map[[2]string]float64{}
		walkWeights(expl[h.Passage.ID], func(field, term string, v float64) {
			sums[[2]string{field, term}] += v
		})
		for k, v := range sums {
			sh.Items = append(sh.Items, scoreItem(k[0], k[1], v, &pq, origins))
		}
		slices.SortFunc(sh.Items, func(a, b ScoreItem) int {
			switch {
			case a.Score > b.Score:
				return -1
			case a.Score < b.Score:
				return 1
			}
			return strings.Compare(a.Term, b.Term)
		})
		out = append(out, sh)
	}
	return out, nil
}

// weightMessage is how bleve's term scorer names a leaf of the explanation.
var weightMessage = regexp.MustCompile(`^weight\(([^:]+):(.*)\^[0-9.]+ in `)

// walkWeights calls f for each term leaf of an explanation.
func walkWeights(e *search.Explanation, f func(field, term string, v float64)) {
	if e == nil {
		return
	}
	if m := weightMessage.FindStringSubmatch(e.Message); m != nil {
		f(m[1], m[2], e.Value)
		return
	}
	for _, c := range e.Children {
		walkWeights(c, f)
	}
}

// scoreItem names the kind of evidence a field and term are.
func scoreItem(field, term string, v float64, pq *parsedQuery, origins map[string]origin) ScoreItem {
	it := ScoreItem{Term: term, Score: v}
	switch field {
	case FieldText:
		o, known := origins[term]
		switch {
		case known && o.via != "":
			it.Kind, it.From, it.Via = MatchConcept, o.term, o.via
		case slices.Contains(pq.terms, term):
			it.Kind = MatchWord
		case slices.Contains(pq.subs, term):
			it.Kind = "子词"
		default:
			it.Kind = MatchWord // a word of a quoted phrase or an expansion's piece
		}
	case FieldTitle:
		it.Kind = "标题"
	case FieldTheme:
		it.Kind = MatchTheme
	case FieldCaseTheme:
		it.Kind = "案例主题"
	case FieldCounty, FieldCity:
		it.Kind = MatchPlace
	default:
		it.Kind = "其他"
	}
	return it
}
