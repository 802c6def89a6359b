package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"
)

// requestLog logs each request with log/slog. A request whose client hung
// up before the answer is logged at info level with status 499: that is
// the client's doing, not an error of ours.
func (s *Server) requestLog() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		// The connection's context: later middleware replaces c.Request
		// with a derived one that is cancelled when the handler returns.
		conn := c.Request.Context()
		c.Next()
		status := c.Writer.Status()
		if errors.Is(conn.Err(), context.Canceled) && status >= http.StatusInternalServerError {
			status = StatusClientClosed
		}
		level := slog.LevelInfo
		if status >= http.StatusInternalServerError && status != http.StatusServiceUnavailable && status != http.StatusGatewayTimeout {
			level = slog.LevelError
		}
		s.log.Log(conn, level, "request", "method", c.Request.Method, "path", c.Request.URL.Path,
			"status", status, "ms", float64(time.Since(start).Microseconds())/1000)
	}
}

// setSecurityHeaders: no inline script, no framing, no MIME sniffing.
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
}

func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		setSecurityHeaders(c.Writer.Header())
		c.Next()
	}
}

// noStore keeps API answers out of caches: they depend on the index (and
// may need a token), so a stored copy would be stale or leak.
func noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Next()
}

// checkQueryEncoding refuses a query string with invalid percent-encoding
// (q=%zz): net/url would silently drop the parameter and the request would
// mean something else than what was sent.
func checkQueryEncoding(c *gin.Context) {
	if _, err := url.ParseQuery(c.Request.URL.RawQuery); err != nil {
		failCode(c, http.StatusBadRequest, CodeBadEncoding, "查询参数的百分号编码有误（如 %%zz）：请用 UTF-8 对参数值做 URL 编码")
		return
	}
	c.Next()
}

// Request size limits, checked by guardRequestSize so that oversized
// requests get our JSON answer. The http.Server's own MaxHeaderBytes
// (HTTPServer) is set well above them, as a last resort.
const (
	MaxURIBytes    = 16 << 10
	MaxHeaderBytes = 64 << 10
	// serverHeaderBytes is net/http's limit; past it Go answers in plain text.
	serverHeaderBytes = 1 << 20
)

// guardRequestSize answers 414 for a request line longer than MaxURIBytes
// and 431 for headers larger than MaxHeaderBytes, in JSON with the
// security headers. Beyond serverHeaderBytes, and for request lines
// net/http cannot parse (control characters, bad methods), net/http
// answers itself in plain text before any handler runs; that cannot be
// changed from a handler.
func (s *Server) guardRequestSize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(r.RequestURI) > MaxURIBytes {
			writeRawError(w, http.StatusRequestURITooLong, CodeURITooLong,
				fmt.Sprintf("请求地址过长（上限 %d 字节）：请缩短查询词或筛选项", MaxURIBytes))
			return
		}
		if headerBytes(r) > MaxHeaderBytes {
			writeRawError(w, http.StatusRequestHeaderFieldsTooLarge, CodeHeaderTooLarge,
				fmt.Sprintf("请求头过大（上限 %d 字节）：请清除该站点的 Cookie 后重试", MaxHeaderBytes))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// headerBytes approximates the request head as sent: the request line and
// each header line.
func headerBytes(r *http.Request) int {
	n := len(r.Method) + len(r.RequestURI) + len(r.Proto) + 4 + len("Host: \r\n") + len(r.Host)
	for k, vs := range r.Header {
		for _, v := range vs {
			n += len(k) + len(v) + 4
		}
	}
	return n
}

// writeRawError writes an error answer outside gin, as failCode would.
func writeRawError(w http.ResponseWriter, status int, code, msg string) {
	h := w.Header()
	setSecurityHeaders(h)
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Connection", "close")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(errorBody{Error: msg, Code: code})
}

// HTTPServer returns an http.Server for the handler with the timeouts and
// limits the API is designed for.
func (s *Server) HTTPServer() *http.Server {
	return &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    serverHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
}

// maxLinkBody bounds a link request: a JSON draft (its text limit is
// checked after decoding) or an uploaded draft file.
const maxLinkBody = maxLinkFile + 1<<20

// limitBody caps the request body; reading past it fails and answers 413.
func limitBody(n int64) gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > n {
			failCode(c, http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "请求体过大（上限 %d 字节）", n)
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, n)
		c.Next()
	}
}

// requestTimeout gives each API request a deadline; searches, links and
// ingestion watch their context and stop when it passes.
func requestTimeout(d time.Duration) gin.HandlerFunc {
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), d)
		defer cancel()
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}
