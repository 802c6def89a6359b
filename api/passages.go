package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/shanxi-sme/kb/corpus"
)

type passageRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Label string `json:"label,omitempty"`
}

type caseJSON struct {
	Number   int           `json:"number"`
	Title    string        `json:"title"`
	County   string        `json:"county"`
	City     string        `json:"city"`
	Themes   []string      `json:"themes"`
	Doc      string        `json:"doc"`
	DocTitle string        `json:"doc_title"`
	Citation string        `json:"citation"`
	Passages []passageJSON `json:"passages"`
}

type passageBody struct {
	Passage passageJSON `json:"passage"`
	Case    *caseJSON   `json:"case"`
	Prev    *passageRef `json:"prev"`
	Next    *passageRef `json:"next"`
}

// passage answers GET /api/passages/:id with its case and neighbours.
func (s *Server) passage(c *gin.Context) {
	if err := checkParams(c.Request.URL.Query()); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	lib := s.index().Library()
	p, ok := lib.Passage(c.Param("id"))
	if !ok {
		fail(c, http.StatusNotFound, "没有编号为 %q 的文段", c.Param("id"))
		return
	}
	body := passageBody{Passage: toPassageJSON(lib, p)}
	if cs, ok := lib.CaseOf(p); ok {
		body.Case = toCaseJSON(lib, cs)
	}
	prev, next := lib.Neighbours(p)
	body.Prev, body.Next = toRef(prev), toRef(next)
	c.JSON(http.StatusOK, body)
}

func toRef(p *corpus.Passage) *passageRef {
	if p == nil {
		return nil
	}
	return &passageRef{ID: p.ID, Title: p.Title, Label: p.Label}
}

func toCaseJSON(lib *corpus.Library, cs *corpus.CaseInDoc) *caseJSON {
	out := &caseJSON{Number: cs.Number, Title: cs.Title, County: cs.County, City: cs.City,
		Themes: nonNil(cs.Themes), Doc: cs.Doc.ID, DocTitle: cs.Doc.Title, Passages: []passageJSON{}}
	for _, id := range cs.Passages {
		if p, ok := lib.Passage(id); ok {
			out.Passages = append(out.Passages, toPassageJSON(lib, p))
		}
	}
	if len(out.Passages) > 0 {
		out.Citation = out.Passages[0].Citation
	}
	return out
}
