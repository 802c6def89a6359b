package embedding

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"
)

// Errors a caller may want to tell apart with errors.Is. A timeout is not
// among them: it wraps context.DeadlineExceeded.
var (
	// ErrMalformedResponse means the server's reply was not the JSON of the
	// embeddings API.
	ErrMalformedResponse = errors.New("malformed embedding response")
	// ErrCount means the server returned a different number of embeddings
	// than texts sent.
	ErrCount = errors.New("wrong number of embeddings")
	// ErrDimension means a vector had an unexpected length.
	ErrDimension = errors.New("wrong embedding dimension")
	// ErrNonFinite means a vector held NaN or an infinity, which would
	// poison every cosine computed with it.
	ErrNonFinite = errors.New("embedding holds NaN or Inf")
	// ErrCorruptCache means a cache file could not be read back; the caller
	// may delete it and start with an empty cache.
	ErrCorruptCache = errors.New("corrupt embedding cache")
)

// bodyPreview bounds how much of an error body goes into a message: enough
// to show the server's explanation, not enough to flood the log.
const bodyPreview = 200

// StatusError is a non-2xx answer of the embedding server.
type StatusError struct {
	Code    int    // HTTP status code
	Body    string // at most the first 200 bytes of the body
	KeySent bool   // whether an API key was sent with the request
}

// Error explains the status; a refused key gets its own wording because it
// is the most common misconfiguration and the fix is different.
func (e *StatusError) Error() string {
	var b strings.Builder
	switch {
	case (e.Code == http.StatusUnauthorized || e.Code == http.StatusForbidden) && e.KeySent:
		fmt.Fprintf(&b, "embedding server refused the API key (HTTP %d); check KB_EMBED_KEY", e.Code)
	case e.Code == http.StatusUnauthorized || e.Code == http.StatusForbidden:
		fmt.Fprintf(&b, "embedding server requires an API key (HTTP %d) but KB_EMBED_KEY is not set", e.Code)
	default:
		fmt.Fprintf(&b, "embedding server returned HTTP %d %s", e.Code, http.StatusText(e.Code))
	}
	if e.Body != "" {
		fmt.Fprintf(&b, ": %s", e.Body)
	}
	return b.String()
}

// retryable reports whether the status is a transient overload or gateway
// failure that a second attempt may get past.
func (e *StatusError) retryable() bool {
	switch e.Code {
	case http.StatusTooManyRequests, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// preview cuts b to at most n bytes without splitting a UTF-8 sequence, as
// servers for Chinese models often answer in Chinese.
func preview(b []byte, n int) string {
	if len(b) > n {
		b = b[:n]
		// Drop a rune cut in half at the end; invalid bytes elsewhere
		// are the server's and are replaced below.
		for range utf8.UTFMax - 1 {
			if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size != 1 {
				break
			}
			b = b[:len(b)-1]
		}
	}
	return strings.TrimSpace(strings.ToValidUTF8(string(b), "\uFFFD"))
}
