package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// facets answers GET /api/facets: every facet value of the corpus with its count.
func (s *Server) facets(c *gin.Context) {
	if err := checkParams(c.Request.URL.Query()); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	f, err := s.index().Facets(c.Request.Context())
	if err != nil {
		s.log.Error("facets failed", "err", err)
		fail(c, http.StatusInternalServerError, "读取分面失败")
		return
	}
	c.JSON(http.StatusOK, f)
}
