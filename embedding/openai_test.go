package embedding

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestEmbedBatchesAndOrdersByIndex(t *testing.T) {
	f := newFake(t, 6)
	o := f.client(t, f.config())
	texts := []string{"专精特新", "楼宇经济", "融资担保", "小店区", "知识产权质押贷款"}

	if d := o.Dimensions(); d != 0 {
		t.Fatalf("Dimensions() before the first call = %d, want 0", d)
	}
	got, err := o.Embed(context.Background(), texts)
	if err != nil {
		t.Fatalf("Embed: %v", err)
	}
	reqs := f.requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests for 5 texts in batches of 2, want 3", len(reqs))
	}
	for i, want := range [][]string{texts[0:2], texts[2:4], texts[4:5]} {
		if !reflect.DeepEqual(reqs[i].input, want) {
			t.Errorf("request %d input = %q, want %q", i, reqs[i].input, want)
		}
	}
	if len(got) != len(texts) {
		t.Fatalf("got %d vectors, want %d", len(got), len(texts))
	}
	for i, text := range texts {
		if !reflect.DeepEqual(got[i], fakeVector(text, 6)) {
			t.Errorf("vector %d is not the one of %q", i, text)
		}
	}
	if d := o.Dimensions(); d != 6 {
		t.Errorf("Dimensions() after the first call = %d, want 6", d)
	}
}

func TestEmbedEmptyInputSendsNothing(t *testing.T) {
	f := newFake(t, 4)
	o := f.client(t, f.config())
	got, err := o.Embed(context.Background(), nil)
	if got != nil || err != nil {
		t.Errorf("Embed(nil) = %v, %v; want nil, nil", got, err)
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests for empty input, want 0", n)
	}
}

func TestEmbedURLWithV1(t *testing.T) {
	f := newFake(t, 4)
	c := f.config()
	c.URL += "/v1/"
	if _, err := f.client(t, c).Embed(context.Background(), []string{"a"}); err != nil {
		t.Fatalf("Embed with a /v1/ base URL: %v", err)
	}
}

func TestEmbedAuthHeader(t *testing.T) {
	tests := []struct {
		key, want string
	}{
		{"", ""},
		{"sk-local", "Bearer sk-local"},
	}
	for _, tt := range tests {
		f := newFake(t, 4)
		c := f.config()
		c.APIKey = tt.key
		if _, err := f.client(t, c).Embed(context.Background(), []string{"a"}); err != nil {
			t.Fatalf("Embed: %v", err)
		}
		if got := f.requests()[0].auth; got != tt.want {
			t.Errorf("key %q: Authorization = %q, want %q", tt.key, got, tt.want)
		}
	}
}

func TestEmbedRequestBody(t *testing.T) {
	tests := []struct {
		name   string
		dims   int
		wantIn string // raw JSON of "dimensions"; "" means absent
	}{
		{"native dimension", 0, ""},
		{"configured dimension", 4, "4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, 4)
			c := f.config()
			c.Dimensions = tt.dims
			if _, err := f.client(t, c).Embed(context.Background(), []string{"a"}); err != nil {
				t.Fatalf("Embed: %v", err)
			}
			body := f.requests()[0].body
			raw, ok := body["dimensions"]
			if got := string(raw); ok != (tt.wantIn != "") || got != tt.wantIn {
				t.Errorf("dimensions = %q (present %v), want %q", got, ok, tt.wantIn)
			}
			if got := string(body["model"]); got != `"test-model"` {
				t.Errorf("model = %s", got)
			}
			if got := string(body["encoding_format"]); got != `"float"` {
				t.Errorf("encoding_format = %s", got)
			}
		})
	}
}

func TestEmbedTimeout(t *testing.T) {
	f := newFake(t, 4)
	f.setHook(func(_ int, _ []string, w http.ResponseWriter, r *http.Request) bool {
		select {
		case <-time.After(2 * time.Second):
		case <-r.Context().Done():
		}
		return true
	})
	c := f.config()
	c.Timeout = 50 * time.Millisecond
	start := time.Now()
	_, err := f.client(t, c).Embed(context.Background(), []string{"a"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want one wrapping context.DeadlineExceeded", err)
	}
	if !strings.Contains(err.Error(), "50ms") {
		t.Errorf("err = %q, want it to name the timeout", err)
	}
	if el := time.Since(start); el > time.Second {
		t.Errorf("took %s with a 50ms timeout", el)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("%d requests, want 1: a timeout is not retried", n)
	}
}

func TestEmbedCallerCancelDuringRetryWait(t *testing.T) {
	f := newFake(t, 4)
	f.setHook(func(_ int, _ []string, w http.ResponseWriter, _ *http.Request) bool {
		reply(w, http.StatusServiceUnavailable, `{"error":"loading model"}`)
		return true
	})
	o := f.client(t, f.config())
	o.retryWait = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := o.Embed(ctx, []string{"a"})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the caller's deadline", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Errorf("retry wait ignored the context: took %s", el)
	}
}

func TestEmbedStatusErrors(t *testing.T) {
	long := strings.Repeat("错", 100) // 300 bytes, cut inside a rune at 200
	tests := []struct {
		name     string
		status   int
		body     string
		key      string
		wantText []string
	}{
		{"server error", 500, long, "", []string{"HTTP 500", strings.Repeat("错", 66)}},
		{"key refused", 401, `{"error":"invalid api key"}`, "sk-bad", []string{"refused the API key", "401", "invalid api key"}},
		{"key missing", 401, `{"error":"unauthorized"}`, "", []string{"requires an API key", "KB_EMBED_KEY"}},
		{"forbidden", 403, `forbidden`, "sk-bad", []string{"refused the API key", "403"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, 4)
			f.setHook(func(_ int, _ []string, w http.ResponseWriter, _ *http.Request) bool {
				reply(w, tt.status, tt.body)
				return true
			})
			c := f.config()
			c.APIKey = tt.key
			_, err := f.client(t, c).Embed(context.Background(), []string{"a"})
			var se *StatusError
			if !errors.As(err, &se) || se.Code != tt.status {
				t.Fatalf("err = %v, want a StatusError %d", err, tt.status)
			}
			if len(se.Body) > bodyPreview {
				t.Errorf("body preview has %d bytes, want at most %d: %q", len(se.Body), bodyPreview, se.Body)
			}
			for _, s := range tt.wantText {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("err = %q, want it to contain %q", err, s)
				}
			}
			if n := len(f.requests()); n != 1 {
				t.Errorf("%d requests, want 1: status %d is not retried", n, tt.status)
			}
		})
	}
}

func TestEmbedBadResponses(t *testing.T) {
	tests := []struct {
		name    string
		dims    int // configured dimension
		body    string
		wantErr error
	}{
		{"wrong dimension", 4, `{"data":[{"index":0,"embedding":[1,2,3]}]}`, ErrDimension},
		{"empty vector", 0, `{"data":[{"index":0,"embedding":[]}]}`, ErrDimension},
		{"too few", 0, `{"data":[]}`, ErrCount},
		{"too many", 0, `{"data":[{"index":0,"embedding":[1]},{"index":1,"embedding":[1]}]}`, ErrCount},
		{"not JSON", 0, `<html>502 Bad Gateway</html>`, ErrMalformedResponse},
		{"truncated JSON", 0, `{"data":[{"index":0,"embedding":[1,2`, ErrMalformedResponse},
		{"base64 instead of floats", 0, `{"data":[{"index":0,"embedding":"AACAPw=="}]}`, ErrMalformedResponse},
		{"no index", 0, `{"data":[{"embedding":[1,2]}]}`, ErrMalformedResponse},
		{"index out of range", 0, `{"data":[{"index":3,"embedding":[1,2]}]}`, ErrMalformedResponse},
		{"error in a 200", 0, `{"error":{"message":"model not found"}}`, ErrMalformedResponse},
		{"NaN token", 0, `{"data":[{"index":0,"embedding":[NaN,1]}]}`, ErrNonFinite},
		{"beyond float32", 0, `{"data":[{"index":0,"embedding":[1e39,1]}]}`, ErrNonFinite},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, 4)
			f.setHook(func(_ int, _ []string, w http.ResponseWriter, _ *http.Request) bool {
				reply(w, http.StatusOK, tt.body)
				return true
			})
			c := f.config()
			c.Dimensions = tt.dims
			_, err := f.client(t, c).Embed(context.Background(), []string{"a"})
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if n := len(f.requests()); n != 1 {
				t.Errorf("%d requests, want 1: a bad answer is not retried", n)
			}
		})
	}
}

func TestEmbedDuplicateIndex(t *testing.T) {
	f := newFake(t, 4)
	f.setHook(func(_ int, _ []string, w http.ResponseWriter, _ *http.Request) bool {
		reply(w, http.StatusOK, `{"data":[{"index":0,"embedding":[1,2]},{"index":0,"embedding":[3,4]}]}`)
		return true
	})
	_, err := f.client(t, f.config()).Embed(context.Background(), []string{"a", "b"})
	if !errors.Is(err, ErrMalformedResponse) || !strings.Contains(err.Error(), "twice") {
		t.Fatalf("err = %v, want a duplicate index error", err)
	}
}

func TestEmbedUnconfiguredDimensionMustStaySame(t *testing.T) {
	f := newFake(t, 4)
	o := f.client(t, f.config())
	if _, err := o.Embed(context.Background(), []string{"a"}); err != nil {
		t.Fatalf("first Embed: %v", err)
	}
	f.setHook(func(_ int, _ []string, w http.ResponseWriter, _ *http.Request) bool {
		reply(w, http.StatusOK, `{"data":[{"index":1,"embedding":[1,2,3,4]},{"index":0,"embedding":[1,2,3,4,5]}]}`)
		return true
	})
	_, err := o.Embed(context.Background(), []string{"b", "c"})
	if !errors.Is(err, ErrDimension) {
		t.Fatalf("err = %v, want ErrDimension", err)
	}
	if d := o.Dimensions(); d != 4 {
		t.Errorf("Dimensions() = %d, want 4", d)
	}
}

func TestEmbedRetry(t *testing.T) {
	fail503 := func(w http.ResponseWriter, _ *http.Request) {
		reply(w, http.StatusServiceUnavailable, `{"error":"model is loading"}`)
	}
	dropConnection := func(w http.ResponseWriter, _ *http.Request) {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			_ = conn.Close()
		}
	}
	tests := []struct {
		name     string
		failures int // how many requests fail before the server recovers
		fail     func(http.ResponseWriter, *http.Request)
		wantOK   bool
	}{
		{"503 once then success", 1, fail503, true},
		{"503 twice gives up", 2, fail503, false},
		{"429 once then success", 1, func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "0")
			reply(w, http.StatusTooManyRequests, `rate limited`)
		}, true},
		{"dropped connection then success", 1, dropConnection, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t, 4)
			f.setHook(func(n int, _ []string, w http.ResponseWriter, r *http.Request) bool {
				if n > tt.failures {
					return false
				}
				tt.fail(w, r)
				return true
			})
			got, err := f.client(t, f.config()).Embed(context.Background(), []string{"a"})
			if n := len(f.requests()); n != 2 {
				t.Errorf("%d requests, want 2 (one retry)", n)
			}
			if !tt.wantOK {
				var se *StatusError
				if !errors.As(err, &se) || se.Code != http.StatusServiceUnavailable {
					t.Fatalf("err = %v, want the 503 after one retry", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Embed: %v", err)
			}
			if !reflect.DeepEqual(got, [][]float32{fakeVector("a", 4)}) {
				t.Errorf("got %v after retry", got)
			}
		})
	}
}

func TestNewOpenAIRejectsBadConfig(t *testing.T) {
	_, err := NewOpenAI(Config{URL: "http://h"}, nil)
	if err == nil || !strings.Contains(err.Error(), "KB_EMBED_MODEL") {
		t.Fatalf("err = %v, want the missing model reported", err)
	}
	o, err := NewOpenAI(Config{URL: "http://h", Model: "m"}, nil)
	if err != nil {
		t.Fatalf("NewOpenAI: %v", err)
	}
	if o.cfg.BatchSize != DefaultBatchSize || o.cfg.Timeout != DefaultTimeout {
		t.Errorf("defaults not applied: %+v", o.cfg)
	}
}

func TestPreviewKeepsRunesWhole(t *testing.T) {
	got := preview([]byte(strings.Repeat("县", 100)), 200) // 300 bytes
	if want := strings.Repeat("县", 66); got != want {
		t.Errorf("preview = %q, want %q", got, want)
	}
	var js json.RawMessage = []byte(`"ok"`)
	if got := preview(js, 200); got != `"ok"` {
		t.Errorf("short preview = %q", got)
	}
}
