package api

import (
	"net/http"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
)

// maxSuggestions bounds the answer of /api/suggest.
const maxSuggestions = 10

// suggest answers GET /api/suggest?q=楼宇: at most 10 themes, places and
// terms containing q, for the search box (a few hundred bytes instead of
// the whole facet list).
func (s *Server) suggest(c *gin.Context) {
	q := c.Request.URL.Query()
	if err := checkParams(q, "q"); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	typed := q.Get("q")
	if utf8.RuneCountInString(typed) > 50 {
		failCode(c, http.StatusBadRequest, CodeQueryTooLong, "提示词过长，最多 50 字")
		return
	}
	items, err := s.index().Suggest(c.Request.Context(), typed, maxSuggestions)
	if err != nil {
		if c.Request.Context().Err() == nil {
			s.log.Error("suggest failed", "err", err)
		}
		fail(c, http.StatusInternalServerError, "读取检索建议失败")
		return
	}
	c.JSON(http.StatusOK, gin.H{"query": typed, "suggestions": items})
}
