package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

// errorBody is every error answer: {"error": "中文说明", "code": "bad_query"}.
// The message is for people; the code is stable, for programs.
type errorBody struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// Stable error codes of the API. Clients tell errors apart by these, never
// by the message text; a code, once published, keeps its meaning.
const (
	CodeBadRequest       = "bad_request"        // a malformed request not covered below
	CodeBadParameter     = "bad_parameter"      // an unknown, non-numeric or out-of-range parameter
	CodeBadEncoding      = "bad_encoding"       // invalid percent-encoding in the query string
	CodeBadQuery         = "bad_query"          // the search text itself is unusable (invalid UTF-8, control characters)
	CodeQueryTooLong     = "query_too_long"     // the search text exceeds index.MaxQueryRunes
	CodePageOutOfRange   = "page_out_of_range"  // page < 1, or deeper than the result window
	CodeUnauthorized     = "unauthorized"       // a token is needed and was missing or wrong
	CodeForbidden        = "forbidden"          // the operation is off or not allowed
	CodeNotFound         = "not_found"          // no such route or resource
	CodeMethodNotAllowed = "method_not_allowed" // the route exists, not with this method
	CodeDuplicate        = "duplicate_document" // the same content is already stored
	CodeBodyTooLarge     = "body_too_large"     // the request body or a file is over the limit
	CodeURITooLong       = "uri_too_long"       // the request line is over the limit
	CodeHeaderTooLarge   = "header_too_large"   // the request headers are over the limit
	CodeUnsupported      = "unsupported_format" // a content type or file format we do not read
	CodeUnreadable       = "unreadable_file"    // encrypted, scanned, empty or corrupt file
	CodeParseTimeout     = "parse_timeout"      // a file too complex to read in the time allowed
	CodeRateLimited      = "rate_limited"       // the client is over its request rate
	CodeIndexNotReady    = "index_not_ready"    // the server is still starting
	CodeOverloaded       = "overloaded"         // too many heavy requests at once; retry later
	CodeTimeout          = "timeout"            // the request ran out of time
	CodeClientClosed     = "client_closed"      // the client went away (logged, never seen by it)
	CodeInternal         = "internal"           // our fault
)

// StatusClientClosed is the (nginx) status logged for a request whose
// client hung up before the answer.
const StatusClientClosed = 499

// codeForStatus is the default code of a status, for fail calls that give none.
func codeForStatus(status int) string {
	switch status {
	case http.StatusBadRequest:
		return CodeBadRequest
	case http.StatusUnauthorized:
		return CodeUnauthorized
	case http.StatusForbidden:
		return CodeForbidden
	case http.StatusNotFound:
		return CodeNotFound
	case http.StatusMethodNotAllowed:
		return CodeMethodNotAllowed
	case http.StatusConflict:
		return CodeDuplicate
	case http.StatusRequestEntityTooLarge:
		return CodeBodyTooLarge
	case http.StatusRequestURITooLong:
		return CodeURITooLong
	case http.StatusUnsupportedMediaType:
		return CodeUnsupported
	case http.StatusUnprocessableEntity:
		return CodeUnreadable
	case http.StatusTooManyRequests:
		return CodeRateLimited
	case http.StatusRequestHeaderFieldsTooLarge:
		return CodeHeaderTooLarge
	case http.StatusServiceUnavailable:
		return CodeIndexNotReady
	case http.StatusGatewayTimeout:
		return CodeTimeout
	case StatusClientClosed:
		return CodeClientClosed
	}
	return CodeInternal
}

// fail aborts the request with a JSON error message and the default code
// of its status, or the code of an argument that carries one (a parameter
// error). Prefer failCode where the status alone is ambiguous.
func fail(c *gin.Context, status int, format string, args ...any) {
	code := codeForStatus(status)
	for _, a := range args {
		var ce coded
		if err, ok := a.(error); ok && errors.As(err, &ce) {
			code = ce.Code()
			break
		}
	}
	failCode(c, status, code, format, args...)
}

// failCode aborts the request with a JSON error message and a stable code.
// A server error caused by the request's own context (the client left, or
// the request timed out) is reported as such instead of as ours.
func failCode(c *gin.Context, status int, code, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if st, cd, ok := contextFailure(c, status); ok {
		status, code, msg = st, cd, timeoutMessage
		if cd == CodeClientClosed {
			msg = "客户端已断开"
		}
	}
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(status, errorBody{Error: msg, Code: code})
}

const timeoutMessage = "处理超时，请缩小范围后重试"

// contextFailure says whether a server error (status) was really the
// request's own context ending: 504 "timeout" when its deadline passed,
// 499 "client_closed" when the client went away.
func contextFailure(c *gin.Context, status int) (int, string, bool) {
	if status < http.StatusInternalServerError || status == http.StatusServiceUnavailable {
		return status, "", false
	}
	switch err := c.Request.Context().Err(); {
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, CodeTimeout, true
	case errors.Is(err, context.Canceled):
		return StatusClientClosed, CodeClientClosed, true
	}
	return status, "", false
}

// recovery turns a panic into a logged 500 instead of a dead process.
func (s *Server) recovery() gin.HandlerFunc {
	return func(c *gin.Context) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic in handler", "path", c.Request.URL.Path, "panic", r)
				if !c.Writer.Written() {
					failCode(c, http.StatusInternalServerError, CodeInternal, "服务器内部错误")
				}
			}
		}()
		c.Next()
	}
}
