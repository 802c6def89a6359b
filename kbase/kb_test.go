package kbase

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/index"
)

var (
	testParts *Parts
	quiet     = slog.New(slog.NewTextHandler(io.Discard, nil))
)

func TestMain(m *testing.M) {
	var err error
	if testParts, err = Load(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func open(t *testing.T, dir string) *KB {
	t.Helper()
	kb, err := testParts.Open(context.Background(), dir, quiet, embedding.Config{})
	if err != nil {
		t.Fatalf("open catalog: %v", err)
	}
	return kb
}

// longDoc is a plain text document of n passages, distinct per seed.
func longDoc(seed string, n int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "%s县推进楼宇经济发展的做法\n\n一、主要做法\n\n", seed)
	for i := range n {
		fmt.Fprintf(&b, "%s第%d项措施：小店区建设商务楼宇，引进总部企业%d家，培育专精特新企业，编号%s%d。\n\n", seed, i+1, i+3, seed, i)
	}
	return []byte(b.String())
}

// state is what must not change when an ingest fails: passages indexed,
// documents held and the facet counts.
type state struct {
	Count    uint64
	Docs     int
	Facets   map[string][]index.FacetValue
	Searched int
}

func stateOf(t *testing.T, kb *KB) state {
	t.Helper()
	n, err := kb.Index().Count()
	if err != nil {
		t.Fatal(err)
	}
	f, err := kb.Index().Facets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	res, err := kb.Index().Search(context.Background(), index.Request{Query: "楼宇", Size: 1})
	if err != nil {
		t.Fatal(err)
	}
	return state{Count: n, Docs: len(kb.Index().Library().Documents()), Facets: f, Searched: int(res.Total)}
}

func TestCancelledIngestLeavesIndexUnchanged(t *testing.T) {
	dir := t.TempDir()
	kb := open(t, dir)
	before := stateOf(t, kb)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel once the first batch is in: the batches written must go again.
	_, err := kb.IngestProgress(ctx, "长文.txt", longDoc("甲", 2500), func(int) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled ingest: err = %v", err)
	}
	if got := stateOf(t, kb); !reflect.DeepEqual(got, before) {
		t.Fatalf("cancelled ingest changed the index: %+v, was %+v", got, before)
	}
	if recs, _ := kb.store.List(); len(recs) != 0 {
		t.Fatalf("cancelled ingest left %d stored documents", len(recs))
	}
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}
	kb = open(t, dir)
	defer kb.Close()
	if got := stateOf(t, kb); !reflect.DeepEqual(got, before) {
		t.Fatalf("after a restart: %+v, was %+v", got, before)
	}
}

// A process killed half way through an ingest (simulated by a panic after
// the first batch: no rollback runs) is rolled back on the next start.
func TestKilledIngestRolledBackOnOpen(t *testing.T) {
	dir := t.TempDir()
	kb := open(t, dir)
	before := stateOf(t, kb)
	func() {
		defer func() { _ = recover() }()
		_, _ = kb.IngestProgress(context.Background(), "长文.txt", longDoc("乙", 2500), func(int) { panic("killed") })
	}()
	if n, _ := kb.Index().Count(); n == before.Count {
		t.Fatal("the simulated kill left no passages behind; the test proves nothing")
	}
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}
	var logged bytes.Buffer
	kb, err := testParts.Open(context.Background(), dir, slog.New(slog.NewTextHandler(&logged, nil)), embedding.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	if got := stateOf(t, kb); !reflect.DeepEqual(got, before) {
		t.Fatalf("after a restart: %+v, was %+v", got, before)
	}
	if recs, _ := kb.store.List(); len(recs) != 0 {
		t.Fatalf("killed ingest left %d stored documents", len(recs))
	}
	// Repaired in place: the stray passages deleted, no rebuild.
	if log := logged.String(); !strings.Contains(log, "interrupted ingest was rolled back") ||
		!strings.Contains(log, "does not hold were deleted") || strings.Contains(log, "rebuilding") {
		t.Errorf("log of the repairing start:\n%s", log)
	}
	// And the same file can be brought again.
	if _, err := kb.Ingest(context.Background(), "长文.txt", longDoc("乙", 30)); err != nil {
		t.Fatal(err)
	}
}

// Passages of a document the store does not hold (left by older versions,
// or an ingest killed before its journal record) are deleted on start.
func TestOpenDeletesForeignPassages(t *testing.T) {
	dir := t.TempDir()
	kb := open(t, dir)
	before := stateOf(t, kb)
	doc, err := kb.Ingest(context.Background(), "a.txt", longDoc("丙", 20))
	if err != nil {
		t.Fatal(err)
	}
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}
	// The original goes behind the catalog's back; its passages stay indexed.
	if err := os.RemoveAll(filepath.Join(dir, documentsDir, doc.ID)); err != nil {
		t.Fatal(err)
	}
	kb = open(t, dir)
	defer kb.Close()
	if got := stateOf(t, kb); !reflect.DeepEqual(got, before) {
		t.Fatalf("after a restart: %+v, was %+v", got, before)
	}
}

func TestFailedIngestLeavesIndexUnchanged(t *testing.T) {
	dir := t.TempDir()
	kb := open(t, dir)
	defer kb.Close()
	before := stateOf(t, kb)
	for _, f := range []struct{ name, text string }{{"空.txt", ""}, {"表.xlsx", "x"}, {"../", "abc"}} {
		if _, err := kb.Ingest(context.Background(), f.name, []byte(f.text)); err == nil {
			t.Errorf("%s ingested", f.name)
		}
	}
	doc, err := kb.Ingest(context.Background(), "a.txt", longDoc("丁", 5))
	if err != nil {
		t.Fatal(err)
	}
	after := stateOf(t, kb)
	if _, err := kb.Ingest(context.Background(), "b.txt", longDoc("丁", 5)); !errors.Is(err, ErrDuplicate) {
		t.Errorf("duplicate: %v", err)
	}
	if got := stateOf(t, kb); !reflect.DeepEqual(got, after) {
		t.Fatalf("a refused duplicate changed the index")
	}
	if err := kb.Delete(context.Background(), doc.ID); err != nil {
		t.Fatal(err)
	}
	if got := stateOf(t, kb); !reflect.DeepEqual(got, before) {
		t.Fatalf("ingest then delete: %+v, was %+v", got, before)
	}
}

func TestSecondOpenFailsWithLockError(t *testing.T) {
	dir := t.TempDir()
	kb := open(t, dir)
	_, err := testParts.Open(context.Background(), dir, quiet, embedding.Config{})
	var le *LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("second open: %v", err)
	}
	// The holder is untouched by the attempt.
	if _, err := kb.Ingest(context.Background(), "a.txt", longDoc("戊", 5)); err != nil {
		t.Fatal(err)
	}
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}
	kb = open(t, dir)
	defer kb.Close()
	if recs, _ := kb.store.List(); len(recs) != 1 {
		t.Fatalf("stored documents = %d, want 1", len(recs))
	}
}

func TestDamagedRecordsDoNotStopOpen(t *testing.T) {
	dir := t.TempDir()
	kb := open(t, dir)
	a, err := kb.Ingest(context.Background(), "a.txt", longDoc("己", 5))
	if err != nil {
		t.Fatal(err)
	}
	b, err := kb.Ingest(context.Background(), "b.txt", longDoc("庚", 5))
	if err != nil {
		t.Fatal(err)
	}
	c, err := kb.Ingest(context.Background(), "c.txt", longDoc("辛", 5))
	if err != nil {
		t.Fatal(err)
	}
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}
	docs := filepath.Join(dir, documentsDir)
	if err := os.WriteFile(filepath.Join(docs, a.ID, "meta.json"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(docs, b.ID, "parsed.json"), []byte("{garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	// c's original is overwritten: its stored parsed form is used, not a re-parse.
	if err := os.WriteFile(filepath.Join(docs, c.ID, "original.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	kb = open(t, dir)
	defer kb.Close()
	lib := kb.Index().Library()
	if _, ok := lib.Document(a.ID); ok {
		t.Error("document with an empty meta.json is searchable")
	}
	if _, ok := lib.Document(b.ID); !ok {
		t.Error("document with a corrupt parsed.json was not parsed again")
	}
	if _, ok := lib.Document(c.ID); !ok {
		t.Error("stored parsed document not used")
	}
	q, _ := os.ReadDir(filepath.Join(dir, quarantineDir))
	if len(q) != 2 {
		t.Errorf("quarantine holds %d entries, want 2 (a's folder, b's parsed.json)", len(q))
	}
	if n, _ := kb.Index().Count(); int(n) != len(lib.Passages()) {
		t.Errorf("index %d passages, library %d", n, len(lib.Passages()))
	}
}

func waitTask(t *testing.T, kb *KB, id int64) Task {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		task, err := kb.Task(id)
		if err != nil {
			t.Fatal(err)
		}
		if task.finished() {
			return task
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("task did not finish")
	return Task{}
}

func TestTasksReportProgressAndErrors(t *testing.T) {
	dir := t.TempDir()
	kb := open(t, dir)
	defer func() { kb.Close() }()
	kb.StartTasks()
	up, err := kb.NewUpload()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct{ name, text string }{
		{"好.txt", string(longDoc("壬", 1200))}, {"表.xlsx", "x"}, {"空.txt", ""}, {"重复.md", string(longDoc("壬", 1200))},
	} {
		if err := up.AddFile(f.name, strings.NewReader(f.text)); err != nil {
			t.Fatal(err)
		}
	}
	task, err := up.Commit()
	if err != nil || task.Status != TaskQueued || task.FilesTotal != 4 {
		t.Fatalf("commit: %+v %v", task, err)
	}
	sawProgress := false
	for {
		cur, _ := kb.Task(task.ID)
		if cur.Status == TaskProcessing && cur.Passages > 0 && cur.FilesDone == 0 {
			sawProgress = true
		}
		if cur.finished() {
			break
		}
		time.Sleep(time.Millisecond)
	}
	got := waitTask(t, kb, task.ID)
	if got.Status != TaskSucceeded || got.Added != 1 || got.Failed != 3 || got.FilesDone != 4 || got.Passages < 1200 {
		t.Fatalf("task = %+v", got)
	}
	codes := []string{}
	for _, f := range got.Files {
		codes = append(codes, f.Code)
		if f.Status == FileFailed && (f.Error == "" || !strings.Contains(f.Error, f.Name)) {
			t.Errorf("file error %q does not name %s", f.Error, f.Name)
		}
	}
	if want := []string{"", CodeUnsupported, CodeUnreadable, CodeDuplicate}; !reflect.DeepEqual(codes, want) {
		t.Errorf("codes = %v, want %v", codes, want)
	}
	if !sawProgress {
		t.Log("no progress seen mid-file (the file indexed too fast)")
	}
	// Tasks persist across a restart.
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}
	kb = open(t, dir)
	if again, err := kb.Task(task.ID); err != nil || again.Status != TaskSucceeded || len(kb.Tasks(10)) != 1 {
		t.Fatalf("after restart: %+v %v", again, err)
	}
	if _, err := os.Stat(filepath.Join(dir, tasksDir, fmt.Sprint(task.ID))); !os.IsNotExist(err) {
		t.Errorf("files of a finished task kept: %v", err)
	}
}

// A task interrupted by shutdown runs again on the next start; the file
// it was ingesting was rolled back.
func TestTaskInterruptedByShutdownRunsAgain(t *testing.T) {
	dir := t.TempDir()
	kb := open(t, dir)
	before := stateOf(t, kb)
	up, _ := kb.NewUpload()
	if err := up.AddFile("长.txt", strings.NewReader(string(longDoc("癸", 3000)))); err != nil {
		t.Fatal(err)
	}
	task, err := up.Commit()
	if err != nil {
		t.Fatal(err)
	}
	kb.StartTasks()
	for {
		cur, _ := kb.Task(task.ID)
		if cur.Passages > 0 || cur.finished() {
			break
		}
		time.Sleep(time.Millisecond)
	}
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}
	kb = open(t, dir)
	defer kb.Close()
	cur, _ := kb.Task(task.ID)
	if cur.finished() {
		t.Skip("the task finished before the shutdown")
	}
	if got := stateOf(t, kb); !reflect.DeepEqual(got, before) {
		t.Fatalf("interrupted task changed the index: %+v, was %+v", got, before)
	}
	if cur.Status != TaskQueued {
		t.Fatalf("interrupted task = %s, want queued", cur.Status)
	}
	kb.StartTasks()
	if got := waitTask(t, kb, task.ID); got.Status != TaskSucceeded || got.Added != 1 {
		t.Fatalf("task after restart = %+v", got)
	}
}

// A task killed after its file was ingested but before the task recorded
// it reports the file as added, not as a duplicate of itself.
func TestResumedTaskRecordsFileIngestedBeforeTheEnd(t *testing.T) {
	dir := t.TempDir()
	kb := open(t, dir)
	raw := longDoc("甲乙", 5)
	up, _ := kb.NewUpload()
	if err := up.AddFile("a.txt", strings.NewReader(string(raw))); err != nil {
		t.Fatal(err)
	}
	task, err := up.Commit()
	if err != nil {
		t.Fatal(err)
	}
	// The worker's ingest went through; the process ended before the task record followed.
	doc, err := kb.Ingest(context.Background(), "a.txt", raw)
	if err != nil {
		t.Fatal(err)
	}
	kb.tasks.mu.Lock()
	kb.tasks.tasks[task.ID].Status = TaskProcessing
	if err := kb.tasks.save(kb.tasks.tasks[task.ID]); err != nil {
		t.Fatal(err)
	}
	kb.tasks.mu.Unlock()
	kb.Close()
	kb = open(t, dir)
	defer kb.Close()
	kb.StartTasks()
	got := waitTask(t, kb, task.ID)
	if got.Status != TaskSucceeded || got.Files[0].Status != FileAdded || got.Files[0].DocumentID != doc.ID {
		t.Fatalf("resumed task = %+v", got)
	}
}
