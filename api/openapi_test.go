package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/shanxi-sme/kb/api"
	"github.com/shanxi-sme/kb/webui"
)

func init() {
	// The export formats, read as text (docx as bytes) for validation.
	openapi3filter.RegisterBodyDecoder("text/markdown", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/vnd.openxmlformats-officedocument.wordprocessingml.document", openapi3filter.FileBodyDecoder)
}

// openapiDoc loads the document the server serves at /openapi.json.
func openapiDoc(t *testing.T) *openapi3.T {
	t.Helper()
	resp, body := get(t, ts.URL, "/openapi.json")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /openapi.json: %d %s", resp.StatusCode, body)
	}
	if !bytes.Equal(body, api.OpenAPI()) {
		t.Fatal("GET /openapi.json differs from api.OpenAPI()")
	}
	doc, err := openapi3.NewLoader().LoadFromData(body)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	return doc
}

func TestOpenAPIDocumentValidates(t *testing.T) {
	doc := openapiDoc(t)
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("invalid OpenAPI document: %v", err)
	}
	resp, _ := get(t, ts.URL, "/openapi.json")
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q, want no-cache", cc)
	}
	for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"} {
		if resp.Header.Get(h) == "" {
			t.Errorf("missing security header %s", h)
		}
	}
	// Revalidation with the ETag answers 304.
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/openapi.json", nil)
	req.Header.Set("If-None-Match", resp.Header.Get("ETag"))
	r2, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r2.Body.Close()
	if resp.Header.Get("ETag") == "" || r2.StatusCode != http.StatusNotModified {
		t.Errorf("ETag %q, revalidation status %d, want 304", resp.Header.Get("ETag"), r2.StatusCode)
	}
	// The error codes of the document are those of the README's table.
	codes := doc.Components.Schemas["Error"].Value.Properties["code"].Value.Enum
	readme := readFile(t, "../README.md")
	for _, c := range codes {
		if !strings.Contains(readme, "`"+c.(string)+"`") {
			t.Errorf("code %q of the document is not in README.md", c)
		}
	}
	// Each code's line in the description gives the status of README's table.
	desc := doc.Components.Schemas["Error"].Value.Properties["code"].Value.Description
	for _, c := range codes {
		var status string
		for _, line := range strings.Split(readme, "\n") {
			if cells := strings.Split(line, "|"); len(cells) > 3 && strings.TrimSpace(cells[2]) == "`"+c.(string)+"`" {
				status = strings.TrimSpace(cells[1])
			}
		}
		if want := "- `" + c.(string) + "`（" + status + "）："; status == "" || !strings.Contains(desc, want) {
			t.Errorf("the description of code lacks %q (README status %q)", want, status)
		}
	}
	if len(codes) != 22 {
		t.Errorf("%d error codes in the document, want 22 (every code but client_closed)", len(codes))
	}
}

func readFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestOpenAPIRoutesMatch: every route of the gin engine is in the
// document, and every operation of the document is a route.
func TestOpenAPIRoutesMatch(t *testing.T) {
	doc := openapiDoc(t)
	srv := api.New(api.Options{Logger: quietLog, UI: webui.FS()})
	routes := map[string]bool{}
	for _, r := range srv.Routes() {
		if r.Path == "/" || strings.HasPrefix(r.Path, "/static/") {
			continue // the web UI
		}
		routes[r.Method+" "+ginToOpenAPI(r.Path)] = true
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+path] = true
		}
	}
	for r := range routes {
		if !documented[r] {
			t.Errorf("route %s is not in the document", r)
		}
	}
	for d := range documented {
		if !routes[d] {
			t.Errorf("the document has %s, the server has no such route", d)
		}
	}
	if len(routes) < 20 {
		t.Errorf("only %d routes: %v", len(routes), routes)
	}
}

// ginToOpenAPI turns /api/passages/:id into /api/passages/{id}.
func ginToOpenAPI(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// apiCase is one real request, checked against the document.
type apiCase struct {
	method, path string
	body         func() (io.Reader, string) // body and content type
	token        string
	status       int
	code         string // error code, when an error is wanted
	// reqInvalid: the document itself refuses the request (a value out of
	// its range); the server must refuse it too.
	reqInvalid bool
}

func jsonBody(v any) func() (io.Reader, string) {
	return func() (io.Reader, string) {
		b, _ := json.Marshal(v)
		return bytes.NewReader(b), "application/json"
	}
}

// fileBody is a multipart body with one file per name and content pair.
func fileBody(field string, nameData ...string) func() (io.Reader, string) {
	return func() (io.Reader, string) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for i := 0; i+1 < len(nameData); i += 2 {
			part, _ := w.CreateFormFile(field, nameData[i])
			part.Write([]byte(nameData[i+1]))
		}
		w.Close()
		return &buf, w.FormDataContentType()
	}
}

// checkAgainstDocument sends each request to base and validates the
// request and the answer with openapi3filter.
func checkAgainstDocument(t *testing.T, doc *openapi3.T, base string, cases []apiCase) {
	t.Helper()
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	errorSchema := doc.Components.Schemas["Error"].Value
	for _, tc := range cases {
		name := tc.method + " " + tc.path
		t.Run(name, func(t *testing.T) {
			newReq := func() *http.Request {
				var body io.Reader
				ct := ""
				if tc.body != nil {
					body, ct = tc.body()
				}
				req, err := http.NewRequest(tc.method, base+tc.path, body)
				if err != nil {
					t.Fatal(err)
				}
				if ct != "" {
					req.Header.Set("Content-Type", ct)
				}
				if tc.token != "" {
					req.Header.Set("Authorization", "Bearer "+tc.token)
				}
				return req
			}
			ctx := context.Background()
			var input *openapi3filter.RequestValidationInput
			req := newReq()
			route, params, err := router.FindRoute(req)
			switch {
			case err == nil:
				input = &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
					Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
				err := openapi3filter.ValidateRequest(ctx, input)
				if tc.reqInvalid && err == nil {
					t.Errorf("the document accepts the request; want it refused")
				}
				if !tc.reqInvalid && err != nil {
					t.Errorf("request does not match the document: %v", err)
				}
			case tc.status != http.StatusNotFound && tc.status != http.StatusMethodNotAllowed:
				t.Fatalf("no route in the document: %v", err)
			}
			resp, err := http.DefaultClient.Do(newReq())
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %.300s", resp.StatusCode, tc.status, body)
			}
			if tc.code != "" {
				var e errorResp
				if err := json.Unmarshal(body, &e); err != nil || e.Code != tc.code {
					t.Errorf("code %q, want %q (%v); body %.300s", e.Code, tc.code, err, body)
				}
			}
			if input == nil {
				// Not a route of the document (404, 405): the body is still an Error.
				var v any
				if err := json.Unmarshal(body, &v); err != nil {
					t.Fatalf("body is not JSON: %v", err)
				}
				if err := errorSchema.VisitJSON(v); err != nil {
					t.Errorf("error body does not match Error: %v", err)
				}
				return
			}
			if tc.method == http.MethodHead && len(body) > 0 {
				t.Errorf("HEAD answered a body")
			}
			input.Request = newReq() // the validated one's body has been read
			err = openapi3filter.ValidateResponse(ctx, &openapi3filter.ResponseValidationInput{
				RequestValidationInput: input, Status: resp.StatusCode, Header: resp.Header,
				Body:    io.NopCloser(bytes.NewReader(body)),
				Options: &openapi3filter.Options{IncludeResponseStatus: true},
			})
			if err != nil {
				t.Errorf("response does not match the document: %v\nbody: %.500s", err, body)
			}
		})
	}
}

// TestOpenAPIRequests checks real requests and answers of the shared
// (read-only) server against the document.
func TestOpenAPIRequests(t *testing.T) {
	doc := openapiDoc(t)
	var found searchResp
	getJSON(t, "/api/search?q="+url.QueryEscape("楼宇经济")+"&size=1", http.StatusOK, &found)
	if len(found.Hits) == 0 {
		t.Fatal("no hit for 楼宇经济")
	}
	id := url.PathEscape(found.Hits[0].ID)
	var link struct {
		Paragraphs []any `json:"paragraphs"`
	}
	draft := "我县推进楼宇经济发展，盘活闲置楼宇，培育专精特新企业。\n\n下一步，完善中小企业公共服务平台。"
	draftJSON, _ := json.Marshal(map[string]string{"text": draft})
	resp, body := postJSON(t, "/api/link", string(draftJSON))
	if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &link) != nil {
		t.Fatalf("POST /api/link: %d %.300s", resp.StatusCode, body)
	}
	q := url.QueryEscape
	cases := []apiCase{
		{method: "GET", path: "/healthz", status: 200},
		{method: "HEAD", path: "/healthz", status: 200},
		{method: "GET", path: "/metrics", status: 200},
		{method: "GET", path: "/openapi.json", status: 200},
		{method: "GET", path: "/api/search?q=" + q("楼宇经济"), status: 200},
		{method: "GET", path: "/api/search", status: 200},
		{method: "GET", path: "/api/search?q=" + q("专精特新") + "&group=case&sort=county&size=5&page=2", status: 200},
		{method: "GET", path: "/api/search?q=" + q("太原市做法") + "&theme=" + q("楼宇经济") + "&kind=" + q("做法"), status: 200},
		{method: "GET", path: "/api/search?q=" + q("太原 楼宇") + "&places=text&sort=order&semantic_ratio=0.5", status: 200},
		{method: "GET", path: "/api/search?q=" + q("增加值 排名"), status: 200},
		{method: "GET", path: "/api/search?county=" + q("小店区") + "&city=" + q("太原市,长治市"), status: 200},
		{method: "GET", path: "/api/facets", status: 200},
		{method: "GET", path: "/api/suggest?q=" + q("楼宇"), status: 200},
		{method: "GET", path: "/api/suggest?q=", status: 200},
		{method: "GET", path: "/api/themes", status: 200},
		{method: "GET", path: "/api/passages/" + id, status: 200},
		{method: "GET", path: "/api/passages/" + id + "/similar", status: 200},
		{method: "GET", path: "/api/passages/" + id + "/similar?size=3", status: 200},
		{method: "GET", path: "/api/indicators", status: 200},
		{method: "GET", path: "/api/indicators?name=" + q("专精特新"), status: 200},
		{method: "GET", path: "/api/counties", status: 200},
		{method: "GET", path: "/api/counties/" + q("定襄"), status: 200},
		{method: "POST", path: "/api/link", body: jsonBody(map[string]string{"text": draft}), status: 200},
		{method: "POST", path: "/api/link", body: fileBody("file", "draft.txt", draft), status: 200},
		{method: "POST", path: "/api/link/export?format=md", body: jsonBody(map[string]any{"title": "草稿", "paragraphs": link.Paragraphs}), status: 200},
		{method: "POST", path: "/api/link/export?format=html", body: jsonBody(map[string]any{"paragraphs": link.Paragraphs}), status: 200},
		{method: "POST", path: "/api/link/export", body: jsonBody(map[string]any{"paragraphs": link.Paragraphs}), status: 200},
		{method: "GET", path: "/api/documents", status: 200},
		{method: "GET", path: "/api/tasks", status: 200},
		{method: "GET", path: "/api/tasks?limit=5", status: 200},

		// Errors.
		{method: "GET", path: "/api/search?size=0", status: 400, code: "bad_parameter", reqInvalid: true},
		{method: "GET", path: "/api/search?size=abc", status: 400, code: "bad_parameter", reqInvalid: true},
		{method: "GET", path: "/api/search?page=0", status: 400, code: "page_out_of_range", reqInvalid: true},
		{method: "GET", path: "/api/search?sort=random", status: 400, code: "bad_parameter", reqInvalid: true},
		{method: "GET", path: "/api/search?semantic_ratio=2", status: 400, code: "bad_parameter", reqInvalid: true},
		{method: "GET", path: "/api/search?q=" + strings.Repeat("楼", 1001), status: 400, code: "query_too_long", reqInvalid: true},
		{method: "GET", path: "/api/search?qq=1", status: 400, code: "bad_parameter"},
		{method: "GET", path: "/api/search?q=%zz", status: 400, code: "bad_encoding"},
		{method: "GET", path: "/api/suggest?q=" + strings.Repeat("楼", 51), status: 400, code: "query_too_long", reqInvalid: true},
		{method: "GET", path: "/api/facets?x=1", status: 400, code: "bad_parameter"},
		{method: "GET", path: "/api/passages/" + id + "/similar?size=0", status: 400, code: "bad_parameter", reqInvalid: true},
		{method: "GET", path: "/api/passages/" + id + "/similar?size=51", status: 400, code: "bad_parameter", reqInvalid: true},
		{method: "GET", path: "/api/passages/" + id + "?x=1", status: 400, code: "bad_parameter"},
		{method: "GET", path: "/api/tasks/1?x=1", status: 400, code: "bad_parameter"},
		{method: "GET", path: "/api/tasks?limit=0", status: 400, code: "bad_parameter", reqInvalid: true},
		{method: "GET", path: "/api/passages/no-such-passage", status: 404, code: "not_found"},
		{method: "GET", path: "/api/passages/no-such-passage/similar", status: 404, code: "not_found"},
		{method: "GET", path: "/api/counties/" + q("不存在县"), status: 404, code: "not_found"},
		{method: "GET", path: "/api/indicators?name=" + q("没有这个指标"), status: 404, code: "not_found"},
		{method: "GET", path: "/api/tasks/7", status: 404, code: "not_found"},
		{method: "GET", path: "/api/tasks/abc", status: 404, code: "not_found", reqInvalid: true},
		{method: "GET", path: "/api/no-such-route", status: 404, code: "not_found"},
		{method: "PUT", path: "/api/search", status: 405, code: "method_not_allowed"},
		{method: "POST", path: "/api/link", body: jsonBody(map[string]string{"text": "  "}), status: 400, code: "bad_request", reqInvalid: false},
		{method: "POST", path: "/api/link", body: jsonBody(map[string]any{"text": "x", "extra": 1}), status: 400, code: "bad_request", reqInvalid: true},
		{method: "POST", path: "/api/link", body: jsonBody(map[string]string{"text": strings.Repeat("楼", 200_001)}), status: 413, code: "body_too_large", reqInvalid: true},
		{method: "POST", path: "/api/link", body: func() (io.Reader, string) { return strings.NewReader("text"), "text/plain" }, status: 415, code: "unsupported_format", reqInvalid: true},
		{method: "POST", path: "/api/link", body: fileBody("file", "draft.xyz", "abc"), status: 415, code: "unsupported_format"},
		{method: "POST", path: "/api/link/export?format=pdf", body: jsonBody(map[string]any{"paragraphs": link.Paragraphs}), status: 400, code: "bad_parameter", reqInvalid: true},
		{method: "POST", path: "/api/link/export", body: jsonBody(map[string]any{"paragraphs": []any{}}), status: 400, code: "bad_request", reqInvalid: true},
		{method: "POST", path: "/api/link/export", body: func() (io.Reader, string) { return strings.NewReader("{}"), "text/plain" }, status: 415, code: "unsupported_format", reqInvalid: true},
		{method: "POST", path: "/api/link/export", body: jsonBody(map[string]any{"title": strings.Repeat("x", 5<<20), "paragraphs": link.Paragraphs}), status: 413, code: "body_too_large"},
		{method: "POST", path: "/api/documents", body: fileBody("file", "a.txt", "文本"), status: 403, code: "forbidden"},
		{method: "DELETE", path: "/api/documents/abc", status: 403, code: "forbidden"},
	}
	checkAgainstDocument(t, doc, ts.URL, cases)
}

// TestOpenAPIWrites checks the write endpoints and the upload tasks
// against the document, on a knowledge base of its own, and the answers
// of a server that requires a read token.
func TestOpenAPIWrites(t *testing.T) {
	doc := openapiDoc(t)
	base, _ := kbServer(t, api.Options{AdminToken: adminToken})
	text := "某县推进楼宇经济的做法\n\n一是建设特色楼宇，二是引进总部企业，培育一批专精特新中小企业，楼宇税收持续增长。"
	builtin := ""
	for id := range documentIDs(t, base) {
		builtin = id
		break
	}
	checkAgainstDocument(t, doc, base, []apiCase{
		{method: "POST", path: "/api/documents", body: fileBody("file", "楼宇.txt", text), status: 401, code: "unauthorized", token: "wrong"},
		{method: "POST", path: "/api/documents", body: fileBody("other", "楼宇.txt", text), status: 400, code: "bad_request", token: adminToken, reqInvalid: true},
		{method: "POST", path: "/api/documents", body: fileBody("file", "楼宇.txt", text, "图片.xyz", "abc"), status: 202, token: adminToken},
		{method: "DELETE", path: "/api/documents/" + url.PathEscape(builtin), status: 403, code: "forbidden", token: adminToken},
		{method: "DELETE", path: "/api/documents/no-such-doc", status: 404, code: "not_found", token: adminToken},
	})
	var tasks struct {
		Tasks []struct {
			ID int64 `json:"id"`
		} `json:"tasks"`
	}
	getJSONFrom(t, base, "/api/tasks", http.StatusOK, &tasks)
	if len(tasks.Tasks) != 1 {
		t.Fatalf("tasks: %+v", tasks)
	}
	task := waitTask(t, base, tasks.Tasks[0].ID)
	added, _ := taskFile(task, 0)["document_id"].(string)
	if added == "" || taskFile(task, 1)["code"] != "unsupported_format" {
		t.Fatalf("want the first file added, the second refused: %v", task)
	}
	checkAgainstDocument(t, doc, base, []apiCase{
		{method: "GET", path: fmt.Sprintf("/api/tasks/%d", tasks.Tasks[0].ID), status: 200},
		{method: "GET", path: "/api/tasks", status: 200},
		{method: "GET", path: "/api/documents", status: 200},
		{method: "DELETE", path: "/api/documents/" + url.PathEscape(added), status: 200, token: adminToken},
	})

	srv := api.New(api.Options{Logger: quietLog, ReadToken: "reader", AdminToken: adminToken})
	srv.SetIndex(sharedIndex, sharedRelate)
	ro := httptest.NewServer(srv.Handler())
	defer ro.Close()
	checkAgainstDocument(t, doc, ro.URL, []apiCase{
		{method: "GET", path: "/api/search?q=x", status: 401, code: "unauthorized"},
		{method: "GET", path: "/api/search?q=x", status: 200, token: "reader"},
		{method: "GET", path: "/api/documents", status: 200, token: adminToken},
		{method: "GET", path: "/metrics", status: 401, code: "unauthorized"},
		{method: "GET", path: "/healthz", status: 200},
		{method: "GET", path: "/openapi.json", status: 200},
		{method: "POST", path: "/api/documents", body: fileBody("file", "a.txt", text), status: 503, code: "index_not_ready", token: adminToken},
	})
}
