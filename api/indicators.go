package api

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/shanxi-sme/kb/corpus"
)

type indicatorJSON struct {
	Name     string             `json:"name"`
	Unit     string             `json:"unit"`
	Header   string             `json:"header"`
	Caption  string             `json:"caption,omitempty"`
	Doc      string             `json:"doc"`
	DocTitle string             `json:"doc_title"`
	Total    *float64           `json:"total"` // null for percentages, where a sum means nothing
	Rows     []indicatorRowJSON `json:"rows"`
}

type indicatorRowJSON struct {
	County string  `json:"county"`
	City   string  `json:"city"`
	Value  float64 `json:"value"`
	Rank   int     `json:"rank"`
}

// indicators answers GET /api/indicators[?name=]: the tables with each
// county's rank; name selects the tables whose name contains it.
func (s *Server) indicators(c *gin.Context) {
	q := c.Request.URL.Query()
	if err := checkParams(q, "name"); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	name := strings.TrimSpace(q.Get("name"))
	out := []indicatorJSON{}
	for _, in := range s.index().Library().Indicators() {
		if name == "" || strings.Contains(in.Name, name) || strings.Contains(in.Header, name) {
			out = append(out, toIndicatorJSON(in))
		}
	}
	if name != "" && len(out) == 0 {
		fail(c, http.StatusNotFound, "没有名称包含 %q 的指标", name)
		return
	}
	c.JSON(http.StatusOK, gin.H{"indicators": out})
}

func toIndicatorJSON(in corpus.IndicatorInDoc) indicatorJSON {
	out := indicatorJSON{Name: in.Name, Unit: in.Unit, Header: in.Header, Caption: in.Caption,
		Doc: in.Doc.ID, DocTitle: in.Doc.Title, Rows: []indicatorRowJSON{}}
	if in.Unit != "%" {
		total := in.Total()
		out.Total = &total
	}
	for _, r := range in.Rows {
		out.Rows = append(out.Rows, indicatorRowJSON{County: r.County, City: r.City, Value: r.Value, Rank: r.Rank})
	}
	return out
}
