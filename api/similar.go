package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/shanxi-sme/kb/relate"
)

type similarJSON struct {
	passageJSON
	Score    float64  `json:"score"`
	Terms    []string `json:"terms"`    // key terms the two passages share
	Concepts []string `json:"concepts"` // concepts both mention
}

// similar answers GET /api/passages/:id/similar?size=: practices of other
// counties like this passage, each with what they share.
func (s *Server) similar(c *gin.Context) {
	q := c.Request.URL.Query()
	if err := checkParams(q, "size"); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	size, err := intParam(q, "size")
	if err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	if _, given := q["size"]; !given {
		size = 5
	}
	ix := s.index()
	hits, err := s.relate().Similar(c.Request.Context(), c.Param("id"), size)
	switch {
	case errors.Is(err, relate.ErrNotFound):
		fail(c, http.StatusNotFound, "没有编号为 %q 的文段", c.Param("id"))
		return
	case errors.Is(err, relate.ErrBadRequest): // the size is out of range
		failCode(c, http.StatusBadRequest, CodeBadParameter, "%s", trimBadRequest(err))
		return
	case err != nil:
		if c.Request.Context().Err() == nil { // else the client left or time ran out: not our error
			s.log.Error("similar failed", "id", c.Param("id"), "err", err)
		}
		fail(c, http.StatusInternalServerError, "查找相似做法失败")
		return
	}
	out := []similarJSON{}
	for _, h := range hits {
		out = append(out, similarJSON{passageJSON: toPassageJSON(ix.Library(), h.Passage), Score: h.Score,
			Terms: nonNil(h.Terms), Concepts: nonNil(h.Concepts)})
	}
	c.JSON(http.StatusOK, gin.H{"id": c.Param("id"), "similar": out})
}
