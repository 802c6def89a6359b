package embedding

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"
)

// maxRetryAfter bounds how long a server's Retry-After may hold up the one
// retry; a server asking for longer will not be ready in time anyway.
const maxRetryAfter = 10 * time.Second

// drainBytes is how much of an error body is discarded so that the
// connection can be reused; larger bodies cost a new connection instead.
const drainBytes = 64 << 10

// embedRequest is the body of POST /v1/embeddings.
type embedRequest struct {
	Model          string   `json:"model"`
	Input          []string `json:"input"`
	EncodingFormat string   `json:"encoding_format"`
	// Dimensions is omitted when zero: servers that cannot shorten
	// vectors reject the field even when it equals the native length.
	Dimensions int `json:"dimensions,omitempty"`
}

// transientError marks a failure worth one retry: an overloaded or
// restarting server, or a dropped connection.
type transientError struct {
	err  error
	wait time.Duration
}

func (e *transientError) Error() string { return e.err.Error() }
func (e *transientError) Unwrap() error { return e.err }

// embedBatch sends one batch, retrying once after a transient failure.
func (o *OpenAI) embedBatch(ctx context.Context, texts []string) ([][]float32, error) {
	body, err := json.Marshal(embedRequest{
		Model:          o.cfg.Model,
		Input:          texts,
		EncodingFormat: "float",
		Dimensions:     o.cfg.Dimensions,
	})
	if err != nil {
		return nil, fmt.Errorf("encode request: %w", err)
	}
	vecs, err := o.attempt(ctx, body, len(texts))
	var t *transientError
	if !errors.As(err, &t) {
		return vecs, err
	}
	if err := sleep(ctx, t.wait); err != nil {
		return nil, fmt.Errorf("waiting to retry after %w: %w", t.err, err)
	}
	vecs, err = o.attempt(ctx, body, len(texts))
	if err != nil {
		return nil, fmt.Errorf("after one retry: %w", err)
	}
	return vecs, nil
}

// attempt makes one request under its own timeout.
func (o *OpenAI) attempt(ctx context.Context, body []byte, n int) ([][]float32, error) {
	rctx, cancel := context.WithTimeout(ctx, o.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodPost, o.endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("build request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if o.cfg.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+o.cfg.APIKey)
	}
	resp, err := o.client.Do(req)
	if err != nil {
		return nil, o.transportError(ctx, rctx, "send request", err)
	}
	defer resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		// A few bytes more than shown, so that preview can tell a rune
		// cut by the limit from one the server sent broken.
		head, _ := io.ReadAll(io.LimitReader(resp.Body, bodyPreview+utf8.UTFMax))
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainBytes))
		se := &StatusError{Code: resp.StatusCode, Body: preview(head, bodyPreview), KeySent: o.cfg.APIKey != ""}
		if se.retryable() {
			return nil, &transientError{err: se, wait: retryAfter(resp.Header, o.retryWait)}
		}
		return nil, se
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes+1))
	if err != nil {
		return nil, o.transportError(ctx, rctx, "read response", err)
	}
	if len(data) > maxResponseBytes {
		return nil, fmt.Errorf("%w: response exceeds %d MiB", ErrMalformedResponse, maxResponseBytes>>20)
	}
	return o.decode(data, n)
}

// transportError classifies a failure to exchange bytes with the server:
// the caller's own cancellation, our per-request timeout, or a connection
// problem that deserves a retry.
func (o *OpenAI) transportError(parent, rctx context.Context, op string, err error) error {
	if perr := parent.Err(); perr != nil {
		return fmt.Errorf("%s: %w", op, perr)
	}
	if rctx.Err() != nil {
		// Wrap the sentinel explicitly: the transport does not promise
		// to, and callers test for it with errors.Is.
		return fmt.Errorf("%s: no answer within %s (KB_EMBED_TIMEOUT): %w",
			op, o.cfg.Timeout, context.DeadlineExceeded)
	}
	return &transientError{err: fmt.Errorf("%s: %w", op, err), wait: o.retryWait}
}

// retryAfter reads the server's Retry-After (seconds or an HTTP date),
// falling back to def and never exceeding maxRetryAfter.
func retryAfter(h http.Header, def time.Duration) time.Duration {
	v := h.Get("Retry-After")
	if v == "" {
		return def
	}
	var d time.Duration
	if s, err := strconv.Atoi(v); err == nil {
		d = time.Duration(s) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = time.Until(t)
	} else {
		return def
	}
	return max(0, min(d, maxRetryAfter))
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
