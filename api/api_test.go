package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/api"
	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/kbase"
	"github.com/shanxi-sme/kb/relate"
	"github.com/shanxi-sme/kb/webui"
)

// The knowledge base is loaded once per test binary: kbase.Load takes about
// two seconds and bleve accepts only one segmenter per process. One index
// is built in a temporary folder and one HTTP server serves it to every test.
var (
	ts     *httptest.Server // a ready server: SetIndex has been called
	loaded *kbase.Parts     // the parts, for tests that open their own knowledge base
	// The index and relatedness engine behind ts, for tests that start a
	// server of their own with other options (a read token).
	sharedIndex  *index.Index
	sharedRelate *relate.Engine
	quietLog     = slog.New(slog.NewTextHandler(io.Discard, nil))
)

// reportPath is the source report of the default corpus: the expectations
// of these tests come from its text, not from running the code.
const reportPath = "../ingest/seed/000_0786add5c95c7cd3.txt"

func TestMain(m *testing.M) {
	os.Exit(runTests(m))
}

func runTests(m *testing.M) int {
	dir, err := os.MkdirTemp("", "kb-api-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "temp dir:", err)
		return 1
	}
	defer os.RemoveAll(dir)
	parts, err := kbase.Load()
	if err != nil {
		fmt.Fprintln(os.Stderr, "kbase.Load:", err)
		return 1
	}
	loaded = parts
	ix, err := parts.OpenIndex(context.Background(), dir, quietLog)
	if err != nil {
		fmt.Fprintln(os.Stderr, "OpenIndex:", err)
		return 1
	}
	defer ix.Close()
	rel, err := parts.Relate(ix)
	if err != nil {
		fmt.Fprintln(os.Stderr, "Relate:", err)
		return 1
	}
	srv := api.New(api.Options{Logger: quietLog, UI: webui.FS()})
	srv.SetIndex(ix, rel)
	sharedIndex, sharedRelate = ix, rel
	ts = httptest.NewServer(srv.Handler())
	defer ts.Close()
	return m.Run()
}

// ---- response shapes (as a client sees them) ----

type caseRef struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
	County string `json:"county"`
}

type passage struct {
	ID          string   `json:"id"`
	Doc         string   `json:"doc"`
	Title       string   `json:"title"`
	County      string   `json:"county"`
	Counties    []string `json:"counties"`
	City        string   `json:"city"`
	Cities      []string `json:"cities"`
	Themes      []string `json:"themes"`
	Kind        string   `json:"kind"`
	HeadingPath []string `json:"heading_path"`
	Label       string   `json:"label"`
	Order       int      `json:"order"`
	Case        *caseRef `json:"case"`
	Citation    string   `json:"citation"`
	Text        string   `json:"text"`
}

type hit struct {
	passage
	Snippet string  `json:"snippet"`
	Score   float64 `json:"score"`
	Weak    bool    `json:"weak"`
}

type facetValue struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

type searchResp struct {
	Query  string                  `json:"query"`
	Total  int                     `json:"total"`
	Weak   int                     `json:"weak_total"` // weak matches after the strong ones
	Page   int                     `json:"page"`
	Size   int                     `json:"size"`
	Hits   []hit                   `json:"hits"`
	Facets map[string][]facetValue `json:"facets"`
}

type errorResp struct {
	Error string `json:"error"`
	Code  string `json:"code"`
}

// ---- helpers ----

// get fetches base+path and returns the response (body read) and the body.
func get(t *testing.T, base, path string) (*http.Response, []byte) {
	t.Helper()
	return do(t, http.MethodGet, base, path)
}

func do(t *testing.T, method, base, path string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, base+path, nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, body
}

// getJSON fetches path from the ready server, checks the status and the
// JSON content type, and decodes the body into out.
func getJSON(t *testing.T, path string, wantStatus int, out any) {
	t.Helper()
	getJSONFrom(t, ts.URL, path, wantStatus, out)
}

func getJSONFrom(t *testing.T, base, path string, wantStatus int, out any) {
	t.Helper()
	resp, body := get(t, base, path)
	checkJSON(t, "GET "+path, resp, body, wantStatus, out)
}

func checkJSON(t *testing.T, what string, resp *http.Response, body []byte, wantStatus int, out any) {
	t.Helper()
	if resp.StatusCode != wantStatus {
		t.Fatalf("%s: status %d, want %d; body: %.300s", what, resp.StatusCode, wantStatus, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("%s: Content-Type %q, want application/json", what, ct)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("%s: invalid JSON: %v; body: %.300s", what, err, body)
	}
}

// wantError checks that path answers status with a JSON {"error": "…", "code": "…"}.
func wantError(t *testing.T, base, method, path string, status int) string {
	t.Helper()
	return wantErrorCode(t, base, method, path, status, "")
}

// wantErrorCode is wantError that also checks the code (any, if code is "").
func wantErrorCode(t *testing.T, base, method, path string, status int, code string) string {
	t.Helper()
	resp, body := do(t, method, base, path)
	var e errorResp
	checkJSON(t, method+" "+path, resp, body, status, &e)
	if strings.TrimSpace(e.Error) == "" {
		t.Fatalf("%s %s: empty error message; body: %s", method, path, body)
	}
	if e.Code == "" || code != "" && e.Code != code {
		t.Errorf("%s %s: code %q, want %q; body: %s", method, path, e.Code, code, body)
	}
	return e.Error
}

func search(t *testing.T, params url.Values) searchResp {
	t.Helper()
	var r searchResp
	getJSON(t, "/api/search?"+params.Encode(), http.StatusOK, &r)
	return r
}

func facetSum(vals []facetValue) int {
	n := 0
	for _, v := range vals {
		n += v.Count
	}
	return n
}

func hitIDs(hits []hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}

// values of a passage for a facet field of the search API.
func facetOf(p passage, field string) []string {
	switch field {
	case "county":
		return p.Counties
	case "city":
		return p.Cities
	case "theme":
		return p.Themes
	case "kind":
		return []string{p.Kind}
	}
	return nil
}

func readReport(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(reportPath)
	if err != nil {
		t.Fatalf("read source report: %v", err)
	}
	return string(b)
}

// ---- 1. health ----

func TestHealthReady(t *testing.T) {
	var h struct {
		Status    string `json:"status"`
		Passages  int    `json:"passages"`
		Documents int    `json:"documents"`
	}
	getJSON(t, "/healthz", http.StatusOK, &h)
	if h.Status != "ok" {
		t.Errorf("status = %q, want ok", h.Status)
	}
	if h.Passages <= 0 {
		t.Errorf("passages = %d, want > 0", h.Passages)
	}
	// The default corpus is the .txt files of ingest/seed.
	seeds, err := filepath.Glob("../ingest/seed/*.txt")
	if err != nil || len(seeds) == 0 {
		t.Fatalf("no seed documents found: %v", err)
	}
	if h.Documents != len(seeds) {
		t.Errorf("documents = %d, want %d (the .txt files of ingest/seed)", h.Documents, len(seeds))
	}
	// Every passage is listed by an empty query: the counts must agree.
	all := search(t, url.Values{"size": {"1"}})
	if all.Total != h.Passages {
		t.Errorf("healthz passages = %d, but an empty search finds %d", h.Passages, all.Total)
	}
}

func TestNotReadyServer(t *testing.T) {
	srv := api.New(api.Options{Logger: quietLog, UI: webui.FS()})
	bare := httptest.NewServer(srv.Handler()) // SetIndex is never called
	defer bare.Close()

	var h struct {
		Status string `json:"status"`
	}
	getJSONFrom(t, bare.URL, "/healthz", http.StatusServiceUnavailable, &h)
	if h.Status == "ok" {
		t.Errorf("healthz status = %q before SetIndex", h.Status)
	}
	for _, path := range []string{
		"/api/search?q=" + url.QueryEscape("楼宇经济"),
		"/api/search",
		"/api/facets",
		"/api/indicators",
		"/api/counties",
		"/api/counties/" + url.PathEscape("定襄县"),
		"/api/passages/x",
	} {
		t.Run(path, func(t *testing.T) {
			wantError(t, bare.URL, http.MethodGet, path, http.StatusServiceUnavailable)
		})
	}
}

// ---- 2. search and snippets ----

func TestSearchTopHit(t *testing.T) {
	r := search(t, url.Values{"q": {"楼宇经济"}})
	if len(r.Hits) == 0 {
		t.Fatalf("no hits for 楼宇经济 (total %d)", r.Total)
	}
	if r.Query != "楼宇经济" {
		t.Errorf("query echoed as %q", r.Query)
	}
	// 经验一 of the report is 小店区's 楼宇经济六步走.
	first := r.Hits[0]
	if first.County != "小店区" {
		t.Errorf("first hit county = %q, want 小店区 (hit %s: %.40s)", first.County, first.ID, first.Text)
	}
	if first.Case == nil || first.Case.Number != 1 {
		t.Errorf("first hit case = %+v, want case number 1 (经验一)", first.Case)
	}
	if r.Total+r.Weak < len(r.Hits) {
		t.Errorf("total %d + weak %d < %d hits on the page", r.Total, r.Weak, len(r.Hits))
	}
	strong := 0
	for _, h := range r.Hits {
		if !h.Weak {
			strong++
		}
	}
	if strong != min(r.Total, len(r.Hits)) {
		t.Errorf("%d strong hits on the page, total %d", strong, r.Total)
	}
	for _, h := range r.Hits {
		if h.ID == "" || h.Text == "" || h.Snippet == "" {
			t.Errorf("hit missing id/text/snippet: id=%q text=%.20q snippet=%.20q", h.ID, h.Text, h.Snippet)
		}
	}
}

// unmark turns a snippet back into plain text: tags dropped, entities
// decoded, the ellipses of a cut window removed.
func unmark(s string) string {
	s = strings.ReplaceAll(s, "<mark>", "")
	s = strings.ReplaceAll(s, "</mark>", "")
	s = html.UnescapeString(s)
	s = strings.TrimPrefix(s, "…")
	s = strings.TrimSuffix(s, "…")
	return s
}

func TestSearchSnippets(t *testing.T) {
	// The first page of 楼宇经济 is 经验一 and passages that say 楼宇经济:
	// every snippet there shows the match.
	r := search(t, url.Values{"q": {"楼宇经济"}})
	if len(r.Hits) == 0 {
		t.Fatal("no hits for 楼宇经济")
	}
	for _, h := range r.Hits {
		if !strings.Contains(h.Snippet, "<mark>") {
			t.Errorf("楼宇经济: hit %s: snippet has no <mark>: %s", h.ID, h.Snippet)
		}
	}

	// Over every hit of several queries: a snippet is a piece of its
	// passage's text, and a passage that contains the query word for word
	// has it marked. (A passage matched only by its title or its tags may
	// show no mark.)
	for _, q := range []string{"楼宇经济", "专精特新", "人才", "法兰", "融资", "专业镇"} {
		t.Run(q, func(t *testing.T) {
			r := search(t, url.Values{"q": {q}, "size": {"100"}})
			if len(r.Hits) == 0 {
				t.Fatalf("no hits for %s", q)
			}
			if !strings.Contains(r.Hits[0].Snippet, "<mark>") {
				t.Errorf("top hit %s: snippet has no <mark>: %s", r.Hits[0].ID, r.Hits[0].Snippet)
			}
			for _, h := range r.Hits {
				if strings.Count(h.Snippet, "<mark>") != strings.Count(h.Snippet, "</mark>") {
					t.Errorf("hit %s: unbalanced marks: %s", h.ID, h.Snippet)
				}
				if strings.Contains(h.Snippet, "<mark></mark>") {
					t.Errorf("hit %s: empty mark: %s", h.ID, h.Snippet)
				}
				if strings.Contains(h.Text, q) && !strings.Contains(h.Snippet, "<mark>") {
					t.Errorf("hit %s contains %s but its snippet marks nothing: %s", h.ID, q, h.Snippet)
				}
				if plain := unmark(h.Snippet); !strings.Contains(h.Text, plain) {
					t.Errorf("hit %s: snippet text is not part of the passage:\nsnippet: %s\ntext:    %s", h.ID, plain, h.Text)
				}
			}
		})
	}
}

// Every '<' of a snippet opens a mark tag and every '&' an entity: the
// passage text and the query never reach the page as markup.
func TestSearchSnippetEscapesHTML(t *testing.T) {
	q := `<script>alert(1)</script> & <b>楼宇经济</b> &amp;`
	r := search(t, url.Values{"q": {q}})
	if r.Query != q {
		t.Errorf("query echoed as %q, want %q", r.Query, q)
	}
	if len(r.Hits) == 0 {
		t.Fatalf("no hits for %q", q)
	}
	for _, h := range r.Hits {
		s := h.Snippet
		if strings.Contains(strings.ToLower(s), "<script") || strings.Contains(s, "<b>") {
			t.Errorf("hit %s: raw markup in snippet: %s", h.ID, s)
		}
		rest := strings.ReplaceAll(strings.ReplaceAll(s, "<mark>", ""), "</mark>", "")
		if strings.ContainsAny(rest, "<>") {
			t.Errorf("hit %s: unescaped < or > outside mark tags: %s", h.ID, s)
		}
		for i := strings.IndexByte(rest, '&'); i >= 0; i = indexFrom(rest, '&', i+1) {
			if !strings.HasPrefix(rest[i:], "&amp;") && !strings.HasPrefix(rest[i:], "&lt;") &&
				!strings.HasPrefix(rest[i:], "&gt;") && !strings.HasPrefix(rest[i:], "&#34;") && !strings.HasPrefix(rest[i:], "&#39;") {
				t.Errorf("hit %s: bare & in snippet: %s", h.ID, s)
				break
			}
		}
		if plain := unmark(s); !strings.Contains(h.Text, plain) {
			t.Errorf("hit %s: snippet text is not part of the passage: %s", h.ID, plain)
		}
	}
}

func indexFrom(s string, c byte, from int) int {
	if from >= len(s) {
		return -1
	}
	if i := strings.IndexByte(s[from:], c); i >= 0 {
		return from + i
	}
	return -1
}

// An empty query lists every passage in document order.
func TestSearchEmptyQueryDocumentOrder(t *testing.T) {
	r := search(t, url.Values{"size": {"100"}})
	if r.Total == 0 {
		t.Fatal("empty query found nothing")
	}
	if want := min(r.Total, 100); len(r.Hits) != want {
		t.Fatalf("%d hits, want %d", len(r.Hits), want)
	}
	for i := 1; i < len(r.Hits); i++ {
		a, b := r.Hits[i-1], r.Hits[i]
		if a.Doc == b.Doc && a.Order >= b.Order {
			t.Errorf("hits %d and %d out of document order: %s (order %d) before %s (order %d)", i-1, i, a.ID, a.Order, b.ID, b.Order)
		}
	}
}

// ---- 3. facets and filters ----

func TestFacetsAddUp(t *testing.T) {
	all := search(t, url.Values{"size": {"100"}})
	if all.Total == 0 {
		t.Fatal("empty query found nothing")
	}
	// Each passage has exactly one kind.
	if s := facetSum(all.Facets["kind"]); s != all.Total {
		t.Errorf("sum of kind facet counts = %d, want total %d", s, all.Total)
	}
	// The whole-corpus facets endpoint agrees with the unfiltered search.
	var corpusFacets map[string][]facetValue
	getJSON(t, "/api/facets", http.StatusOK, &corpusFacets)
	for _, f := range []string{"county", "city", "theme", "kind"} {
		if !slices.Equal(corpusFacets[f], all.Facets[f]) {
			t.Errorf("/api/facets %s = %v, but the unfiltered search says %v", f, corpusFacets[f], all.Facets[f])
		}
	}
	// The report's experience cases are about 11 counties (经验一…经验十一).
	if n := len(all.Facets["county"]); n < 11 {
		t.Errorf("%d county facet values, want at least the 11 counties of the report", n)
	}

	for _, field := range []string{"county", "city", "theme", "kind"} {
		if len(all.Facets[field]) == 0 {
			t.Errorf("no values for facet %s", field)
		}
		for _, fv := range all.Facets[field] {
			t.Run(field+"="+fv.Value, func(t *testing.T) {
				r := search(t, url.Values{field: {fv.Value}, "size": {"100"}})
				if r.Total != fv.Count {
					t.Errorf("total = %d, facet count = %d", r.Total, fv.Count)
				}
				if len(r.Hits) != min(r.Total, 100) {
					t.Errorf("%d hits for total %d", len(r.Hits), r.Total)
				}
				for _, h := range r.Hits {
					if !slices.Contains(facetOf(h.passage, field), fv.Value) {
						t.Errorf("hit %s has %s %v, want %q among them", h.ID, field, facetOf(h.passage, field), fv.Value)
					}
				}
				// The filtered facets describe the filtered set.
				if field == "kind" || field == "county" {
					for _, own := range r.Facets[field] {
						if own.Value == fv.Value && own.Count != r.Total {
							t.Errorf("filtered facet %s=%s count %d != total %d", field, own.Value, own.Count, r.Total)
						}
					}
				}
				// Facet counts are disjunctive: a facet's own selection does
				// not narrow its counts, so with kind chosen they describe
				// every kind (what a click on another kind would give).
				want := r.Total
				if field == "kind" {
					want = all.Total
				}
				if s := facetSum(r.Facets["kind"]); s != want {
					t.Errorf("kind facet counts of the filtered search sum to %d, want %d", s, want)
				}
			})
		}
	}
}

func TestFilterValuesOfOneFacetOR(t *testing.T) {
	all := search(t, url.Values{"size": {"1"}})
	counties := all.Facets["county"]
	if len(counties) < 2 {
		t.Fatalf("need two county facet values, have %v", counties)
	}
	a, b := counties[0], counties[1]
	ra := search(t, url.Values{"county": {a.Value}, "size": {"100"}})
	rb := search(t, url.Values{"county": {b.Value}, "size": {"100"}})
	both := search(t, url.Values{"county": {a.Value, b.Value}, "size": {"100"}})
	if both.Total < ra.Total || both.Total < rb.Total {
		t.Errorf("county=%s|%s total %d is less than one alone (%d, %d)", a.Value, b.Value, both.Total, ra.Total, rb.Total)
	}
	if both.Total > ra.Total+rb.Total {
		t.Errorf("county=%s|%s total %d exceeds the sum %d+%d", a.Value, b.Value, both.Total, ra.Total, rb.Total)
	}
	// Exactly the union of the two single-value results.
	union := map[string]bool{}
	for _, h := range append(ra.Hits, rb.Hits...) {
		union[h.ID] = true
	}
	if both.Total != len(union) {
		t.Errorf("county=%s|%s total %d, union of the single results has %d", a.Value, b.Value, both.Total, len(union))
	}
	for _, h := range both.Hits {
		if !slices.Contains(h.Counties, a.Value) && !slices.Contains(h.Counties, b.Value) {
			t.Errorf("hit %s counties %v has neither %s nor %s", h.ID, h.Counties, a.Value, b.Value)
		}
	}
	// "a,b" in one parameter means the same as the parameter twice.
	comma := search(t, url.Values{"county": {a.Value + "," + b.Value}, "size": {"100"}})
	if !slices.Equal(hitIDs(comma.Hits), hitIDs(both.Hits)) {
		t.Errorf("county=a,b gives %v, county=a&county=b gives %v", hitIDs(comma.Hits), hitIDs(both.Hits))
	}
}

func TestFilterDifferentFacetsAND(t *testing.T) {
	county := search(t, url.Values{"county": {"小店区"}, "size": {"100"}})
	kind := search(t, url.Values{"kind": {"经验"}, "size": {"100"}})
	r := search(t, url.Values{"county": {"小店区"}, "kind": {"经验"}, "size": {"100"}})
	if r.Total > county.Total || r.Total > kind.Total {
		t.Errorf("AND total %d exceeds a single filter (county %d, kind %d)", r.Total, county.Total, kind.Total)
	}
	// 经验一 (小店区 楼宇经济六步走) is an introduction and six measures.
	if r.Total != 7 {
		t.Errorf("county=小店区&kind=经验: total %d, want the 7 passages of 经验一", r.Total)
	}
	for _, h := range r.Hits {
		if !slices.Contains(h.Counties, "小店区") || h.Kind != "经验" {
			t.Errorf("hit %s (counties %v, kind %s) does not satisfy both filters", h.ID, h.Counties, h.Kind)
		}
	}
	// With a query too: every hit still satisfies both filters.
	rq := search(t, url.Values{"q": {"楼宇"}, "county": {"小店区"}, "kind": {"经验"}})
	if rq.Total == 0 {
		t.Error("q=楼宇&county=小店区&kind=经验 found nothing")
	}
	for _, h := range rq.Hits {
		if !slices.Contains(h.Counties, "小店区") || h.Kind != "经验" {
			t.Errorf("hit %s (counties %v, kind %s) does not satisfy both filters", h.ID, h.Counties, h.Kind)
		}
	}
	// A filter value no passage has selects nothing.
	none := search(t, url.Values{"county": {"小店区"}, "kind": {"不存在的类型"}})
	if none.Total != 0 || len(none.Hits) != 0 {
		t.Errorf("impossible filter: total %d, %d hits", none.Total, len(none.Hits))
	}
}

// ---- 4. pagination ----

func TestPagination(t *testing.T) {
	for _, q := range []string{"小升规", ""} {
		t.Run("q="+q, func(t *testing.T) {
			p1 := search(t, url.Values{"q": {q}, "size": {"5"}, "page": {"1"}})
			p2 := search(t, url.Values{"q": {q}, "size": {"5"}, "page": {"2"}})
			if p1.Total < 10 {
				t.Fatalf("need at least 10 hits to test two full pages, total %d", p1.Total)
			}
			if p1.Page != 1 || p2.Page != 2 || p1.Size != 5 || p2.Size != 5 {
				t.Errorf("page/size echoed as %d/%d and %d/%d", p1.Page, p1.Size, p2.Page, p2.Size)
			}
			if len(p1.Hits) != 5 || len(p2.Hits) != 5 {
				t.Fatalf("page sizes %d and %d, want 5 and 5", len(p1.Hits), len(p2.Hits))
			}
			if p2.Total != p1.Total {
				t.Errorf("total changed between pages: %d then %d", p1.Total, p2.Total)
			}
			for _, id := range hitIDs(p2.Hits) {
				if slices.Contains(hitIDs(p1.Hits), id) {
					t.Errorf("passage %s on both page 1 and page 2", id)
				}
			}
			// Page 1 and 2 of size 5 are the first 10 of one page of size 10.
			ten := search(t, url.Values{"q": {q}, "size": {"10"}})
			if got, want := append(hitIDs(p1.Hits), hitIDs(p2.Hits)...), hitIDs(ten.Hits); !slices.Equal(got, want) {
				t.Errorf("pages 1+2 of size 5 = %v, page 1 of size 10 = %v", got, want)
			}
			// Walking every page visits every hit exactly once.
			seen := map[string]bool{}
			for page := 1; ; page++ {
				r := search(t, url.Values{"q": {q}, "size": {"5"}, "page": {fmt.Sprint(page)}})
				if len(r.Hits) == 0 {
					break
				}
				for _, id := range hitIDs(r.Hits) {
					if seen[id] {
						t.Errorf("passage %s on two pages", id)
					}
					seen[id] = true
				}
				if page > p1.Total {
					t.Fatal("pagination does not end")
				}
			}
			if len(seen) != p1.Total {
				t.Errorf("the pages hold %d distinct hits, total says %d", len(seen), p1.Total)
			}
			// Past the end: no hits, same total.
			last := (p1.Total + 4) / 5
			beyond := search(t, url.Values{"q": {q}, "size": {"5"}, "page": {fmt.Sprint(last + 1)}})
			if len(beyond.Hits) != 0 {
				t.Errorf("page %d (past the end) has %d hits", last+1, len(beyond.Hits))
			}
			if beyond.Total != p1.Total {
				t.Errorf("page past the end: total %d, want %d", beyond.Total, p1.Total)
			}
		})
	}
}

// ---- 5. bad requests ----

func TestBadRequests(t *testing.T) {
	long := url.QueryEscape(strings.Repeat("楼", 1001))
	tests := []struct {
		name, path string
	}{
		{"size too large", "/api/search?q=a&size=101"},
		{"size zero", "/api/search?q=a&size=0"},
		{"size negative", "/api/search?size=-3"},
		{"size not a number", "/api/search?q=a&size=abc"},
		{"size empty", "/api/search?size="},
		{"page zero", "/api/search?q=a&page=0"},
		{"page negative", "/api/search?q=a&page=-1"},
		{"page not a number", "/api/search?page=1.5"},
		{"page too deep", "/api/search?page=101&size=100"},
		{"unknown parameter foo", "/api/search?q=a&foo=1"},
		{"unknown parameter region", "/api/search?region=x"},
		{"misspelt filter", "/api/search?counties=" + url.QueryEscape("小店区")},
		{"query of 1001 characters", "/api/search?q=" + long},
		{"query invalid UTF-8", "/api/search?q=%ff%fe"},
		{"filter invalid UTF-8", "/api/search?county=%ff%fe"},
		{"filter value too long", "/api/search?county=" + url.QueryEscape(strings.Repeat("县", 101))},
		{"unknown parameter on facets", "/api/facets?q=a"},
		{"unknown parameter on indicators", "/api/indicators?county=x"},
		{"unknown parameter on counties", "/api/counties?x=1"},
		{"unknown parameter on a county", "/api/counties/" + url.PathEscape("定襄县") + "?x=1"},
		{"unknown parameter on a passage", "/api/passages/x?x=1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, ts.URL, http.MethodGet, tc.path, http.StatusBadRequest)
		})
	}
}

// The limits are inclusive: the largest accepted values work.
func TestLimitsAccepted(t *testing.T) {
	r := search(t, url.Values{"q": {strings.Repeat("楼", 1000)}, "size": {"100"}})
	if r.Size != 100 {
		t.Errorf("size echoed as %d, want 100", r.Size)
	}
	r = search(t, url.Values{"size": {"1"}})
	if len(r.Hits) != 1 || r.Size != 1 || r.Page != 1 {
		t.Errorf("size=1: %d hits, size %d, page %d", len(r.Hits), r.Size, r.Page)
	}
}

func TestRoutingErrors(t *testing.T) {
	wantError(t, ts.URL, http.MethodGet, "/api/nope", http.StatusNotFound)
	wantError(t, ts.URL, http.MethodGet, "/nope.html", http.StatusNotFound)
	wantError(t, ts.URL, http.MethodPost, "/api/search", http.StatusMethodNotAllowed)
	wantError(t, ts.URL, http.MethodDelete, "/api/passages/x", http.StatusMethodNotAllowed)
}

// ---- 9. web UI and security headers ----

func TestUIAndSecurityHeaders(t *testing.T) {
	tests := []struct {
		path        string
		status      int
		contentType string // prefix
		bodyHas     string
	}{
		{"/", http.StatusOK, "text/html", "<html"},
		{"/static/app.js", http.StatusOK, "text/javascript", "searchAPIURL"},
		{"/static/dom.js", http.StatusOK, "text/javascript", "/api/search"},
		{"/static/style.css", http.StatusOK, "text/css", ""},
		{"/api/search?q=" + url.QueryEscape("楼宇经济"), http.StatusOK, "application/json", ""},
		{"/healthz", http.StatusOK, "application/json", ""},
		{"/api/nope", http.StatusNotFound, "application/json", ""},
		{"/api/search?size=0", http.StatusBadRequest, "application/json", ""},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			resp, body := get(t, ts.URL, tc.path)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			ct := resp.Header.Get("Content-Type")
			// Either spelling of the JavaScript MIME type is fine.
			if !strings.HasPrefix(ct, tc.contentType) && !(tc.contentType == "text/javascript" && strings.HasPrefix(ct, "application/javascript")) {
				t.Errorf("Content-Type %q, want %s", ct, tc.contentType)
			}
			if tc.bodyHas != "" && !strings.Contains(string(body), tc.bodyHas) {
				t.Errorf("body does not contain %q: %.200s", tc.bodyHas, body)
			}
			h := resp.Header
			if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("Content-Security-Policy = %q", csp)
			}
			if v := h.Get("X-Content-Type-Options"); v != "nosniff" {
				t.Errorf("X-Content-Type-Options = %q, want nosniff", v)
			}
			if v := h.Get("X-Frame-Options"); v != "DENY" {
				t.Errorf("X-Frame-Options = %q, want DENY", v)
			}
		})
	}
}

// Under default-src 'self' an inline script or style would not run: the
// page must load its code from files.
func TestUIHasNoInlineCode(t *testing.T) {
	_, body := get(t, ts.URL, "/")
	page := strings.ToLower(string(body))
	for i := strings.Index(page, "<script"); i >= 0; i = indexAfter(page, "<script", i+1) {
		tag := page[i:]
		tag = tag[:strings.IndexByte(tag, '>')+1]
		if !strings.Contains(tag, "src=") {
			t.Errorf("inline <script> in index.html: %s", tag)
		}
	}
	if strings.Contains(page, "<style") || strings.Contains(page, " style=") || strings.Contains(page, " onclick=") {
		t.Error("index.html has inline style or event handler attributes that the CSP blocks")
	}
}

func indexAfter(s, sub string, from int) int {
	if from >= len(s) {
		return -1
	}
	if i := strings.Index(s[from:], sub); i >= 0 {
		return from + i
	}
	return -1
}
