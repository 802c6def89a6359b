package api

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// errorBody is every error answer: {"error": "中文说明"}.
type errorBody struct {
	Error string `json:"error"`
}

// fail aborts the request with a JSON error message.
func fail(c *gin.Context, status int, format string, args ...any) {
	c.AbortWithStatusJSON(status, errorBody{Error: fmt.Sprintf(format, args...)})
}

// recovery turns a panic into a logged 500 instead of a dead process.
func (s *Server) recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic in handler", "path", c.Request.URL.Path, "panic", r)
				if !c.Writer.Written() {
					fail(c, http.StatusInternalServerError, "服务器内部错误")
				}
			}
		}()
		c.Next()
	}
}
