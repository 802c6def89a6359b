package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// requireReader asks for the read token (or the admin token) when reading
// is restricted; by default reading is open.
func (s *Server) requireReader(c *gin.Context) {
	if s.readToken == "" {
		c.Next()
		return
	}
	got := bearer(c)
	if !tokenEqual(got, s.readToken) && (s.adminToken == "" || !tokenEqual(got, s.adminToken)) {
		c.Header("WWW-Authenticate", `Bearer realm="kb"`)
		failCode(c, http.StatusUnauthorized, CodeUnauthorized, "需要有效的访问令牌（Authorization: Bearer …）")
		return
	}
	c.Next()
}

// requireAdmin guards the write endpoints with the admin token, sent as
// "Authorization: Bearer …" and compared in constant time. Without a
// configured token the write endpoints are off.
func (s *Server) requireAdmin(c *gin.Context) {
	if s.adminToken == "" {
		failCode(c, http.StatusForbidden, CodeForbidden, "写入接口未开启：启动时用 --admin-token 或环境变量 KB_ADMIN_TOKEN 设置管理令牌")
		return
	}
	if !tokenEqual(bearer(c), s.adminToken) {
		c.Header("WWW-Authenticate", `Bearer realm="kb"`)
		failCode(c, http.StatusUnauthorized, CodeUnauthorized, "需要有效的管理令牌（Authorization: Bearer …）")
		return
	}
	c.Next()
}

// bearer returns the token of an "Authorization: Bearer …" header, or "".
// The scheme name is case-insensitive (RFC 7235): "bearer …" works too.
func bearer(c *gin.Context) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(c.GetHeader("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// tokenEqual compares in constant time; hashing both sides makes the time
// independent of the lengths too. An empty token never matches.
func tokenEqual(got, want string) bool {
	a, b := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return got != "" && subtle.ConstantTimeCompare(a[:], b[:]) == 1
}
