package api

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"
)

// A handler that panics answers 500 with a JSON message and the server
// goes on serving.
func TestPanicRecovery(t *testing.T) {
	s := New(Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	s.engine.GET("/boom", func(*gin.Context) { panic("kaboom") })
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/boom")
	if err != nil {
		t.Fatal(err)
	}
	var body errorBody
	json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusInternalServerError || body.Error == "" {
		t.Errorf("panic answered %d %q", resp.StatusCode, body.Error)
	}
	resp, err = http.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatalf("server died after a panic: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable { // no index set: starting
		t.Errorf("healthz after panic: %d", resp.StatusCode)
	}
}
