package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// uiRoutes serves the embedded web UI: index.html at / and the assets under /static/.
func (s *Server) uiRoutes() {
	if s.ui == nil {
		return
	}
	s.engine.GET("/", func(c *gin.Context) {
		c.FileFromFS("/", http.FS(s.ui)) // serves index.html
	})
	s.engine.StaticFS("/static", http.FS(s.ui))
}
