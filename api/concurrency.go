package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// limitHeavy bounds the heavy requests (uploads, linking a file: parsing
// a document takes CPU and memory) running at once to the slots of
// s.heavy. When all are taken it answers at once 503 with Retry-After and
// code "overloaded", rather than queueing requests until they time out.
func (s *Server) limitHeavy(c *gin.Context) {
	select {
	case s.heavy <- struct{}{}:
	default:
		c.Header("Retry-After", "2")
		failCode(c, http.StatusServiceUnavailable, CodeOverloaded, "服务器正忙（同时处理的上传与关联请求已满），请稍后重试")
		return
	}
	defer func() { <-s.heavy }()
	c.Next()
}
