package api_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/shanxi-sme/kb/api"
	"github.com/shanxi-sme/kb/internal/hostile"
)

// postLinkFile posts a draft file to /api/link on base.
func postLinkFile(t *testing.T, base, name string, data []byte) (*http.Response, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", name)
	part.Write(data)
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/link", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return send(t, req)
}

// The heavy PDF of issue 12 (5,000 pages drawing one content stream that
// inflates to 16 MB of text), posted as a draft without a token, is
// refused as the client's fault with a stable code: before the bounds it
// cost seconds of CPU and some 700 MB.
func TestLinkHeavyPDF(t *testing.T) {
	heavy := hostile.HeavyPDF(5000, hostile.TextContent(hostile.HeavyStreamBytes))
	resp, body := postLinkFile(t, ts.URL, "heavy.pdf", heavy)
	if resp.StatusCode != http.StatusRequestEntityTooLarge || body["code"] != api.CodeBodyTooLarge {
		t.Errorf("heavy PDF: %d %v, want 413 %s", resp.StatusCode, body, api.CodeBodyTooLarge)
	}
	// Files that made the pdf library abort the process: 422, and the
	// server still answers.
	for name, raw := range map[string][]byte{
		"columns.pdf": hostile.PredictorPDF(1 << 40),
		"xref.pdf":    hostile.XrefBombPDF("subsection"),
	} {
		if resp, body := postLinkFile(t, ts.URL, name, raw); resp.StatusCode != http.StatusUnprocessableEntity || body["code"] != api.CodeUnreadable {
			t.Errorf("%s: %d %v, want 422 %s", name, resp.StatusCode, body, api.CodeUnreadable)
		}
	}
}

// A draft file not read in the time a link request has is 422
// parse_timeout, the file's fault, not 504 "timeout" (the server's): here
// the request's time is cut to 300 ms, and the file (5,000 pages of path
// operators, some seconds of work) cannot be read in it.
func TestLinkParseTimeout(t *testing.T) {
	srv := api.New(api.Options{Logger: quietLog, RequestTimeout: 300 * time.Millisecond})
	srv.SetIndex(sharedIndex, sharedRelate)
	s := httptest.NewServer(srv.Handler())
	defer s.Close()
	paths := hostile.HeavyPDF(5000, hostile.PathContent(hostile.HeavyStreamBytes))
	resp, body := postLinkFile(t, s.URL, "paths.pdf", paths)
	if resp.StatusCode != http.StatusUnprocessableEntity || body["code"] != api.CodeParseTimeout {
		t.Errorf("slow PDF: %d %v, want 422 %s", resp.StatusCode, body, api.CodeParseTimeout)
	}
	if resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control %q", resp.Header.Get("Cache-Control"))
	}
}
