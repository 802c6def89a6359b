package kbase

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shanxi-sme/kb/atomicfile"
	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/ingest"
)

// Uploads are indexed as tasks (as Meilisearch's /tasks): the files are
// stored in data/tasks/<id>/ and the task in data/tasks/<id>.json, then a
// single background worker ingests them one by one, not bound to the
// request that brought them. A task a shutdown interrupts is queued again
// on the next start (the file it was ingesting was rolled back).
const (
	tasksDir = "tasks"
	// maxFinishedTasks bounds the finished tasks kept for GET /api/tasks.
	maxFinishedTasks = 100
	// maxPendingTasks bounds the queue; more uploads are ErrQueueFull.
	maxPendingTasks = 100
)

// Task states.
const (
	TaskQueued     = "queued"
	TaskProcessing = "processing"
	TaskSucceeded  = "succeeded" // finished, at least one file added or all were duplicates
	TaskFailed     = "failed"    // finished, no file added and at least one failed
)

// File states within a task.
const (
	FilePending = "pending"
	FileAdded   = "added"
	FileFailed  = "failed"
)

// Stable error codes of a task's files (the API's codes).
const (
	CodeDuplicate   = "duplicate_document"
	CodeTooLarge    = "body_too_large"
	CodeUnsupported = "unsupported_format"
	CodeUnreadable  = "unreadable_file"
	CodeTimeout     = "parse_timeout" // the file was not read within ParseTimeout
	CodeInternal    = "internal"
)

// ErrQueueFull: too many uploads are waiting; retry later.
var ErrQueueFull = errors.New("待处理的上传任务过多，请稍后再试")

// ErrNoTask is returned for an unknown task id.
var ErrNoTask = errors.New("没有这个任务")

// TaskFile is one uploaded file of a task and what became of it.
type TaskFile struct {
	Name       string `json:"name"`
	Size       int64  `json:"size"`
	Status     string `json:"status"`
	DocumentID string `json:"document_id,omitempty"`
	Title      string `json:"title,omitempty"`
	Passages   int    `json:"passages,omitempty"`
	Error      string `json:"error,omitempty"`
	Code       string `json:"code,omitempty"`
}

// Task is one upload being indexed.
type Task struct {
	ID         int64      `json:"id"`
	Status     string     `json:"status"`
	EnqueuedAt time.Time  `json:"enqueued_at"`
	StartedAt  *time.Time `json:"started_at,omitempty"`
	FinishedAt *time.Time `json:"finished_at,omitempty"`
	FilesTotal int        `json:"files_total"`
	FilesDone  int        `json:"files_done"`
	Passages   int        `json:"passages"` // indexed so far, the current file included
	Added      int        `json:"added"`
	Failed     int        `json:"failed"`
	Files      []TaskFile `json:"files"`

	// resumed: the task was processing when the process ended; the file
	// it was on may have been ingested completely before the end came.
	resumed bool
}

func (t *Task) finished() bool { return t.Status == TaskSucceeded || t.Status == TaskFailed }

func (t *Task) clone() Task {
	c := *t
	c.Files = append([]TaskFile(nil), t.Files...)
	return c
}

type taskQueue struct {
	dir    string
	log    *slog.Logger
	mu     sync.Mutex
	tasks  map[int64]*Task
	nextID int64
	wake   chan struct{}
	cancel context.CancelFunc
	done   chan struct{}
}

// openTasks loads the tasks under dir: unfinished ones are queued again.
func openTasks(dir string, log *slog.Logger) (*taskQueue, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create task folder: %w", err)
	}
	q := &taskQueue{dir: dir, log: log, tasks: map[int64]*Task{}, nextID: 1, wake: make(chan struct{}, 1)}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read task folder: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			_ = os.RemoveAll(filepath.Join(dir, name)) // an interrupted upload or write
			continue
		}
		if e.IsDir() || !strings.HasSuffix(name, ".json") {
			continue
		}
		var t Task
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			err = json.Unmarshal(b, &t)
		}
		if err != nil || t.ID <= 0 || strconv.FormatInt(t.ID, 10)+".json" != name {
			log.Warn("damaged task record set aside", "file", name, "err", err)
			q.setAside(name)
			continue
		}
		if !t.finished() {
			if t.Status == TaskProcessing {
				log.Warn("task interrupted by a shutdown queued again", "task", t.ID)
				t.resumed = true
			}
			t.Status = TaskQueued
		}
		q.tasks[t.ID] = &t
		q.nextID = max(q.nextID, t.ID+1)
	}
	// Folders of files whose task record is gone belong to nobody.
	for _, e := range entries {
		if id, err := strconv.ParseInt(e.Name(), 10, 64); err == nil && e.IsDir() {
			if t, ok := q.tasks[id]; !ok || t.finished() {
				_ = os.RemoveAll(filepath.Join(dir, e.Name()))
			}
		}
	}
	return q, nil
}

func (q *taskQueue) setAside(name string) {
	qdir := filepath.Join(filepath.Dir(q.dir), quarantineDir)
	_ = os.MkdirAll(qdir, 0o755)
	if err := os.Rename(filepath.Join(q.dir, name), filepath.Join(qdir, "task-"+name)); err != nil {
		q.log.Error("damaged task record cannot be moved", "file", name, "err", err)
	}
}

// save writes a task record; the caller holds q.mu.
func (q *taskQueue) save(t *Task) error {
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return fmt.Errorf("encode task: %w", err)
	}
	if err := atomicfile.WriteBytes(filepath.Join(q.dir, strconv.FormatInt(t.ID, 10)+".json"), b); err != nil {
		return fmt.Errorf("write task %d: %w", t.ID, err)
	}
	return nil
}

// prune drops the oldest finished tasks beyond maxFinishedTasks; the
// caller holds q.mu.
func (q *taskQueue) prune() {
	var fin []int64
	for id, t := range q.tasks {
		if t.finished() {
			fin = append(fin, id)
		}
	}
	if len(fin) <= maxFinishedTasks {
		return
	}
	sort.Slice(fin, func(i, j int) bool { return fin[i] < fin[j] })
	for _, id := range fin[:len(fin)-maxFinishedTasks] {
		delete(q.tasks, id)
		_ = os.Remove(filepath.Join(q.dir, strconv.FormatInt(id, 10)+".json"))
	}
}

// Upload collects the files of one upload before it becomes a task.
type Upload struct {
	kb    *KB
	tmp   string
	files []TaskFile
}

// NewUpload starts an upload: its files are written to a private folder
// that Commit turns into a task and Abort removes.
func (kb *KB) NewUpload() (*Upload, error) {
	tmp, err := os.MkdirTemp(kb.tasks.dir, ".upload-")
	if err != nil {
		return nil, fmt.Errorf("create upload folder: %w", err)
	}
	return &Upload{kb: kb, tmp: tmp}, nil
}

// AddFile stores one file of the upload; a file over ingest.MaxFileSize
// is an error wrapping ingest.ErrTooLarge (nothing of it is kept).
func (u *Upload) AddFile(name string, r io.Reader) error {
	path := filepath.Join(u.tmp, strconv.Itoa(len(u.files)))
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return fmt.Errorf("create upload file: %w", err)
	}
	n, err := io.Copy(f, io.LimitReader(r, ingest.MaxFileSize+1))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		_ = os.Remove(path)
		return fmt.Errorf("store uploaded file %s: %w", name, err)
	}
	if n > ingest.MaxFileSize {
		_ = os.Remove(path)
		return fmt.Errorf("%s: %w（上限 %d MB）", name, ingest.ErrTooLarge, ingest.MaxFileSize>>20)
	}
	u.files = append(u.files, TaskFile{Name: name, Size: n, Status: FilePending})
	return nil
}

// Files is the number of files added so far.
func (u *Upload) Files() int { return len(u.files) }

// Abort drops the upload.
func (u *Upload) Abort() { _ = os.RemoveAll(u.tmp) }

// Commit turns the upload into a queued task and wakes the worker.
func (u *Upload) Commit() (Task, error) {
	q := u.kb.tasks
	q.mu.Lock()
	defer q.mu.Unlock()
	pending := 0
	for _, t := range q.tasks {
		if !t.finished() {
			pending++
		}
	}
	if pending >= maxPendingTasks {
		u.Abort()
		return Task{}, ErrQueueFull
	}
	t := &Task{ID: q.nextID, Status: TaskQueued, EnqueuedAt: time.Now().UTC(), FilesTotal: len(u.files), Files: u.files}
	if err := atomicfile.SyncDir(u.tmp); err != nil {
		u.Abort()
		return Task{}, err
	}
	if err := os.Rename(u.tmp, filepath.Join(q.dir, strconv.FormatInt(t.ID, 10))); err != nil {
		u.Abort()
		return Task{}, fmt.Errorf("queue upload: %w", err)
	}
	if err := q.save(t); err != nil {
		_ = os.RemoveAll(filepath.Join(q.dir, strconv.FormatInt(t.ID, 10)))
		return Task{}, err
	}
	q.nextID++
	q.tasks[t.ID] = t
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return t.clone(), nil
}

// Task returns a task by id.
func (kb *KB) Task(id int64) (Task, error) {
	q := kb.tasks
	q.mu.Lock()
	defer q.mu.Unlock()
	t, ok := q.tasks[id]
	if !ok {
		return Task{}, fmt.Errorf("task %d: %w", id, ErrNoTask)
	}
	return t.clone(), nil
}

// Tasks returns up to limit tasks, newest first.
func (kb *KB) Tasks(limit int) []Task {
	q := kb.tasks
	q.mu.Lock()
	defer q.mu.Unlock()
	ids := make([]int64, 0, len(q.tasks))
	for id := range q.tasks {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] > ids[j] })
	if limit > 0 && len(ids) > limit {
		ids = ids[:limit]
	}
	out := make([]Task, len(ids))
	for i, id := range ids {
		out[i] = q.tasks[id].clone()
	}
	return out
}

// StartTasks starts the background worker that ingests queued uploads.
// Close stops it; the file it was ingesting is rolled back and its task
// queued again on the next start.
func (kb *KB) StartTasks() {
	q := kb.tasks
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.cancel != nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	q.cancel, q.done = cancel, make(chan struct{})
	go kb.work(ctx)
}

// stop stops the worker and waits for it.
func (q *taskQueue) stop() {
	q.mu.Lock()
	cancel, done := q.cancel, q.done
	q.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

func (kb *KB) work(ctx context.Context) {
	q := kb.tasks
	defer close(q.done)
	for {
		if t := q.next(); t != nil {
			kb.runTask(ctx, t)
		}
		if ctx.Err() != nil {
			return
		}
		if q.next() != nil {
			continue
		}
		select {
		case <-ctx.Done():
			return
		case <-q.wake:
		}
	}
}

// next returns the oldest unfinished task.
func (q *taskQueue) next() *Task {
	q.mu.Lock()
	defer q.mu.Unlock()
	var best *Task
	for _, t := range q.tasks {
		if !t.finished() && (best == nil || t.ID < best.ID) {
			best = t
		}
	}
	return best
}

// runTask ingests the pending files of t, recording each result.
func (kb *KB) runTask(ctx context.Context, t *Task) {
	q := kb.tasks
	folder := filepath.Join(q.dir, strconv.FormatInt(t.ID, 10))
	q.mu.Lock()
	now := time.Now().UTC()
	t.Status, t.StartedAt = TaskProcessing, &now
	if err := q.save(t); err != nil {
		kb.log.Error("task state not saved", "task", t.ID, "err", err)
	}
	q.mu.Unlock()
	for i := range t.Files {
		q.mu.Lock()
		f := t.Files[i]
		base := t.Passages
		q.mu.Unlock()
		if f.Status != FilePending {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(folder, strconv.Itoa(i)))
		var doc *corpus.Document
		if err == nil {
			doc, err = kb.IngestProgress(ctx, f.Name, raw, func(n int) {
				q.mu.Lock()
				t.Passages = base + n
				q.mu.Unlock()
			})
		} else {
			err = fmt.Errorf("read uploaded file: %w", err)
		}
		q.mu.Lock() // t is read by Task() under the lock
		resumed := t.resumed
		t.resumed = false
		q.mu.Unlock()
		if resumed && errors.Is(err, ErrDuplicate) {
			// Ingested before the interruption, recorded only now.
			if r, ok, _ := kb.store.FindHash(hashOf(raw)); ok {
				if d, ok := kb.index.Library().Document(r.ID); ok {
					doc, err = d, nil
				}
			}
		}
		if ctx.Err() != nil {
			// Shut down mid-file: it was rolled back; the task runs again on the next start.
			q.mu.Lock()
			t.Passages = base
			q.mu.Unlock()
			kb.log.Info("task interrupted by shutdown; it is queued again on the next start", "task", t.ID)
			return
		}
		q.mu.Lock()
		if err != nil {
			f.Status, f.Code, f.Error = FileFailed, ErrorCode(err), userMessage(f.Name, err)
			t.Failed++
			t.Passages = base
			if f.Code == CodeInternal {
				kb.log.Error("upload not ingested", "task", t.ID, "file", f.Name, "err", err)
			} else {
				kb.log.Info("upload refused", "task", t.ID, "file", f.Name, "err", err)
			}
		} else {
			f.Status, f.DocumentID, f.Title, f.Passages = FileAdded, doc.ID, doc.Title, len(doc.Passages)
			t.Added++
			t.Passages = base + len(doc.Passages)
		}
		t.Files[i] = f
		t.FilesDone++
		if err := q.save(t); err != nil {
			kb.log.Error("task state not saved", "task", t.ID, "err", err)
		}
		q.mu.Unlock()
		_ = os.Remove(filepath.Join(folder, strconv.Itoa(i)))
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	finished := time.Now().UTC() // a new variable: StartedAt points at now
	t.FinishedAt = &finished
	t.Status = TaskSucceeded
	if t.Added == 0 && t.Failed > 0 {
		dupOnly := true
		for _, f := range t.Files {
			dupOnly = dupOnly && (f.Status != FileFailed || f.Code == CodeDuplicate)
		}
		if !dupOnly {
			t.Status = TaskFailed
		}
	}
	if err := q.save(t); err != nil {
		kb.log.Error("task state not saved", "task", t.ID, "err", err)
	}
	_ = os.RemoveAll(folder)
	q.prune()
}

func hashOf(raw []byte) string {
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// ErrorCode is the stable code of an ingestion error.
func ErrorCode(err error) string {
	switch {
	case errors.Is(err, ErrDuplicate):
		return CodeDuplicate
	case errors.Is(err, ingest.ErrTooLarge):
		return CodeTooLarge
	case errors.Is(err, ingest.ErrTimeout):
		return CodeTimeout
	case errors.Is(err, ingest.ErrUnsupported):
		return CodeUnsupported
	case errors.Is(err, ingest.ErrEncrypted), errors.Is(err, ingest.ErrEmpty), errors.Is(err, ingest.ErrNoText),
		errors.Is(err, ingest.ErrNotText), errors.Is(err, ingest.ErrCorrupt), errors.Is(err, ErrBadName):
		return CodeUnreadable
	}
	return CodeInternal
}

// userMessage is the Chinese message of an ingestion error: the error
// itself when it is the file's fault (its text is written for users),
// a general one when it is ours.
func userMessage(name string, err error) string {
	if ErrorCode(err) == CodeInternal {
		return name + "：收录失败（服务器内部错误），请稍后重试；详情见服务日志"
	}
	return err.Error()
}
