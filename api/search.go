package api

import (
	"errors"
	"net/http"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/shanxi-sme/kb/index"
)

type searchBody struct {
	Query      string                        `json:"query"`
	Total      uint64                        `json:"total"`
	Passages   uint64                        `json:"passages"`   // matching passages (differs from total with group=case)
	WeakTotal  uint64                        `json:"weak_total"` // weak matches, not in total (counted when the page reaches them)
	Group      string                        `json:"group,omitempty"`
	Indicators []indicatorJSON               `json:"indicators"`
	TookMS     float64                       `json:"took_ms"`
	Page       int                           `json:"page"`
	Size       int                           `json:"size"`
	Hits       []hitJSON                     `json:"hits"`
	Facets     map[string][]index.FacetValue `json:"facets"`
	Sort       string                        `json:"sort"`
	// AppliedFilters are the places read from the start of q (太原市做法:
	// city 太原市), applied as filters; Searched is the rest of q searched.
	AppliedFilters map[string][]string `json:"applied_filters"`
	Searched       string              `json:"searched"`
	// NamedPlaces are the places q names anywhere, by facet.
	NamedPlaces map[string][]string `json:"named_places"`
	// PlacesConflict: no chosen county lies in a chosen city.
	PlacesConflict bool `json:"places_conflict"`
}

// search answers GET /api/search?q=&county=&city=&theme=&kind=&policy=&page=&size=&group=&sort=&places=&semantic_ratio=.
func (s *Server) search(c *gin.Context) {
	q := c.Request.URL.Query()
	if err := checkParams(q, "q", "county", "city", "theme", "kind", "policy", "page", "size", "group", "semantic_ratio", "sort", "places"); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	req := index.Request{Query: q.Get("q"), Filters: map[string][]string{}, Group: q.Get("group"), Sort: q.Get("sort"), PlaceIntent: true}
	switch q.Get("places") {
	case "", "filter":
	case "text":
		req.PlaceIntent = false // places in the query are plain words
	default:
		failCode(c, http.StatusBadRequest, CodeBadParameter, "参数 places 只能是 filter 或 text")
		return
	}
	var err error
	if req.Page, err = intParam(q, "page"); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	if req.Size, err = intParam(q, "size"); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	if req.SemanticRatio, err = ratioParam(q, "semantic_ratio"); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	if _, ok := q["page"]; ok && req.Page == 0 {
		req.Page = -1 // page=0 is an error, not the default
	}
	if _, ok := q["size"]; ok && req.Size == 0 {
		req.Size = -1
	}
	for _, f := range index.Facets {
		if v := listParam(q, f); len(v) > 0 {
			req.Filters[f] = v
		}
	}
	if err := req.Validate(); err != nil {
		failCode(c, http.StatusBadRequest, validationCode(req), "%s", trimBadRequest(err))
		return
	}
	ix := s.index()
	res, err := ix.Search(c.Request.Context(), req)
	if errors.Is(err, index.ErrBadRequest) {
		failCode(c, http.StatusBadRequest, CodeBadQuery, "%s", trimBadRequest(err))
		return
	}
	if err != nil {
		if c.Request.Context().Err() == nil { // else the client left or time ran out: not our error
			s.log.Error("search failed", "q", req.Query, "err", err)
		}
		fail(c, http.StatusInternalServerError, "检索失败")
		return
	}
	body := searchBody{Query: req.Query, Total: res.Total, Passages: res.Passages, WeakTotal: res.WeakTotal, Group: req.Group,
		TookMS: float64(res.Took.Microseconds()) / 1000, Page: req.Page, Size: req.Size,
		Hits: []hitJSON{}, Facets: res.Facets, Indicators: []indicatorJSON{}, Sort: req.Sort,
		AppliedFilters: nonNilMap(res.Applied), Searched: res.Searched, NamedPlaces: nonNilMap(res.Named), PlacesConflict: res.PlacesConflict}
	if body.Sort == "" {
		body.Sort = index.SortRelevance
	}
	for _, in := range s.relate().IndicatorsFor(req.Query) {
		body.Indicators = append(body.Indicators, toIndicatorJSON(in))
	}
	for _, h := range res.Hits {
		body.Hits = append(body.Hits, toHitJSON(ix.Library(), h))
	}
	c.JSON(http.StatusOK, body)
}

// validationCode says which part of a request that failed Validate is at
// fault, by validating variants of it with that part set to a valid value
// (so no error text is matched).
func validationCode(req index.Request) string {
	ok := func(change func(r *index.Request)) bool {
		r := req
		change(&r)
		return r.Validate() == nil
	}
	switch {
	case ok(func(r *index.Request) { r.Query = "" }):
		if utf8.RuneCountInString(req.Query) > index.MaxQueryRunes {
			return CodeQueryTooLong
		}
		return CodeBadQuery
	case ok(func(r *index.Request) { r.Page = 1 }):
		return CodePageOutOfRange
	}
	return CodeBadParameter
}

// trimBadRequest drops the "bad request: " prefix of a validation error.
func trimBadRequest(err error) string {
	msg := err.Error()
	prefix := index.ErrBadRequest.Error() + ": "
	if len(msg) > len(prefix) && msg[:len(prefix)] == prefix {
		return msg[len(prefix):]
	}
	return msg
}

func nonNilMap(m map[string][]string) map[string][]string {
	if m == nil {
		return map[string][]string{}
	}
	return m
}
