package api

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// syncBuffer is a log sink safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// slowServer has a route /api/slow behind the API middleware that waits
// for its context to end and then fails as a handler whose work was cut
// short does (a 500).
func slowServer(t *testing.T, opts Options) (*httptest.Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	s := New(opts)
	s.engine.GET("/api/slow", append(s.apiMiddleware, func(c *gin.Context) {
		<-c.Request.Context().Done()
		fail(c, http.StatusInternalServerError, "检索失败")
	})...)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv, logs
}

// A client that hangs up is logged as info with status 499, not as an error.
func TestClientHangUpLoggedAs499(t *testing.T) {
	srv, logs := slowServer(t, Options{})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/api/slow", nil)
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatal("the slow request answered")
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(logs.String(), "status=499") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	out := logs.String()
	if !strings.Contains(out, "level=INFO") || !strings.Contains(out, "status=499") || strings.Contains(out, "level=ERROR") {
		t.Errorf("hang-up log:\n%s", out)
	}
}

// A request that runs out of time answers 504 "timeout".
func TestRequestTimeoutAnswers504(t *testing.T) {
	srv, logs := slowServer(t, Options{RequestTimeout: 50 * time.Millisecond})
	resp, err := http.Get(srv.URL + "/api/slow")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body errorBody
	json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != http.StatusGatewayTimeout || body.Code != CodeTimeout {
		t.Errorf("timed-out request: %d %+v", resp.StatusCode, body)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("a timeout logged as an error:\n%s", logs.String())
	}
}

// The limiter's map stays bounded under a flood of client addresses, and
// idle clients (whose bucket has refilled) are forgotten.
func TestLimiterBounded(t *testing.T) {
	l := newLimiter(10, 10)
	l.max = 1000
	now := time.Unix(1000, 0)
	for i := range 5000 {
		l.allow("client"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+time.Duration(i).String(), now)
		if n := l.size(); n > l.max {
			t.Fatalf("%d clients tracked, limit %d", n, l.max)
		}
	}
	// Idle longer than a refill, everyone is forgotten at the next sweep.
	l.allow("late", now.Add(2*time.Minute))
	if n := l.size(); n != 1 {
		t.Errorf("%d clients after everyone went idle, want 1", n)
	}
}

// A tiny rate is clamped, so Retry-After stays a sane positive number.
func TestLimiterTinyRate(t *testing.T) {
	l := newLimiter(1e-10, 0)
	now := time.Unix(1000, 0)
	if ok, _ := l.allow("a", now); !ok {
		t.Fatal("first request refused")
	}
	ok, wait := l.allow("a", now)
	if ok || wait <= 0 || wait > time.Duration(1/MinRateLimit*float64(time.Second))+time.Second {
		t.Errorf("second request: ok=%v wait=%v", ok, wait)
	}
}

func TestClientKeyIPv6Network(t *testing.T) {
	if clientKey("2001:db8:1:2:3::4") != clientKey("2001:db8:1:2:ffff::1") {
		t.Error("two addresses of one /64 are different clients")
	}
	if clientKey("192.0.2.1") == clientKey("192.0.2.2") {
		t.Error("two IPv4 addresses are one client")
	}
}
