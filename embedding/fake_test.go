package embedding

import (
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// recorded is one request seen by the fake server.
type recorded struct {
	auth  string
	body  map[string]json.RawMessage
	input []string
}

// fake is an in-process embedding server speaking the OpenAI protocol. It
// answers with the items in reverse order, so a client that orders by
// position instead of index gets every multi-text batch wrong.
type fake struct {
	srv *httptest.Server
	dim int

	mu   sync.Mutex
	reqs []recorded

	// hook, when set, may answer request n (counted from 1) itself and
	// then returns true.
	hook func(n int, input []string, w http.ResponseWriter, r *http.Request) bool
}

func newFake(t *testing.T, dim int) *fake {
	t.Helper()
	f := &fake{dim: dim}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fake) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" {
		http.Error(w, "no such endpoint "+r.Method+" "+r.URL.Path, http.StatusNotFound)
		return
	}
	var body map[string]json.RawMessage
	var input []string
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if err := json.Unmarshal(body["input"], &input); err != nil {
		http.Error(w, "input: "+err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, recorded{auth: r.Header.Get("Authorization"), body: body, input: input})
	n := len(f.reqs)
	hook := f.hook
	f.mu.Unlock()
	if hook != nil && hook(n, input, w, r) {
		return
	}
	type item struct {
		Object    string    `json:"object"`
		Index     int       `json:"index"`
		Embedding []float32 `json:"embedding"`
	}
	var data []item
	for i := len(input) - 1; i >= 0; i-- {
		data = append(data, item{"embedding", i, fakeVector(input[i], f.dim)})
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]any{"object": "list", "data": data, "model": "test-model"})
}

// requests returns what the server has seen so far.
func (f *fake) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func (f *fake) setHook(h func(n int, input []string, w http.ResponseWriter, r *http.Request) bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.hook = h
}

func (f *fake) config() Config {
	return Config{URL: f.srv.URL, Model: "test-model", BatchSize: 2, Timeout: 5 * time.Second}
}

// client returns an OpenAI client for c with a short retry pause.
func (f *fake) client(t *testing.T, c Config) *OpenAI {
	t.Helper()
	o, err := NewOpenAI(c, f.srv.Client())
	if err != nil {
		t.Fatalf("NewOpenAI: %v", err)
	}
	o.retryWait = 10 * time.Millisecond
	return o
}

// fakeVector derives a deterministic vector from text.
func fakeVector(text string, dim int) []float32 {
	v := make([]float32, dim)
	h := sha256.Sum256([]byte(text))
	for i := range v {
		v[i] = float32(h[i%len(h)])/255 - 0.5
	}
	return v
}

// reply writes a canned JSON body.
func reply(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
