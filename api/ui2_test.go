package api_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// A query that is (or starts with) a place filters on it and searches the rest.
func TestSearchPlaceQuery(t *testing.T) {
	city := search(t, url.Values{"city": {"太原市"}, "size": {"1"}})
	if city.Total == 0 {
		t.Fatal("no passage under 太原市")
	}
	for _, q := range []string{"太原", "太原市", "太原市做法", "长治市"} {
		var r struct {
			Total   int                 `json:"total"`
			Applied map[string][]string `json:"applied_filters"`
		}
		getJSON(t, "/api/search?q="+url.QueryEscape(q), http.StatusOK, &r)
		if len(r.Applied["city"]) != 1 || r.Total == 0 {
			t.Errorf("q=%s: applied %v, total %d", q, r.Applied, r.Total)
		}
		if strings.HasPrefix(q, "太原") && r.Total != city.Total {
			t.Errorf("q=%s: total %d, want the %d passages of 太原市", q, r.Total, city.Total)
		}
	}
	// places=text searches the words as they are.
	var r struct {
		Total   int                 `json:"total"`
		Applied map[string][]string `json:"applied_filters"`
	}
	getJSON(t, "/api/search?places=text&q="+url.QueryEscape("太原市"), http.StatusOK, &r)
	if len(r.Applied) != 0 {
		t.Errorf("places=text applied %v", r.Applied)
	}
	wantErrorCode(t, ts.URL, "GET", "/api/search?places=maybe&q=x", http.StatusBadRequest, "bad_parameter")
}

// Counts of a facet with a selection ignore that selection; contradictory
// places are flagged.
func TestSearchDisjunctiveFacets(t *testing.T) {
	all := search(t, url.Values{"q": {"专业镇"}})
	one := search(t, url.Values{"q": {"专业镇"}, "county": {"祁县"}})
	if !slices.Equal(all.Facets["county"], one.Facets["county"]) {
		t.Errorf("county counts with 祁县 chosen %v, want %v", one.Facets["county"], all.Facets["county"])
	}
	var c struct {
		Conflict bool `json:"places_conflict"`
		Total    int  `json:"total"`
	}
	getJSON(t, "/api/search?city="+url.QueryEscape("太原市")+"&county="+url.QueryEscape("祁县"), http.StatusOK, &c)
	if !c.Conflict {
		t.Errorf("太原市 + 祁县: places_conflict false (total %d)", c.Total)
	}
}

func TestSearchSortParam(t *testing.T) {
	for _, s := range []string{"relevance", "county", "order"} {
		r := search(t, url.Values{"q": {"企业"}, "sort": {s}})
		if r.Total == 0 || len(r.Hits) == 0 {
			t.Errorf("sort=%s: no hits", s)
		}
	}
	wantErrorCode(t, ts.URL, "GET", "/api/search?q=x&sort=pinyin", http.StatusBadRequest, "bad_parameter")
}

func TestSuggestEndpoint(t *testing.T) {
	var r struct {
		Suggestions []struct {
			Value string `json:"value"`
			Kind  string `json:"kind"`
			Count int    `json:"count"`
		} `json:"suggestions"`
	}
	getJSON(t, "/api/suggest?q="+url.QueryEscape("楼宇"), http.StatusOK, &r)
	if len(r.Suggestions) == 0 || len(r.Suggestions) > 10 {
		t.Fatalf("%d suggestions for 楼宇", len(r.Suggestions))
	}
	if !slices.ContainsFunc(r.Suggestions, func(s struct {
		Value string `json:"value"`
		Kind  string `json:"kind"`
		Count int    `json:"count"`
	}) bool {
		return s.Value == "楼宇经济"
	}) {
		t.Errorf("suggestions for 楼宇 %v lack 楼宇经济", r.Suggestions)
	}
	getJSON(t, "/api/suggest?q="+url.QueryEscape("太原"), http.StatusOK, &r)
	if len(r.Suggestions) == 0 || r.Suggestions[0].Value != "太原市" {
		t.Errorf("suggestions for 太原 = %v, want 太原市 first", r.Suggestions)
	}
	wantErrorCode(t, ts.URL, "GET", "/api/suggest?x=1", http.StatusBadRequest, "bad_parameter")
	wantErrorCode(t, ts.URL, "GET", "/api/suggest?q="+strings.Repeat("楼", 60), http.StatusBadRequest, "query_too_long")
}

func postJSON(t *testing.T, path, body string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Post(ts.URL+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// The page posts its (possibly edited) link result and gets a .docx back.
func TestLinkExportDocx(t *testing.T) {
	body := `{"title":"测试稿","paragraphs":[{"text":"一、发展楼宇经济","heading":true,"links":[]},
		{"text":"推动商务楼宇提质增效。","links":[{"citation":"《报告》经验一（小店区）","terms":["商务楼宇"]},{"citation":"《报告》经验二（定襄县）"}]}]}`
	resp, b := postJSON(t, "/api/link/export?format=docx", body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d: %s", resp.StatusCode, b)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.Contains(ct, "wordprocessingml") {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment") {
		t.Errorf("Content-Disposition %q", cd)
	}
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	var doc, notes string
	for _, f := range z.File {
		r, _ := f.Open()
		data, _ := io.ReadAll(r)
		r.Close()
		switch f.Name {
		case "word/document.xml":
			doc = string(data)
		case "word/footnotes.xml":
			notes = string(data)
		}
	}
	if !strings.Contains(doc, `<w:pStyle w:val="Heading2"/>`) {
		t.Error("the heading line lost its heading style")
	}
	if !strings.Contains(doc, `<w:t>,</w:t>`) {
		t.Error("adjacent footnote marks are not separated")
	}
	if strings.Count(notes, "<w:footnote w:id=") != 2 || !strings.Contains(notes, "经验一（小店区）") {
		t.Errorf("footnotes: %s", notes)
	}

	for _, tc := range []struct {
		path, body, code string
		status           int
	}{
		{"/api/link/export?format=pdf", body, "bad_parameter", 400},
		{"/api/link/export?format=docx&x=1", body, "bad_parameter", 400},
		{"/api/link/export", `{"paragraphs":[]}`, "bad_request", 400},
		{"/api/link/export", `{"paragraphs":`, "bad_request", 400},
		{"/api/link/export", `{"paragraphs":[{"text":"a","links":[{"citation":""}]}]}`, "bad_request", 400},
		{"/api/link/export", `{"paragraphs":[{"text":"` + strings.Repeat("字", 200_001) + `"}]}`, "bad_request", 400},
	} {
		resp, b := postJSON(t, tc.path, tc.body)
		var e errorResp
		_ = json.Unmarshal(b, &e)
		if resp.StatusCode != tc.status || e.Code != tc.code {
			t.Errorf("%s %.40s: %d %s, want %d %s", tc.path, tc.body, resp.StatusCode, e.Code, tc.status, tc.code)
		}
	}
	// Over the body limit.
	huge := `{"paragraphs":[{"text":"` + strings.Repeat("a", 5<<20) + `"}]}`
	if resp, _ := postJSON(t, "/api/link/export", huge); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("5 MB body: status %d", resp.StatusCode)
	}
	// The link answer marks heading lines for the export.
	resp, b = postJSON(t, "/api/link", `{"text":"一、楼宇经济\n推动商务楼宇提质增效，发展楼宇经济。"}`)
	var lr struct {
		Paragraphs []struct {
			Heading bool `json:"heading"`
		} `json:"paragraphs"`
	}
	if err := json.Unmarshal(b, &lr); err != nil || resp.StatusCode != 200 || len(lr.Paragraphs) != 2 || !lr.Paragraphs[0].Heading || lr.Paragraphs[1].Heading {
		t.Errorf("link paragraphs %+v (status %d, %v)", lr.Paragraphs, resp.StatusCode, err)
	}
}

// Static files and JSON are gzipped; static files revalidate by ETag.
func TestCompressionAndETags(t *testing.T) {
	for _, path := range []string{"/static/app.js", "/static/style.css", "/", "/api/facets"} {
		req, _ := http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s: Content-Encoding %q", path, resp.Header.Get("Content-Encoding"))
			resp.Body.Close()
			continue
		}
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		plain, err := io.ReadAll(zr)
		resp.Body.Close()
		if err != nil || len(plain) == 0 {
			t.Errorf("%s: gunzip: %v (%d bytes)", path, err, len(plain))
		}
		etag := resp.Header.Get("ETag")
		if path == "/api/facets" {
			if etag != "" || resp.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("%s: ETag %q Cache-Control %q", path, etag, resp.Header.Get("Cache-Control"))
			}
			continue
		}
		if etag == "" || resp.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("%s: ETag %q Cache-Control %q", path, etag, resp.Header.Get("Cache-Control"))
			continue
		}
		req, _ = http.NewRequest("GET", ts.URL+path, nil)
		req.Header.Set("If-None-Match", etag)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s with If-None-Match: status %d, want 304", path, resp.StatusCode)
		}
	}
}
