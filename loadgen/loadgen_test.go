package loadgen

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

func TestRunCountsAndStops(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1)%10 == 0 {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		w.Write([]byte("{}"))
	}))
	defer srv.Close()
	rep, err := Run(context.Background(), Config{BaseURL: srv.URL, Concurrency: 4, Duration: 10 * time.Second, MaxRequests: 200, Queries: DefaultMix()})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Requests != 200 || rep.Errors != 20 || int(n.Load()) != 200 {
		t.Errorf("report %+v, server saw %d", rep, n.Load())
	}
	if rep.P50 <= 0 || rep.P50 > rep.P99 || rep.P99 > rep.Max {
		t.Errorf("percentiles out of order: %v", rep)
	}
	// The duration stops a run too.
	start := time.Now()
	rep, err = Run(context.Background(), Config{BaseURL: srv.URL, Concurrency: 2, Duration: 200 * time.Millisecond, MaxRequests: MaxRequestsCap, Queries: DefaultMix()})
	if err != nil || time.Since(start) > 3*time.Second || rep.Requests == 0 {
		t.Errorf("duration-bounded run: %v, %v, took %v", rep, err, time.Since(start))
	}
}

func TestOnlyLoopback(t *testing.T) {
	for _, u := range []string{"http://10.0.0.1:8080", "http://example.org", "http://192.168.1.2", "ftp://127.0.0.1", "http://[::2]:80"} {
		c := Config{BaseURL: u, Concurrency: 1, Duration: time.Second, MaxRequests: 1, Queries: DefaultMix()}
		if err := c.Validate(); err == nil {
			t.Errorf("%s accepted", u)
		}
	}
	for _, u := range []string{"http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:8080", "http://127.5.6.7"} {
		c := Config{BaseURL: u, Concurrency: 1, Duration: time.Second, MaxRequests: 1, Queries: DefaultMix()}
		if err := c.Validate(); err != nil {
			t.Errorf("%s refused: %v", u, err)
		}
	}
}
