package api

import (
	"math"
	"net/http"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/shanxi-sme/kb/corpus"
)

type caseRefJSON struct {
	Number   int      `json:"number"`
	Title    string   `json:"title"`
	Doc      string   `json:"doc"`
	Themes   []string `json:"themes"`
	First    string   `json:"first_passage"`
	Passages int      `json:"passages"`
}

type countyIndicatorJSON struct {
	Name  string  `json:"name"`
	Unit  string  `json:"unit"`
	Value float64 `json:"value"`
	Rank  int     `json:"rank"`
	OutOf int     `json:"out_of"`
	Doc   string  `json:"doc"`
}

type countyJSON struct {
	Name       string                `json:"name"`
	City       string                `json:"city"`
	Cases      []caseRefJSON         `json:"cases"`
	Indicators []countyIndicatorJSON `json:"indicators"`
}

// counties answers GET /api/counties: the counties with cases or figures.
func (s *Server) counties(c *gin.Context) {
	if err := checkParams(c.Request.URL.Query()); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	ix := s.index()
	lib := ix.Library()
	out := []countyJSON{}
	for _, name := range lib.Counties() {
		cj := countyProfile(lib, name)
		if len(cj.Cases) > 0 || len(cj.Indicators) > 0 {
			out = append(out, cj)
		}
	}
	// Administrative order (the gazetteer's); places outside it last.
	rank := func(name string) int {
		if r := ix.PlaceRank(name); r >= 0 {
			return r
		}
		return math.MaxInt
	}
	sort.SliceStable(out, func(i, j int) bool { return rank(out[i].Name) < rank(out[j].Name) })
	c.JSON(http.StatusOK, gin.H{"counties": out})
}

// county answers GET /api/counties/:name; short names such as 定襄 resolve.
func (s *Server) county(c *gin.Context) {
	if err := checkParams(c.Request.URL.Query()); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	lib := s.index().Library()
	name := c.Param("name")
	for _, known := range lib.Counties() {
		if known == name {
			c.JSON(http.StatusOK, countyProfile(lib, name))
			return
		}
	}
	if canonical, ok := s.resolveCounty(name); ok {
		c.JSON(http.StatusOK, countyProfile(lib, canonical))
		return
	}
	fail(c, http.StatusNotFound, "知识库中没有县区 %q 的资料", name)
}

// resolveCounty maps a short or alternative name to a county of the library.
func (s *Server) resolveCounty(name string) (string, bool) {
	lib := s.index().Library()
	for _, known := range lib.Counties() {
		if known == name+"县" || known == name+"区" || known == name+"市" {
			return known, true
		}
	}
	return "", false
}

func countyProfile(lib *corpus.Library, name string) countyJSON {
	out := countyJSON{Name: name, Cases: []caseRefJSON{}, Indicators: []countyIndicatorJSON{}}
	for _, cs := range lib.CasesOf(name) {
		out.City = cs.City
		ref := caseRefJSON{Number: cs.Number, Title: cs.Title, Doc: cs.Doc.ID, Themes: nonNil(cs.Themes), Passages: len(cs.Passages)}
		if len(cs.Passages) > 0 {
			ref.First = cs.Passages[0]
		}
		out.Cases = append(out.Cases, ref)
	}
	for _, in := range lib.Indicators() {
		for _, r := range in.Rows {
			if r.County == name {
				out.City = r.City
				out.Indicators = append(out.Indicators, countyIndicatorJSON{Name: in.Name, Unit: in.Unit,
					Value: r.Value, Rank: r.Rank, OutOf: len(in.Rows), Doc: in.Doc.ID})
			}
		}
	}
	return out
}
