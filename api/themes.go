package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

type themeJSON struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Signals     []string `json:"signals"` // the words that mark the theme
	Passages    int      `json:"passages"`
}

// themes answers GET /api/themes: every theme of the ontology with its
// description and how many passages carry it.
func (s *Server) themes(c *gin.Context) {
	if err := checkParams(c.Request.URL.Query()); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	ix := s.index()
	facets, err := ix.Facets(c.Request.Context())
	if err != nil {
		s.log.Error("themes failed", "err", err)
		fail(c, http.StatusInternalServerError, "读取主题失败")
		return
	}
	count := map[string]int{}
	for _, v := range facets["theme"] {
		count[v.Value] = v.Count
	}
	out := []themeJSON{}
	for _, th := range ix.Themes().Themes() {
		out = append(out, themeJSON{Name: th.Name, Description: th.Description, Signals: th.Aliases, Passages: count[th.Name]})
	}
	c.JSON(http.StatusOK, gin.H{"themes": out})
}
