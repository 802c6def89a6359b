package api_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/shanxi-sme/kb/api"
)

// getWith sends GET base+path with the given headers and returns the status and the error code.
func getWith(t *testing.T, base, path string, headers map[string]string) (int, http.Header, errorResp) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var e errorResp
	if resp.StatusCode >= 400 {
		checkJSON(t, "GET "+path, resp, body, resp.StatusCode, &e)
	}
	return resp.StatusCode, resp.Header, e
}

// A client that sends a different X-Forwarded-For or X-Real-IP with every
// request is still one client: no proxy is trusted by default.
func TestRateLimitIgnoresSpoofedForwarding(t *testing.T) {
	base, _ := kbServer(t, api.Options{RateLimit: 1, RateBurst: 3})
	ok, limited := 0, 0
	for i := range 20 {
		status, h, e := getWith(t, base, "/api/facets", map[string]string{
			"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i),
			"X-Real-IP":       fmt.Sprintf("198.51.100.%d", i),
		})
		switch status {
		case http.StatusOK:
			ok++
		case http.StatusTooManyRequests:
			limited++
			if e.Code != api.CodeRateLimited {
				t.Errorf("429 with code %q", e.Code)
			}
			if ra := h.Get("Retry-After"); ra != "1" {
				t.Errorf("Retry-After %q at 1 request/s, want 1", ra)
			}
		default:
			t.Fatalf("status %d", status)
		}
	}
	if ok > 4 || limited < 16 {
		t.Errorf("spoofed forwarding headers: %d answered, %d limited; want at most burst+1 answered", ok, limited)
	}
}

// With the proxy trusted, the forwarded address is the client: each
// forwarded client has its own bucket, and one of them is limited.
func TestRateLimitTrustedProxy(t *testing.T) {
	base, _ := kbServer(t, api.Options{RateLimit: 1, RateBurst: 2, TrustedProxies: []string{"127.0.0.0/8", "::1"}})
	for i := range 10 {
		if status, _, e := getWith(t, base, "/api/facets", map[string]string{"X-Forwarded-For": fmt.Sprintf("203.0.113.%d", i)}); status != http.StatusOK {
			t.Fatalf("forwarded client %d: %d %s", i, status, e.Code)
		}
	}
	codes := []int{}
	for range 4 {
		status, _, _ := getWith(t, base, "/api/facets", map[string]string{"X-Real-IP": "198.51.100.7"})
		codes = append(codes, status)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[3] != http.StatusTooManyRequests {
		t.Errorf("one forwarded client behind a trusted proxy: %v", codes)
	}
}

func TestParseTrustedProxies(t *testing.T) {
	got, err := api.ParseTrustedProxies(" 10.0.0.1, 192.168.0.0/16 ,,::1")
	if err != nil || len(got) != 3 {
		t.Errorf("valid list: %v %v", got, err)
	}
	for _, bad := range []string{"10.0.0.300", "example.com", "10.0.0.0/33"} {
		if _, err := api.ParseTrustedProxies(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestCheckRateLimit(t *testing.T) {
	inf, nan := math.Inf(1), math.NaN()
	for _, tc := range []struct {
		limit float64
		burst int
		ok    bool
	}{
		{0, 0, true}, {5, 0, true}, {0.5, 1, true}, {1000, 2000, true},
		{1e-10, 0, false}, {inf, 0, false}, {-inf, 0, false}, {nan, 0, false}, {-1, 0, false},
		{1e12, 0, false}, {5, -1, false}, {5, 1e9, false},
	} {
		if err := api.CheckRateLimit(tc.limit, tc.burst); (err == nil) != tc.ok {
			t.Errorf("CheckRateLimit(%v, %d) = %v", tc.limit, tc.burst, err)
		}
	}
}

// Every error answer carries a stable code, so clients need not match text.
func TestErrorCodes(t *testing.T) {
	tests := []struct {
		method, path string
		status       int
		code         string
	}{
		{"GET", "/api/search?q=%zz", 400, api.CodeBadEncoding},
		{"GET", "/api/facets?x=%g1", 400, api.CodeBadEncoding},
		{"GET", "/api/search?q=%ff%fe", 400, api.CodeBadQuery},
		{"GET", "/api/search?q=a%01b", 400, api.CodeBadQuery},
		{"GET", "/api/search?q=" + url.QueryEscape(strings.Repeat("楼", 1001)), 400, api.CodeQueryTooLong},
		{"GET", "/api/search?q=a&page=0", 400, api.CodePageOutOfRange},
		{"GET", "/api/search?q=a&page=101&size=100", 400, api.CodePageOutOfRange},
		{"GET", "/api/search?q=a&size=101", 400, api.CodeBadParameter},
		{"GET", "/api/search?q=a&size=abc", 400, api.CodeBadParameter},
		{"GET", "/api/search?q=a&foo=1", 400, api.CodeBadParameter},
		{"GET", "/api/search?group=x", 400, api.CodeBadParameter},
		{"GET", "/api/facets?q=a", 400, api.CodeBadParameter},
		{"GET", "/api/counties?x=1", 400, api.CodeBadParameter},
		{"GET", "/api/passages/nope", 404, api.CodeNotFound},
		{"GET", "/api/counties/" + url.PathEscape("火星县"), 404, api.CodeNotFound},
		{"GET", "/api/nope", 404, api.CodeNotFound},
		{"POST", "/api/search", 405, api.CodeMethodNotAllowed},
		{"POST", "/api/documents", 403, api.CodeForbidden},
		{"DELETE", "/api/documents/x", 403, api.CodeForbidden},
		{"POST", "/api/link", 415, api.CodeUnsupported},
		{"GET", "/api/search?q=" + strings.Repeat("a", api.MaxURIBytes), 414, api.CodeURITooLong},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path[:min(len(tc.path), 60)], func(t *testing.T) {
			wantErrorCode(t, ts.URL, tc.method, tc.path, tc.status, tc.code)
		})
	}
}

// Errors of the write endpoints carry their codes too.
func TestUploadErrorCodes(t *testing.T) {
	base, _ := kbServer(t, api.Options{AdminToken: adminToken})
	resp, body := postFiles(t, base, "", upload{"a.txt", []byte(newsText)})
	if resp.StatusCode != 401 || body["code"] != api.CodeUnauthorized {
		t.Errorf("no token: %d %v", resp.StatusCode, body)
	}
	if task := uploadTask(t, base, adminToken, upload{"a.txt", []byte(newsText)}); task["status"] != "succeeded" {
		t.Fatalf("upload: %v", task)
	}
	// Each file of a task says what became of it, with a stable code.
	task := uploadTask(t, base, adminToken, upload{"a.txt", []byte(newsText)}, upload{"a.exe", []byte("MZ")},
		upload{"empty.txt", nil}, upload{"b.txt", []byte("太谷区设立农产品加工产业基金，扶持小微企业升级。")})
	if task["status"] != "succeeded" || task["added"].(float64) != 1 || task["failed"].(float64) != 3 || task["files_done"].(float64) != 4 {
		t.Errorf("mixed upload: %v", task)
	}
	for i, code := range []string{api.CodeDuplicate, api.CodeUnsupported, api.CodeUnreadable, ""} {
		f := taskFile(task, i)
		if got, _ := f["code"].(string); got != code {
			t.Errorf("%s: code %q, want %q", f["name"], got, code)
		}
	}
	// The task list: newest first, bounded, and an unknown task is 404.
	var list struct {
		Tasks []struct {
			ID     int64  `json:"id"`
			Status string `json:"status"`
		} `json:"tasks"`
	}
	getJSONFrom(t, base, "/api/tasks?limit=1", 200, &list)
	if len(list.Tasks) != 1 || list.Tasks[0].ID != int64(task["id"].(float64)) {
		t.Errorf("task list: %+v", list)
	}
	wantErrorCode(t, base, "GET", "/api/tasks/999", 404, api.CodeNotFound)
	wantErrorCode(t, base, "GET", "/api/tasks/x", 404, api.CodeNotFound)
	wantErrorCode(t, base, "GET", "/api/tasks?limit=0", 400, api.CodeBadParameter)
	resp, body = deleteDoc(t, base, adminToken, "nope")
	if resp.StatusCode != 404 || body["code"] != api.CodeNotFound {
		t.Errorf("delete unknown: %d %v", resp.StatusCode, body)
	}
}

// Headers beyond the limit get our JSON answer with the security headers,
// under the http.Server the CLI uses, not net/http's plain text.
func TestOversizedHeaders(t *testing.T) {
	srv := api.New(api.Options{Logger: quietLog})
	hs := httptest.NewUnstartedServer(nil)
	hs.Config = srv.HTTPServer()
	hs.Start()
	defer hs.Close()
	req, _ := http.NewRequest(http.MethodGet, hs.URL+"/healthz", nil)
	req.Header.Set("X-Big", strings.Repeat("x", api.MaxHeaderBytes))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var e errorResp
	checkJSON(t, "oversized header", resp, body, http.StatusRequestHeaderFieldsTooLarge, &e)
	if e.Code != api.CodeHeaderTooLarge || e.Error == "" {
		t.Errorf("431 body %s", body)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("431 without %s", h)
		}
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("431 Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
}

// The authentication scheme name is case-insensitive (RFC 7235).
func TestBearerCaseInsensitive(t *testing.T) {
	base, _ := kbServer(t, api.Options{ReadToken: "reader"})
	for _, h := range []string{"Bearer reader", "bearer reader", "BEARER  reader"} {
		if status, _, e := getWith(t, base, "/api/facets", map[string]string{"Authorization": h}); status != 200 {
			t.Errorf("Authorization %q: %d %s", h, status, e.Code)
		}
	}
	for _, h := range []string{"", "Basic reader", "Bearerreader", "bearer wrong"} {
		status, hdr, e := getWith(t, base, "/api/facets", map[string]string{"Authorization": h})
		if status != 401 || e.Code != api.CodeUnauthorized || hdr.Get("WWW-Authenticate") == "" {
			t.Errorf("Authorization %q: %d %s", h, status, e.Code)
		}
	}
}

func TestHeadHealthzAndNoStore(t *testing.T) {
	resp, body := do(t, http.MethodHead, ts.URL, "/healthz")
	if resp.StatusCode != 200 || len(body) != 0 {
		t.Errorf("HEAD /healthz: %d, %d body bytes", resp.StatusCode, len(body))
	}
	for _, path := range []string{"/healthz", "/api/search?q=" + url.QueryEscape("楼宇经济"), "/api/facets", "/api/search?size=0", "/api/nope"} {
		resp, _ := get(t, ts.URL, path)
		if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("%s: Cache-Control %q, want no-store", path, cc)
		}
	}
	if resp, _ := get(t, ts.URL, "/static/style.css"); resp.Header.Get("Cache-Control") == "no-store" {
		t.Error("static files should stay cacheable")
	}
}

// When every heavy slot is taken, uploads and links are answered 503
// "overloaded" with Retry-After at once; the slot frees when the request ends.
func TestOverloadedHeavyRequests(t *testing.T) {
	base, _ := kbServer(t, api.Options{MaxHeavy: 1, AdminToken: adminToken})
	pr, pw := io.Pipe()
	// A failure below must not leave the first request (and so the
	// server's Close) waiting for the rest of its body.
	t.Cleanup(func() { pw.CloseWithError(errors.New("test ended")) })
	first := make(chan int, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/link", pr)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			first <- 0
			return
		}
		resp.Body.Close()
		first <- resp.StatusCode
	}()
	pw.Write([]byte(`{"text": "长治高新区推出知识产权`)) // the handler now waits for the rest

	linkReq := func() (*http.Response, map[string]any) {
		req, _ := http.NewRequest(http.MethodPost, base+"/api/link", strings.NewReader(`{"text":"专精特新"}`))
		req.Header.Set("Content-Type", "application/json")
		return send(t, req)
	}
	deadline := time.Now().Add(10 * time.Second)
	var resp *http.Response
	var body map[string]any
	for {
		resp, body = linkReq()
		if resp.StatusCode == http.StatusServiceUnavailable || time.Now().After(deadline) {
			break
		}
		select {
		case status := <-first:
			t.Fatalf("the first link, whose body is still being sent, ended with %d", status)
		default:
		}
		time.Sleep(20 * time.Millisecond)
	}
	if resp.StatusCode != 503 || body["code"] != api.CodeOverloaded || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("second link while one runs: %d %v Retry-After %q", resp.StatusCode, body, resp.Header.Get("Retry-After"))
	}
	var up bytes.Buffer
	w := multipart.NewWriter(&up)
	part, _ := w.CreateFormFile("file", "a.txt")
	part.Write([]byte(newsText))
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/documents", &up)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+adminToken)
	if resp, body := send(t, req); resp.StatusCode != 503 || body["code"] != api.CodeOverloaded {
		t.Errorf("upload while the slot is taken: %d %v", resp.StatusCode, body)
	}
	// Searches are not heavy.
	if status, _, _ := getWith(t, base, "/api/search?q=a", nil); status != 200 {
		t.Errorf("search while the slot is taken: %d", status)
	}
	pw.Write([]byte(`质押贷款。"}`))
	pw.Close()
	if status := <-first; status != 200 {
		t.Errorf("the first link answered %d", status)
	}
	if resp, body := linkReq(); resp.StatusCode != 200 {
		t.Errorf("link after the slot freed: %d %v", resp.StatusCode, body)
	}
}

// A request line net/http cannot parse (a control character, a bad
// escape in the path) is refused by net/http itself, in plain text,
// before any handler runs: the README documents this. The test pins the
// behaviour so that a change in Go shows up here.
func TestUnparsableRequestLineAnsweredByGo(t *testing.T) {
	srv := api.New(api.Options{Logger: quietLog})
	hs := httptest.NewUnstartedServer(nil)
	hs.Config = srv.HTTPServer()
	hs.Start()
	defer hs.Close()
	for _, line := range []string{"GET /api/search?q=a\x01b HTTP/1.1", "GET /api/passages/%zz HTTP/1.1"} {
		conn, err := net.Dial("tcp", hs.Listener.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "%s\r\nHost: x\r\n\r\n", line)
		resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("%q: %v", line, err)
		}
		resp.Body.Close()
		conn.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%q: %d, want net/http's 400", line, resp.StatusCode)
		}
	}
}

// /metrics serves Prometheus text with per-route request counts (the
// route pattern, not the id) and the size of the knowledge base.
func TestMetrics(t *testing.T) {
	get(t, ts.URL, "/api/search?q="+url.QueryEscape("小升规"))
	get(t, ts.URL, "/api/passages/no-such-id")
	res, body := get(t, ts.URL, "/metrics")
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	text := string(body)
	for _, want := range []string{
		`kb_http_requests_total{method="GET",route="/api/search",status="200"}`,
		`kb_http_requests_total{method="GET",route="/api/passages/:id",status="404"}`,
		"kb_http_request_duration_seconds_bucket",
		"kb_passages ",
		"kb_documents ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(text, "no-such-id") {
		t.Error("a passage id became a label")
	}
	if strings.Contains(text, "\nkb_passages 0\n") {
		t.Error("kb_passages is 0 with the seed indexed")
	}
}
