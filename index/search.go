package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/vector"
)

// Limits on a search request.
const (
	MaxQueryRunes = 1000
	MaxPageSize   = 100
	DefaultSize   = 10
	maxWindow     = 10000 // page*size: deeper pages are refused
	facetSize     = 500   // facet values returned; more than there are counties
)

// Request is a search: free text with optional "quoted phrases", filters
// by facet (values of one facet OR-ed, facets AND-ed) and a page.
type Request struct {
	Query   string
	Filters map[string][]string // facet field name -> accepted values
	Page    int                 // from 1
	Size    int                 // hits per page
	Group   string              // "case" collapses the passages of a case into one hit
	// SemanticRatio, when set, overrides the index's fusion weight of the
	// vectors (0 keyword only … 1 vectors first); see Fusion.
	SemanticRatio *float64
	// PlaceIntent reads a query that starts with places (太原市做法) as a
	// filter on them and a search for the rest (see placeIntent).
	PlaceIntent bool
	// Sort orders the hits: "" or SortRelevance, SortCounty, SortOrder.
	Sort string
}

// Sort orders of a request.
const (
	SortRelevance = "relevance" // best match first (the default)
	SortCounty    = "county"    // by county in administrative order, then relevance
	SortOrder     = "order"     // document order
)

// sortWindow is how many matches are ordered by county; deeper pages of
// that order list nothing.
const sortWindow = 1000

// GroupCase is the Request.Group value that collapses hits by case.
const GroupCase = "case"

// Hit is one matching passage.
type Hit struct {
	Passage *corpus.Passage
	Score   float64
	Snippet string  // HTML: escaped text with <mark> around matches
	Matched []Match // why it matched
	Others  []Hit   // with Group: the case's other matching passages, best first
	// Weak marks a passage that matches only generic pieces of the query
	// (经济 of 楼宇经济); weak hits follow all strong ones and count in
	// neither the total nor the facets.
	Weak bool
}

// FacetValue is a facet value with the number of matching passages.
type FacetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Result is a page of hits with the facets of all matches.
type Result struct {
	Total    uint64 // matching passages, or with Group the cases (and loose passages) among the first groupWindow
	Passages uint64 // matching passages (equal to Total without Group)
	Took     time.Duration
	Hits     []Hit
	Facets   map[string][]FacetValue
	// WeakTotal counts the weak matches (see Hit.Weak), when the page
	// reaches past the strong ones; they are not in Total.
	WeakTotal uint64
	// Applied holds the filters read from the query with PlaceIntent, and
	// Searched the rest of the query that was searched.
	Applied  map[string][]string
	Searched string
	// Named holds the places the query names anywhere (facet field ->
	// names), to offer them as filters when nothing matches.
	Named map[string][]string
	// PlacesConflict: the chosen cities and counties do not overlap.
	PlacesConflict bool
}

// Validate checks a request and fills in defaults; its errors wrap ErrBadRequest.
func (r *Request) Validate() error {
	if !utf8.ValidString(r.Query) {
		return fmt.Errorf("%w: 查询词不是有效的 UTF-8 文本", ErrBadRequest)
	}
	if n := utf8.RuneCountInString(r.Query); n > MaxQueryRunes {
		return fmt.Errorf("%w: 查询词过长（%d 字），最多 %d 字", ErrBadRequest, n, MaxQueryRunes)
	}
	if r.Page == 0 {
		r.Page = 1
	}
	if r.Size == 0 {
		r.Size = DefaultSize
	}
	if r.Page < 1 {
		return fmt.Errorf("%w: 页码必须从 1 开始", ErrBadRequest)
	}
	if r.Size < 1 || r.Size > MaxPageSize {
		return fmt.Errorf("%w: 每页条数必须在 1 到 %d 之间", ErrBadRequest, MaxPageSize)
	}
	if r.Group != "" && r.Group != GroupCase {
		return fmt.Errorf("%w: 分组方式只能是 case", ErrBadRequest)
	}
	switch r.Sort {
	case "", SortRelevance, SortCounty, SortOrder:
	default:
		return fmt.Errorf("%w: 排序方式只能是 relevance、county 或 order", ErrBadRequest)
	}
	if r.Page > maxWindow/r.Size {
		return fmt.Errorf("%w: 页码过大，最多查看前 %d 条结果", ErrBadRequest, maxWindow)
	}
	if v := r.SemanticRatio; v != nil && (math.IsNaN(*v) || *v < 0 || *v > 1) {
		return fmt.Errorf("%w: 语义权重 semantic_ratio 必须是 0 到 1 之间的数", ErrBadRequest)
	}
	for field, values := range r.Filters {
		if !isFacet(field) {
			return fmt.Errorf("%w: 未知的筛选项 %q", ErrBadRequest, field)
		}
		for _, v := range values {
			if !utf8.ValidString(v) || utf8.RuneCountInString(v) > 100 {
				return fmt.Errorf("%w: 筛选值无效", ErrBadRequest)
			}
		}
	}
	return nil
}

func isFacet(field string) bool {
	for _, f := range Facets {
		if f == field {
			return true
		}
	}
	return false
}

// Search runs a request. An empty query lists every passage the filters
// select, in document order.
func (ix *Index) Search(ctx context.Context, r Request) (*Result, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	release, err := ix.slots.admit(ctx)
	if err != nil {
		return nil, err
	}
	defer release()
	filters, searched := r.Filters, r.Query
	var applied map[string][]string
	if r.PlaceIntent {
		applied, searched = ix.placeIntent(ctx, r.Query)
		if applied != nil {
			filters = mergeFilters(r.Filters, applied)
		}
	}
	pq := ix.parseQuery(searched)
	named := pq.namedPlaces()
	ix.pruneCommon(ctx, &pq)
	text := pq.textQuery()
	strict := pq.strictQuery() // nil: every match of text is strong
	// Where the query matched the text of the hits shown (see locate).
	locText, err := ix.locator(&pq, strict == nil)
	if err != nil {
		return nil, err
	}
	if strict != nil {
		text, strict = strict, text // rank and count the strong matches; the full query finds the weak
	}
	facetText := text // the query whose matches the disjunctive facets count
	if searched == "" && applied != nil {
		// Only places: list their passages, those that name them first.
		whole := ix.parseQuery(r.Query)
		named = whole.namedPlaces()
		if locText, err = ix.locator(&whole, true); err != nil {
			return nil, err
		}
		if t, ok := whole.textQuery().(*query.BooleanQuery); ok {
			// The places' passages (not MatchAll: that scores every
			// passage), scored by the parts of the query they match. The
			// parts are lifted out of t, not t itself made optional:
			// bleve's boolean searcher, advanced to a passage, skips the
			// match its optional clauses stand on, so a boolean inside
			// another's optional clause loses scores depending on the
			// order of the index.
			bq := bleve.NewBooleanQuery()
			bq.Must = &unscored{filterQuery(filters)}
			bq.AddShould(t.Must)
			if t.Should != nil {
				bq.AddShould(t.Should)
			}
			bq.SetMinShould(0)
			text = bq
		}
		facetText = nil // every passage: the places are filters only
	}
	q := filtered(text, filterQuery(filters))
	if q == nil {
		q = bleve.NewMatchAllQuery()
	}
	byOrder := text == nil || r.Sort == SortOrder
	from, size := (r.Page-1)*r.Size, r.Size
	rerank := !byOrder && from+size <= rerankWindow
	switch {
	case r.Group == GroupCase:
		from, size, rerank = 0, groupWindow, true
	case r.Sort == SortCounty:
		from, size, rerank = 0, sortWindow, true
	case rerank:
		from, size = 0, rerankWindow
	}
	// The query that scores the hits shown: with the phrase left out of q,
	// the whole query rescores the window (rescore.go); past the window
	// the hits keep q's order.
	ranking := q
	if pq.phraseLater && rerank && !byOrder {
		whole := pq
		whole.phraseLater = false
		if strict != nil { // text is the strict query (swapped above)
			ranking = filtered(whole.strictQuery(), filterQuery(filters))
		} else {
			ranking = filtered(whole.textQuery(), filterQuery(filters))
		}
	}
	fc := &facetCounter{tables: &ix.facets} // counts the facets of every match (facetcount.go)
	req := bleve.NewSearchRequestOptions(&countingQuery{Query: q, fc: fc}, size, from, false)
	if byOrder {
		req.SortBy([]string{FieldDoc, FieldOrder})
	} else {
		req.SortBy([]string{"-_score"}) // tie-breaking on fields would read doc values of every match
	}
	// The index keeps no term locations: the hits shown are located in
	// their text (locate.go).
	res, err := ix.searchIndex(ctx, req)
	if err == nil && fc.table == nil {
		// Not a scorch snapshot, or its table failed: bleve counts.
		for _, f := range Facets {
			req.AddFacet(f, bleve.NewFacetRequest(f, facetSize))
		}
		res, err = ix.searchIndex(ctx, req)
	}
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", r.Query, err)
	}
	facets := facetValues(res.Facets)
	if fc.table != nil {
		facets = fc.values()
	}
	out := &Result{Total: res.Total, Passages: res.Total, Facets: facets,
		Applied: applied, Searched: searched, Named: named, PlacesConflict: ix.PlacesConflict(filters)}
	if err := ix.disjunctiveFacets(ctx, facetText, filters, out.Facets); err != nil {
		return nil, err
	}
	if ranking != q {
		if err := ix.rescore(ctx, ranking, res); err != nil {
			return nil, err
		}
	}
	var ranked []scored
	if byOrder {
		ranked = ix.inOrder(res.Hits)
	} else {
		ranked = ix.rerank(res.Hits)
	}
	origins := ix.origins(&pq)
	if rerank && !byOrder && r.Sort != SortCounty {
		rr := r
		rr.Query, rr.Filters = searched, filters
		confidence := func() (float64, error) {
			ix.locate(locText, ranked[:min(1, len(ranked))])
			return ix.lexicalConfidence(&pq, ranked, origins), nil
		}
		ranked, err = ix.hybrid(ctx, rr, ranking, res, ranked, out, confidence)
		if err != nil {
			return nil, err
		}
	}
	if r.Sort == SortCounty {
		ix.sortByCounty(ranked)
	}
	ix.orderFacets(out.Facets)
	hit := func(h scored) Hit {
		return Hit{Passage: h.p, Score: h.score, Snippet: snippet(h.p.Text, matchSpans(h.match, h.p.Text, pq.bigrams)),
			Matched: explain(h.match, h.p, &pq, origins)}
	}
	if r.Group == GroupCase {
		groups := groupByCase(ranked)
		if r.Sort == SortOrder {
			slices.SortStableFunc(groups, func(a, b []scored) int { return cmpDocOrder(a[0].p, b[0].p) })
		}
		out.Total = uint64(len(groups))
		lo, hi := min((r.Page-1)*r.Size, len(groups)), min(r.Page*r.Size, len(groups))
		var shown []scored
		for _, g := range groups[lo:hi] {
			shown = append(shown, g...)
		}
		ix.locate(locText, shown)
		for _, g := range groups[lo:hi] {
			h := hit(g[0])
			for _, o := range g[1:] {
				h.Others = append(h.Others, hit(o))
			}
			out.Hits = append(out.Hits, h)
		}
		out.Took = time.Since(start)
		return out, nil
	}
	if rerank {
		lo, hi := min((r.Page-1)*r.Size, len(ranked)), min(r.Page*r.Size, len(ranked))
		ranked = ranked[lo:hi]
	}
	ix.locate(locText, ranked)
	for _, h := range ranked {
		out.Hits = append(out.Hits, hit(h))
	}
	// Past the strong matches the page continues with the weak ones.
	lo, hi := uint64((r.Page-1)*r.Size), uint64(r.Page*r.Size)
	if strict != nil && hi > out.Passages {
		from := lo - min(lo, out.Passages)
		full := strict // the full query (swapped above)
		if pq.phraseLater {
			// Scored with the phrase, as the window is: leaving a clause
			// out changes bleve's query norm, so every weak score would
			// differ. Only pages past the strong matches pay for it.
			whole := pq
			whole.phraseLater = false
			full = whole.textQuery()
		}
		weak, total, err := ix.weakMatches(ctx, full, text, filters, int(from), int(hi-max(lo, out.Passages)))
		if err != nil {
			return nil, err
		}
		out.WeakTotal = total
		loose, err := ix.locator(&pq, true)
		if err != nil {
			return nil, err
		}
		ix.locate(loose, weak)
		for _, h := range weak {
			wh := hit(h)
			wh.Weak = true
			out.Hits = append(out.Hits, wh)
		}
	}
	out.Took = time.Since(start)
	return out, nil
}

// weakMatches returns the passages that match the full query but not its
// strong part, best first, from offset from, and how many there are.
func (ix *Index) weakMatches(ctx context.Context, full, strong query.Query, filters map[string][]string, from, size int) ([]scored, uint64, error) {
	bq := bleve.NewBooleanQuery()
	bq.AddMust(filtered(full, filterQuery(filters)))
	bq.AddMustNot(strong)
	req := bleve.NewSearchRequestOptions(bq, size, from, false)
	req.SortBy([]string{"-_score"})
	res, err := ix.searchIndex(ctx, req)
	if err != nil {
		return nil, 0, fmt.Errorf("weak matches: %w", err)
	}
	return ix.rerank(res.Hits), res.Total, nil
}

// hybrid fuses the lexical ranking with the dense candidates that pass the
// fusion's floor, and counts the candidates only the vectors found in the
// totals and facets of out. q is the lexical query with its filters; res
// its result.
func (ix *Index) hybrid(ctx context.Context, r Request, q query.Query, res *bleve.SearchResult, ranked []scored, out *Result, lexicalConfidence func() (float64, error)) ([]scored, error) {
	f := ix.Fusion()
	if r.SemanticRatio != nil {
		f.Ratio = *r.SemanticRatio
	} else if f.Active() && ix.dense.Load() != nil {
		confidence, err := lexicalConfidence()
		if err != nil {
			return nil, err
		}
		// The server's default weight is a ceiling, lowered where the
		// keywords found the query (see Fusion.Capped). An explicit
		// semantic_ratio is taken as it is.
		f = f.Capped(confidence)
	}
	if !f.Active() {
		return ranked, nil
	}
	dense := ix.denseCandidates(ctx, r.Query, r.Filters, rerankWindow, f)
	if len(dense) == 0 {
		return ranked, nil
	}
	if res.Total > uint64(len(res.Hits)) {
		// Some keyword matches lie beyond the window: a dense candidate
		// may be one of them, to be ranked and counted as a keyword match.
		more, err := ix.lexicalAmong(ctx, q, dense, ranked)
		if err != nil {
			return nil, err
		}
		if len(more) > 0 {
			ranked = append(ranked, more...)
			slices.SortStableFunc(ranked, func(a, b scored) int { return cmpScore(a.score, b.score) })
		}
	}
	ranked = fuse(ranked, dense, ix.Library(), f)
	var only []*corpus.Passage
	for _, h := range ranked {
		if h.denseOnly {
			only = append(only, h.p)
		}
	}
	out.Total += uint64(len(only))
	out.Passages += uint64(len(only))
	addFacetCounts(out.Facets, only)
	return ranked, nil
}

// lexicalAmong returns the dense candidates missing from ranked that
// match the lexical query q, scored as rerank scores them.
func (ix *Index) lexicalAmong(ctx context.Context, q query.Query, dense []vector.Result, ranked []scored) ([]scored, error) {
	have := make(map[string]bool, len(ranked))
	for _, h := range ranked {
		have[h.p.ID] = true
	}
	var ids []string
	for _, d := range dense {
		if !have[d.ID] {
			ids = append(ids, d.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	req := bleve.NewSearchRequestOptions(filtered(q, bleve.NewDocIDQuery(ids)), len(ids), 0, false)
	req.SortBy([]string{"-_score"})
	res, err := ix.searchIndex(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("keyword matches among %d dense candidates: %w", len(ids), err)
	}
	return ix.rerank(res.Hits), nil
}

// cmpScore orders scores best first.
func cmpScore(a, b float64) int {
	switch {
	case a > b:
		return -1
	case a < b:
		return 1
	}
	return 0
}

// addFacetCounts adds the facet values of passages to the counts, keeping
// bleve's order: count descending, then value.
func addFacetCounts(facets map[string][]FacetValue, passages []*corpus.Passage) {
	if len(passages) == 0 {
		return
	}
	for _, field := range Facets {
		vals := facets[field]
		at := make(map[string]int, len(vals))
		for i, v := range vals {
			at[v.Value] = i
		}
		for _, p := range passages {
			have, _ := passageFacet(p, field)
			for _, v := range have {
				if v == "" {
					continue
				}
				if i, ok := at[v]; ok {
					vals[i].Count++
					continue
				}
				at[v] = len(vals)
				vals = append(vals, FacetValue{Value: v, Count: 1})
			}
		}
		facets[field] = topFacetValues(vals)
	}
}

// Facets returns the facet counts of the whole index.
func (ix *Index) Facets(ctx context.Context) (map[string][]FacetValue, error) {
	all, ok, err := ix.wholeIndexFacets()
	if err != nil {
		return nil, fmt.Errorf("facets: %w", err)
	}
	if ok {
		ix.orderFacets(all)
		return all, nil
	}
	req := bleve.NewSearchRequestOptions(query.NewMatchAllQuery(), 0, 0, false)
	for _, f := range Facets {
		req.AddFacet(f, bleve.NewFacetRequest(f, facetSize))
	}
	res, err := ix.searchIndex(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("facets: %w", err)
	}
	out := facetValues(res.Facets)
	ix.orderFacets(out)
	return out, nil
}

func facetValues(fr search.FacetResults) map[string][]FacetValue {
	out := map[string][]FacetValue{}
	for _, f := range Facets {
		vals := []FacetValue{}
		if r, ok := fr[f]; ok && r.Terms != nil {
			for _, t := range r.Terms.Terms() {
				vals = append(vals, FacetValue{Value: t.Term, Count: t.Count})
			}
		}
		out[f] = vals
	}
	return out
}

// lexicalConfidence is the share of the query's telling words (weighed by
// their general-language specificity) that the best keyword hit contains,
// as they are or through the thesaurus: 1 when it holds all of them, 0
// without keyword hits.
func (ix *Index) lexicalConfidence(pq *parsedQuery, ranked []scored, origins map[string]origin) float64 {
	if len(ranked) == 0 || ranked[0].match == nil {
		return 0
	}
	covered := map[string]bool{}
	for _, m := range explain(ranked[0].match, ranked[0].p, pq, origins) {
		if m.Kind == MatchWord || m.Kind == MatchConcept {
			covered[m.Term] = true
		}
	}
	var total, got float64
	for _, t := range pq.terms {
		w := 1.0
		if ix.spec != nil {
			w = 0.1 + ix.spec.General(t)
		}
		total += w
		got += w * coveredShare(t, covered)
	}
	if total == 0 {
		return 0
	}
	return got / total
}

// coveredShare is how much of query word t the covered words hold: all of
// it when t itself is covered, else the characters of its covered pieces
// (非煤产业 of 非煤产业比重: two thirds).
func coveredShare(t string, covered map[string]bool) float64 {
	if covered[t] {
		return 1
	}
	n := 0
	for c := range covered {
		if c != t && strings.Contains(t, c) {
			n += utf8.RuneCountInString(c)
		}
	}
	return min(1, float64(n)/float64(max(1, utf8.RuneCountInString(t))))
}
