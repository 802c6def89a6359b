package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shanxi-sme/kb/api"
	"github.com/shanxi-sme/kb/embedding"
)

// catalogState is what a client sees of the catalog's size: it must agree
// between /healthz, the document list, a search and the facets.
type catalogState struct {
	Passages  float64
	Documents int
	Listed    int
	Searched  float64
	Facets    map[string]any
}

func catalogAt(t *testing.T, base string) catalogState {
	t.Helper()
	var h map[string]any
	getJSONFrom(t, base, "/healthz", 200, &h)
	var docs struct {
		Documents []any `json:"documents"`
	}
	getJSONFrom(t, base, "/api/documents", 200, &docs)
	var res map[string]any
	getJSONFrom(t, base, "/api/search?q=%E4%BC%81%E4%B8%9A&size=1", 200, &res)
	var facets map[string]any
	getJSONFrom(t, base, "/api/facets", 200, &facets)
	return catalogState{Passages: h["passages"].(float64), Documents: int(h["documents"].(float64)), Listed: len(docs.Documents),
		Searched: res["total"].(float64), Facets: facets}
}

// serveDir serves the catalog under dir through the http.Server the CLI
// uses (its timeouts and limits); the returned stop closes server and
// catalog, as a shutdown does.
func serveDir(t *testing.T, dir string) (string, func()) {
	t.Helper()
	kb, err := loaded.Open(context.Background(), dir, quietLog, embedding.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv := api.New(api.Options{Logger: quietLog, AdminToken: adminToken})
	srv.SetKB(kb)
	hs := httptest.NewUnstartedServer(nil)
	hs.Config = srv.HTTPServer()
	hs.Start()
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			hs.Close()
			kb.Close()
		}
	}
	t.Cleanup(stop)
	return hs.URL, stop
}

// An upload whose request is cancelled before the files are in leaves
// nothing: no task, no stored file, the same totals and facets, also after
// a restart.
func TestCancelledUploadLeavesCatalogUnchanged(t *testing.T) {
	dir := t.TempDir()
	base, stop := serveDir(t, dir)
	before := catalogAt(t, base)

	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	mw := multipart.NewWriter(pw)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/documents", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+adminToken)
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	part, _ := mw.CreateFormFile("file", "半截.txt")
	fmt.Fprint(part, strings.Repeat("平遥县设立古城文旅融合发展基金，扶持民宿集群发展。\n\n", 2000))
	time.Sleep(100 * time.Millisecond)
	cancel()
	pw.CloseWithError(context.Canceled)
	<-done
	time.Sleep(100 * time.Millisecond)
	if got := catalogAt(t, base); !reflect.DeepEqual(got, before) {
		t.Fatalf("cancelled upload changed the catalog: %+v, was %+v", got, before)
	}
	var list struct {
		Tasks []any `json:"tasks"`
	}
	getJSONFrom(t, base, "/api/tasks", 200, &list)
	if len(list.Tasks) != 0 {
		t.Errorf("cancelled upload left tasks: %v", list.Tasks)
	}
	stop()
	if entries, _ := os.ReadDir(filepath.Join(dir, "tasks")); len(entries) != 0 {
		t.Errorf("cancelled upload left %d entries in data/tasks", len(entries))
	}
	base, _ = serveDir(t, dir)
	if got := catalogAt(t, base); !reflect.DeepEqual(got, before) {
		t.Fatalf("after a restart: %+v, was %+v", got, before)
	}
}

// An upload is answered as soon as its files are stored; the task reports
// its progress while a worker not bound to the request indexes it. A
// shutdown mid-task leaves the catalog as before; the task runs again on
// the next start and succeeds. (A 40 MB file takes minutes to index:
// SOAK_BIG=1 scripts/soak.sh uploads one; TestUploadSizeLimits checks
// that 40 MB passes the server's limits.)
func TestLargeUploadRunsAsTask(t *testing.T) {
	dir := t.TempDir()
	base, stop := serveDir(t, dir)
	before := catalogAt(t, base)
	size := 1 << 20
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "第%d项：太谷区设立农产品加工产业基金%d亿元，扶持小微企业技术改造，培育专精特新企业。\n\n", i, i%97)
	}
	start := time.Now()
	resp, body := postFiles(t, base, adminToken, upload{"大文件.txt", []byte(b.String())})
	if resp.StatusCode != http.StatusAccepted {
		t.Fatalf("upload: %d %v", resp.StatusCode, body)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the upload answered after %v: indexing is not the request's work", took)
	}
	id := int64(body["id"].(float64))
	// Shut down as soon as it makes progress; the catalog must not change.
	for {
		var task map[string]any
		getJSONFrom(t, base, fmt.Sprintf("/api/tasks/%d", id), 200, &task)
		if task["passages"].(float64) > 0 {
			if task["status"] != "processing" || task["files_total"].(float64) != 1 {
				t.Errorf("task in progress: %v", task)
			}
			break
		}
		if task["status"] == "succeeded" || task["status"] == "failed" {
			t.Fatalf("finished before any progress was seen: %v", task)
		}
		time.Sleep(5 * time.Millisecond)
	}
	stop()
	base, _ = serveDir(t, dir)
	var task map[string]any
	getJSONFrom(t, base, fmt.Sprintf("/api/tasks/%d", id), 200, &task)
	if task["status"] == "queued" || task["status"] == "processing" {
		// Mid-run on restart: nothing of it shows until it is complete.
		if got := catalogAt(t, base); task["status"] == "queued" && !reflect.DeepEqual(got, before) {
			t.Errorf("interrupted task changed the catalog: %+v, was %+v", got, before)
		}
	}
	task = waitTask(t, base, id)
	if task["status"] != "succeeded" || task["added"].(float64) != 1 {
		t.Fatalf("task after restart: %v", task)
	}
	after := catalogAt(t, base)
	if after.Documents != before.Documents+1 || after.Listed != after.Documents ||
		after.Passages != before.Passages+task["passages"].(float64) {
		t.Errorf("after the task: %+v (task %v), before %+v", after, task["passages"], before)
	}
}

// A file over 50 MB is refused (413) and leaves nothing behind; a body of
// 40 MB passes the server's limits and timeouts and becomes a task.
func TestUploadSizeLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 100 MB")
	}
	dir := t.TempDir()
	base, _ := serveDir(t, dir)
	big := bytes.Repeat([]byte("太谷区扶持小微企业。\n"), (50<<20)/30+1000) // just over 50 MB
	resp, body := postFiles(t, base, adminToken, upload{"过大.txt", big})
	if resp.StatusCode != http.StatusRequestEntityTooLarge || body["code"] != api.CodeBodyTooLarge ||
		!strings.Contains(body["error"].(string), "过大.txt") {
		t.Errorf("51 MB file: %d %v", resp.StatusCode, body)
	}
	if entries, _ := os.ReadDir(filepath.Join(dir, "tasks")); len(entries) != 0 {
		t.Errorf("refused upload left %d entries in data/tasks", len(entries))
	}
	resp, body = postFiles(t, base, adminToken, upload{"四十兆.txt", big[:40<<20]})
	if resp.StatusCode != http.StatusAccepted || body["files"].([]any)[0].(map[string]any)["size"].(float64) != 40<<20 {
		t.Errorf("40 MB file: %d %v", resp.StatusCode, body)
	}
}
