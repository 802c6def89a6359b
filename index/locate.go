package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
)

// locate fills in where q matched each of hits (the term locations that
// snippets and match explanations read). Searches rank without asking for
// locations: bleve would decode the positions of every match, a third of
// the time of a common word that matches most passages, while a page
// shows ten. (Phrase clauses still bring theirs, so a ranked hit may hold
// some locations: they are replaced.) The hits shown are matched again,
// restricted to their ids, with locations; a score does not depend on the
// other matches, so nothing else changes.
func (ix *Index) locate(ctx context.Context, q query.Query, hits []scored) error {
	if q == nil {
		return nil
	}
	var ids []string
	for _, h := range hits {
		if h.match != nil { // nil: found by the vectors only
			ids = append(ids, h.p.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	req := bleve.NewSearchRequestOptions(filtered(q, bleve.NewDocIDQuery(ids)), len(ids), 0, false)
	req.IncludeLocations = true
	res, err := ix.searchIndex(ctx, req)
	if err != nil {
		return fmt.Errorf("locate %d hits: %w", len(ids), err)
	}
	located := make(map[string]search.FieldTermLocationMap, len(res.Hits))
	for _, m := range res.Hits {
		located[m.ID] = m.Locations
	}
	for _, h := range hits {
		if l, ok := located[h.p.ID]; ok && h.match != nil {
			h.match.Locations = l
		}
	}
	return nil
}
