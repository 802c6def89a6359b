package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

type healthBody struct {
	Status      string `json:"status"`
	Passages    uint64 `json:"passages,omitempty"`
	Documents   int    `json:"documents,omitempty"`
	Fingerprint string `json:"fingerprint,omitempty"`
	Retrieval   string `json:"retrieval,omitempty"` // "hybrid" with an embedding service, else "lexical"
	// Segments of the index: 1 after a full build, more for a while after
	// documents are added or removed (bleve merges them in the background).
	Segments uint64 `json:"segments,omitempty"`
}

// health answers 200 once the index is ready and 503 before.
func (s *Server) health(c *gin.Context) {
	ix := s.index()
	if ix == nil {
		c.JSON(http.StatusServiceUnavailable, healthBody{Status: "starting"})
		return
	}
	n, err := ix.Count()
	if err != nil {
		c.JSON(http.StatusServiceUnavailable, healthBody{Status: "index unreadable"})
		return
	}
	c.JSON(http.StatusOK, healthBody{
		Status: "ok", Passages: n, Documents: len(ix.Library().Documents()),
		Fingerprint: ix.Fingerprint(), Retrieval: ix.Retrieval(), Segments: ix.Segments(),
	})
}
