package index

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/blevesearch/bleve/v2"
)

// ScoreExplanation returns bleve's score breakdown of the top hits of a
// query as indented JSON: how each clause (words, sub-words, bigrams,
// expansions, themes) added to each score. For tuning, not for users.
func (ix *Index) ScoreExplanation(ctx context.Context, q string, size int) ([]byte, error) {
	pq := ix.parseQuery(q)
	ix.pruneCommon(ctx, &pq)
	tq := pq.textQuery()
	if tq == nil {
		return nil, fmt.Errorf("%w: empty query", ErrBadRequest)
	}
	req := bleve.NewSearchRequestOptions(tq, size, 0, true)
	res, err := ix.bleve.SearchInContext(ctx, req)
	if err != nil {
		return nil, err
	}
	type hit struct {
		ID    string      `json:"id"`
		Score float64     `json:"score"`
		Expl  interface{} `json:"explanation"`
	}
	var out []hit
	for _, h := range res.Hits {
		out = append(out, hit{h.ID, h.Score, h.Expl})
	}
	return json.MarshalIndent(out, "", " ")
}
