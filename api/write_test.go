package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/shanxi-sme/kb/api"
	"github.com/shanxi-sme/kb/embedding"
)

const adminToken = "test-admin-token"

// kbServer serves a knowledge base with its own data folder, so uploads
// and deletions do not disturb the shared server.
func kbServer(t *testing.T, opts api.Options) (string, string) {
	t.Helper()
	dir := t.TempDir()
	kb, err := loaded.Open(context.Background(), dir, quietLog, embedding.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { kb.Close() })
	opts.Logger = quietLog
	srv := api.New(opts)
	srv.SetKB(kb)
	s := httptest.NewServer(srv.Handler())
	t.Cleanup(s.Close)
	return s.URL, dir
}

type upload struct {
	name string
	data []byte
}

func postFiles(t *testing.T, base, token string, files ...upload) (*http.Response, map[string]any) {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	for _, f := range files {
		part, err := w.CreateFormFile("file", f.name)
		if err != nil {
			t.Fatal(err)
		}
		part.Write(f.data)
	}
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/documents", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return send(t, req)
}

// uploadTask uploads files, expects 202 with a task, and waits for the
// task to finish; it returns the finished task.
func uploadTask(t *testing.T, base, token string, files ...upload) map[string]any {
	t.Helper()
	resp, body := postFiles(t, base, token, files...)
	if resp.StatusCode != http.StatusAccepted || body["status"] != "queued" {
		t.Fatalf("upload: %d %v", resp.StatusCode, body)
	}
	id := int64(body["id"].(float64))
	if loc := resp.Header.Get("Location"); loc != fmt.Sprintf("/api/tasks/%d", id) {
		t.Errorf("Location = %q", loc)
	}
	return waitTask(t, base, id)
}

func waitTask(t *testing.T, base string, id int64) map[string]any {
	t.Helper()
	deadline := time.Now().Add(3 * time.Minute) // generous: -race and a busy machine slow indexing tenfold
	for {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/api/tasks/%d", base, id), nil)
		resp, task := send(t, req)
		if resp.StatusCode != 200 {
			t.Fatalf("task %d: %d %v", id, resp.StatusCode, task)
		}
		if st := task["status"]; st == "succeeded" || st == "failed" {
			return task
		}
		if time.Now().After(deadline) {
			t.Fatalf("task %d did not finish: %v", id, task)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// taskFile returns the i-th file of a finished task.
func taskFile(task map[string]any, i int) map[string]any {
	return task["files"].([]any)[i].(map[string]any)
}

func send(t *testing.T, req *http.Request) (*http.Response, map[string]any) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v", req.Method, req.URL.Path, err)
	}
	return resp, out
}

func deleteDoc(t *testing.T, base, token, id string) (*http.Response, map[string]any) {
	req, _ := http.NewRequest(http.MethodDelete, base+"/api/documents/"+url.PathEscape(id), nil)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return send(t, req)
}

func documentIDs(t *testing.T, base string) map[string]bool {
	var body struct {
		Documents []struct {
			ID      string `json:"id"`
			Builtin bool   `json:"builtin"`
		} `json:"documents"`
	}
	getJSONFrom(t, base, "/api/documents", 200, &body)
	out := map[string]bool{}
	for _, d := range body.Documents {
		out[d.ID] = d.Builtin
	}
	return out
}

func storedFolders(t *testing.T, dir string) int {
	entries, err := os.ReadDir(filepath.Join(dir, "documents"))
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

const newsText = "平遥县推进古城文旅融合\n\n平遥县设立古城文旅融合发展基金，扶持非遗工坊和民宿集群发展，三年培育民宿企业一百二十家。\n\n县文旅局联合银行推出民宿贷，缓解小微民宿融资难题。"

func TestUploadSearchDelete(t *testing.T) {
	base, dir := kbServer(t, api.Options{AdminToken: adminToken})
	before := documentIDs(t, base)
	if len(before) != 1 {
		t.Fatalf("a new knowledge base holds %d documents, want the built-in report", len(before))
	}
	for id, builtin := range before {
		if !builtin {
			t.Errorf("the report %s is not marked built-in", id)
		}
		if resp, _ := deleteDoc(t, base, adminToken, id); resp.StatusCode != http.StatusForbidden {
			t.Errorf("deleting the built-in report: %d", resp.StatusCode)
		}
	}

	// Authentication.
	if resp, body := postFiles(t, base, "", upload{"a.txt", []byte(newsText)}); resp.StatusCode != 401 || body["error"] == "" {
		t.Errorf("upload without token: %d %v", resp.StatusCode, body)
	}
	if resp, _ := postFiles(t, base, "wrong", upload{"a.txt", []byte(newsText)}); resp.StatusCode != 401 {
		t.Errorf("upload with a wrong token: %d", resp.StatusCode)
	}

	// A real upload, with a hostile file name, is stored and searchable.
	task := uploadTask(t, base, adminToken, upload{"../../etc/平遥.txt", []byte(newsText)})
	if task["status"] != "succeeded" || task["added"].(float64) != 1 {
		t.Fatalf("upload task: %v", task)
	}
	id := taskFile(task, 0)["document_id"].(string)
	var listed struct {
		Documents []struct{ ID, Source string } `json:"documents"`
	}
	getJSONFrom(t, base, "/api/documents", 200, &listed)
	for _, d := range listed.Documents {
		if d.ID == id && d.Source != "平遥.txt" {
			t.Errorf("stored name %q: the path was not stripped", d.Source)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "documents", id, "original.txt")); err != nil {
		t.Errorf("original not kept in the data folder: %v", err)
	}
	res := searchAt(t, base, "民宿集群")
	if len(res.Hits) == 0 || res.Hits[0].Doc != id || !slicesContains(res.Hits[0].Counties, "平遥县") {
		t.Fatalf("uploaded document not found or not tagged: %+v", res.Hits)
	}

	// The same content again is refused, and nothing is added.
	if task := uploadTask(t, base, adminToken, upload{"copy.txt", []byte(newsText)}); taskFile(task, 0)["code"] != api.CodeDuplicate {
		t.Errorf("duplicate upload: %v", task)
	}
	// Bad files: named problems, nothing half-ingested.
	n := storedFolders(t, dir)
	for _, bad := range []upload{
		{"empty.txt", nil},
		{"binary.txt", []byte{0, 1, 2, 3, 0, 0, 0xff}},
		{"fake.docx", []byte("这不是 Word 文件")},
		{"encrypted.docx", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)},
		{"image.png", []byte("\x89PNG\r\n\x1a\n0000")},
	} {
		task := uploadTask(t, base, adminToken, bad)
		f := taskFile(task, 0)
		msg, _ := f["error"].(string)
		if task["status"] != "failed" || f["code"] == api.CodeInternal || !strings.Contains(msg, bad.name) {
			t.Errorf("%s: %v (want a failed task naming the file)", bad.name, task)
		}
	}
	if got := storedFolders(t, dir); got != n {
		t.Errorf("bad uploads left %d folders behind", got-n)
	}

	// Delete: gone from search and from the data folder.
	if resp, _ := deleteDoc(t, base, "", id); resp.StatusCode != 401 {
		t.Errorf("delete without token: %d", resp.StatusCode)
	}
	if resp, body := deleteDoc(t, base, adminToken, id); resp.StatusCode != 200 {
		t.Fatalf("delete: %d %v", resp.StatusCode, body)
	}
	if res := searchAt(t, base, "民宿集群"); len(res.Hits) > 0 && res.Hits[0].Doc == id {
		t.Error("deleted document still found")
	}
	if _, err := os.Stat(filepath.Join(dir, "documents", id)); !os.IsNotExist(err) {
		t.Errorf("deleted original still on disk: %v", err)
	}
	if resp, _ := deleteDoc(t, base, adminToken, id); resp.StatusCode != 404 {
		t.Errorf("second delete: %d", resp.StatusCode)
	}
	if resp, _ := deleteDoc(t, base, adminToken, "../../etc"); resp.StatusCode != 404 {
		t.Errorf("traversal delete: %d", resp.StatusCode)
	}
}

func TestUploadFormatsFromTestdata(t *testing.T) {
	base, _ := kbServer(t, api.Options{AdminToken: adminToken})
	for _, name := range []string{"article.html", "report.pdf"} {
		data, err := os.ReadFile(filepath.Join("..", "corpus", "testdata", name))
		if err != nil {
			t.Skipf("fixture %s: %v", name, err)
		}
		task := uploadTask(t, base, adminToken, upload{name, data})
		if d := taskFile(task, 0); task["status"] != "succeeded" || d["passages"].(float64) < 1 {
			t.Errorf("%s: %v", name, task)
		}
	}
}

func TestWritesOffWithoutToken(t *testing.T) {
	base, _ := kbServer(t, api.Options{})
	resp, body := postFiles(t, base, "anything", upload{"a.txt", []byte(newsText)})
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(fmt.Sprint(body["error"]), "管理令牌") {
		t.Errorf("upload with writes off: %d %v", resp.StatusCode, body)
	}
}

func TestReadTokenAndRateLimit(t *testing.T) {
	base, _ := kbServer(t, api.Options{ReadToken: "reader", AdminToken: adminToken})
	req, _ := http.NewRequest(http.MethodGet, base+"/api/search?q=楼宇经济", nil)
	if resp, _ := send(t, req); resp.StatusCode != 401 {
		t.Errorf("search without read token: %d", resp.StatusCode)
	}
	for _, tok := range []string{"reader", adminToken} {
		req, _ = http.NewRequest(http.MethodGet, base+"/api/search?q=楼宇经济", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		if resp, _ := send(t, req); resp.StatusCode != 200 {
			t.Errorf("search with token %s: %d", tok, resp.StatusCode)
		}
	}
	if resp, _ := get(t, base, "/healthz"); resp.StatusCode != 200 {
		t.Errorf("healthz needs no token: %d", resp.StatusCode)
	}

	limited, _ := kbServer(t, api.Options{RateLimit: 1, RateBurst: 2})
	codes := []int{}
	var last *http.Response
	for i := 0; i < 4; i++ {
		last, _ = get(t, limited, "/api/facets")
		codes = append(codes, last.StatusCode)
	}
	if codes[0] != 200 || codes[1] != 200 || codes[3] != http.StatusTooManyRequests || last.Header.Get("Retry-After") == "" {
		t.Errorf("rate limit codes %v, Retry-After %q", codes, last.Header.Get("Retry-After"))
	}
}

func TestLinkEndpoint(t *testing.T) {
	text := "长治高新区推出知识产权质押贷款，帮助科技型企业解决缺少抵押物的融资难题。\n\n今年冬季气温偏低，市民出行请注意防寒保暖。"
	b, _ := json.Marshal(map[string]string{"text": text})
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/link", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	resp, body := send(t, req)
	if resp.StatusCode != 200 {
		t.Fatalf("link: %d %v", resp.StatusCode, body)
	}
	paras := body["paragraphs"].([]any)
	if len(paras) != 2 {
		t.Fatalf("%d paragraphs", len(paras))
	}
	runes := []rune(body["text"].(string))
	for _, p := range paras {
		pm := p.(map[string]any)
		start, end := int(pm["start"].(float64)), int(pm["end"].(float64))
		if string(runes[start:end]) != pm["text"] {
			t.Errorf("offsets %d:%d do not select %q", start, end, pm["text"])
		}
	}
	first := paras[0].(map[string]any)["links"].([]any)
	if len(first) == 0 || first[0].(map[string]any)["county"] != "长治高新区" || !strings.Contains(first[0].(map[string]any)["citation"].(string), "经验十一") {
		t.Errorf("patent-loan paragraph links: %v", first)
	}
	if links := paras[1].(map[string]any)["links"].([]any); len(links) != 0 {
		t.Errorf("weather paragraph linked to %v", links)
	}
	for name, tc := range map[string]struct {
		ctype, body string
		status      int
	}{
		"not json":      {"application/json", "{text:", 400},
		"unknown field": {"application/json", `{"text":"甲","x":1}`, 400},
		"wrong type":    {"application/json", `{"text":12}`, 400},
		"empty":         {"application/json", `{"text":"  "}`, 400},
		"two objects":   {"application/json", `{"text":"甲"}{"text":"乙"}`, 400},
		"form":          {"application/x-www-form-urlencoded", "text=甲", 415},
		"too large":     {"application/json", `{"text":"` + strings.Repeat("企", 1<<20) + `"}`, 413},
		"invalid utf-8": {"application/json", "{\"text\":\"\xff\xfe\"}", 400},
	} {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/link", strings.NewReader(tc.body))
		req.Header.Set("Content-Type", tc.ctype)
		resp, body := send(t, req)
		if resp.StatusCode != tc.status || body["error"] == "" {
			t.Errorf("%s: %d %v, want %d", name, resp.StatusCode, body["error"], tc.status)
		}
	}
}

func TestSimilarAndGroupAndIndicators(t *testing.T) {
	res := search(t, url.Values{"q": {"小升规"}})
	id := ""
	for _, h := range res.Hits {
		if h.County == "文水县" {
			id = h.ID
			break
		}
	}
	if id == "" {
		t.Fatal("no 文水县 hit for 小升规")
	}
	var sim struct {
		Similar []struct {
			Counties []string `json:"counties"`
			Terms    []string `json:"terms"`
			Concepts []string `json:"concepts"`
		} `json:"similar"`
	}
	getJSON(t, "/api/passages/"+id+"/similar?size=3", 200, &sim)
	if len(sim.Similar) == 0 {
		t.Fatal("no similar practices")
	}
	for _, s := range sim.Similar {
		if slicesContains(s.Counties, "文水县") || len(s.Terms)+len(s.Concepts) == 0 {
			t.Errorf("similar practice %+v", s)
		}
	}
	wantError(t, ts.URL, http.MethodGet, "/api/passages/"+id+"/similar?size=0", 400)
	wantError(t, ts.URL, http.MethodGet, "/api/passages/nope/similar", 404)
	wantError(t, ts.URL, http.MethodGet, "/api/search?q=a&group=county", 400)

	var grouped struct {
		Total    int `json:"total"`
		Passages int `json:"passages"`
		Hits     []struct {
			Others []json.RawMessage `json:"others"`
		} `json:"hits"`
		Indicators []struct {
			Name string `json:"name"`
			Rows []struct {
				Rank int `json:"rank"`
			} `json:"rows"`
		} `json:"indicators"`
	}
	getJSON(t, "/api/search?q="+url.QueryEscape("高新技术企业最多的县")+"&group=case", 200, &grouped)
	if grouped.Total >= grouped.Passages {
		t.Errorf("grouping did not collapse: %d groups of %d passages", grouped.Total, grouped.Passages)
	}
	if len(grouped.Indicators) == 0 || !strings.Contains(grouped.Indicators[0].Name, "高新技术企业") || grouped.Indicators[0].Rows[0].Rank != 1 {
		t.Errorf("indicator answer: %+v", grouped.Indicators)
	}
}

// Malformed input of every kind gets a 4xx, never a 5xx or a dropped connection.
func TestMalformedInputNever5xx(t *testing.T) {
	base, _ := kbServer(t, api.Options{AdminToken: adminToken})
	paths := []string{
		"/api/search?q=%ff%fe", "/api/search?size=99999999999999999999", "/api/search?page=1e3", "/api/search?size=-5",
		"/api/search?county=%00", "/api/search?q=" + strings.Repeat("%E4%BC%81", 1001), "/api/search?kind=" + strings.Repeat("x", 500),
		"/api/search?group=%ff", "/api/facets?x=1", "/api/passages/%2e%2e%2fetc%2fpasswd", "/api/passages/..%2F..%2F",
		"/api/passages/x/similar?size=abc", "/api/passages/x/similar?size=100000", "/api/indicators?name=%ff",
		"/api/counties/%ff", "/api/counties/..%2f..", "/api/documents?x=1", "/api/nope", "/api/search?q=%E4",
	}
	for _, p := range paths {
		resp, _ := get(t, base, p)
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("GET %s: %d", p, resp.StatusCode)
		}
	}
	posts := []struct{ path, ctype, body string }{
		{"/api/link", "application/json", `[]`},
		{"/api/link", "application/json", `{"text": null}`},
		{"/api/link", "application/json", `{"text": {"a": 1}}`},
		{"/api/link", "text/plain", "甲"},
		{"/api/documents", "multipart/form-data; boundary=x", "--x\r\nbroken"},
		{"/api/documents", "application/json", `{"file": "x"}`},
	}
	for _, p := range posts {
		req, _ := http.NewRequest(http.MethodPost, base+p.path, strings.NewReader(p.body))
		req.Header.Set("Content-Type", p.ctype)
		req.Header.Set("Authorization", "Bearer "+adminToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Errorf("POST %s: %v", p.path, err)
			continue
		}
		resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode >= 500 {
			t.Errorf("POST %s %q: %d", p.path, p.body, resp.StatusCode)
		}
	}
	// The server is still alive.
	if resp, _ := get(t, base, "/healthz"); resp.StatusCode != 200 {
		t.Errorf("healthz after malformed input: %d", resp.StatusCode)
	}
}

func searchAt(t *testing.T, base, q string) searchResp {
	t.Helper()
	var out searchResp
	getJSONFrom(t, base, "/api/search?q="+url.QueryEscape(q), 200, &out)
	return out
}

func slicesContains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestThemesEndpoint(t *testing.T) {
	var body struct {
		Themes []struct {
			Name        string `json:"name"`
			Description string `json:"description"`
			Passages    int    `json:"passages"`
		} `json:"themes"`
	}
	getJSON(t, "/api/themes", 200, &body)
	var facets map[string][]facetValue
	getJSON(t, "/api/facets", 200, &facets)
	tagged := map[string]int{}
	for _, v := range facets["theme"] {
		tagged[v.Value] = v.Count
	}
	seen := false
	for _, th := range body.Themes {
		if th.Description == "" || th.Passages != tagged[th.Name] {
			t.Errorf("theme %+v (facet count %d)", th, tagged[th.Name])
		}
		seen = seen || (th.Name == "楼宇经济" && th.Passages > 0)
	}
	if !seen {
		t.Error("楼宇经济 missing or untagged")
	}
}

func TestLinkUploadedDraft(t *testing.T) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", "草稿.md")
	part.Write([]byte("# 关于支持科技型企业融资的建议\n\n长治高新区推出知识产权质押贷款，帮助科技型企业解决缺少抵押物的融资难题。\n"))
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/link", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, out := send(t, req)
	if resp.StatusCode != 200 {
		t.Fatalf("link upload: %d %v", resp.StatusCode, out)
	}
	paras := out["paragraphs"].([]any)
	if len(paras) != 2 || paras[0].(map[string]any)["text"] != "关于支持科技型企业融资的建议" {
		t.Fatalf("paragraphs: %v", paras)
	}
	if links := paras[1].(map[string]any)["links"].([]any); len(links) == 0 {
		t.Errorf("the patent-loan paragraph of an uploaded draft has no link")
	}
	// A file that is no document is refused by name.
	body.Reset()
	w = multipart.NewWriter(&body)
	part, _ = w.CreateFormFile("file", "x.docx")
	part.Write([]byte("not a zip"))
	w.Close()
	req, _ = http.NewRequest(http.MethodPost, ts.URL+"/api/link", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if resp, out := send(t, req); resp.StatusCode < 400 || resp.StatusCode >= 500 || !strings.Contains(fmt.Sprint(out["error"]), "x.docx") {
		t.Errorf("bad draft file: %d %v", resp.StatusCode, out)
	}
}
