package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/ingest"
	"github.com/shanxi-sme/kb/kbase"
)

// Upload limits: each file up to ingest.MaxFileSize (50 MB), and the
// request body up to four such files; more go in further requests.
const (
	maxUploadFiles = 20
	maxUploadBody  = 4*ingest.MaxFileSize + 1<<20
)

type documentJSON struct {
	ID       string     `json:"id"`
	Title    string     `json:"title"`
	Issuer   string     `json:"issuer"`
	Date     string     `json:"date"`
	Year     int        `json:"year,omitempty"`
	Format   string     `json:"format"`
	Source   string     `json:"source"`
	Passages int        `json:"passages"`
	Cases    int        `json:"cases"`
	Builtin  bool       `json:"builtin"`
	Added    *time.Time `json:"added,omitempty"`
}

func (s *Server) toDocumentJSON(d *corpus.Document) documentJSON {
	out := documentJSON{ID: d.ID, Title: d.Title, Issuer: d.Issuer, Date: d.Date, Year: d.Year, Format: d.Format,
		Source: d.Source, Passages: len(d.Passages), Cases: len(d.Cases)}
	if kb := s.kb.Load(); kb != nil {
		out.Builtin = kb.Builtin(d.ID)
		if r, ok := kb.Record(d.ID); ok {
			out.Added = &r.Added
		}
	} else {
		out.Builtin = true
	}
	if out.Format == "" {
		out.Format = "txt"
	}
	return out
}

// documents answers GET /api/documents: what the knowledge base holds.
func (s *Server) documents(c *gin.Context) {
	if err := checkParams(c.Request.URL.Query()); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	out := []documentJSON{}
	for _, d := range s.index().Library().Documents() {
		out = append(out, s.toDocumentJSON(d))
	}
	c.JSON(http.StatusOK, gin.H{"documents": out})
}

// Upload transfer limits: a 50 MB file must arrive over a slow line too,
// so the upload lifts the server's read and write deadlines to these.
const (
	uploadReadTimeout  = 10 * time.Minute
	uploadWriteTimeout = uploadReadTimeout + time.Minute
)

// upload answers POST /api/documents (multipart, field "file", up to 20
// files of up to 50 MB): the files are stored as a task and the answer is
// 202 with the task; a background worker indexes them (GET /api/tasks/:id).
func (s *Server) upload(c *gin.Context) {
	kb := s.kb.Load()
	if kb == nil {
		fail(c, http.StatusServiceUnavailable, "知识库尚未就绪，请稍后再试")
		return
	}
	// The request timeout bounds work, not the transfer of a large body.
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetReadDeadline(time.Now().Add(uploadReadTimeout))
	_ = rc.SetWriteDeadline(time.Now().Add(uploadWriteTimeout))
	mr, err := c.Request.MultipartReader()
	if err != nil {
		fail(c, http.StatusBadRequest, "请以 multipart/form-data 上传，文件字段名为 file")
		return
	}
	up, err := kb.NewUpload()
	if err != nil {
		s.log.Error("upload folder", "err", err)
		fail(c, http.StatusInternalServerError, "上传失败：无法保存文件")
		return
	}
	committed := false
	defer func() {
		if !committed {
			up.Abort()
		}
	}()
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.uploadReadFailed(c, err)
			return
		}
		if part.FormName() != "file" || part.FileName() == "" {
			_ = part.Close()
			continue
		}
		if up.Files() >= maxUploadFiles {
			fail(c, http.StatusBadRequest, "一次最多上传 %d 个文件", maxUploadFiles)
			return
		}
		err = up.AddFile(part.FileName(), part)
		_ = part.Close()
		if errors.Is(err, ingest.ErrTooLarge) {
			failCode(c, http.StatusRequestEntityTooLarge, CodeBodyTooLarge, "%s：文件过大，每个文件最大 %d MB", part.FileName(), ingest.MaxFileSize>>20)
			return
		}
		if err != nil {
			s.uploadReadFailed(c, err)
			return
		}
	}
	if up.Files() == 0 {
		fail(c, http.StatusBadRequest, "没有收到文件（字段名应为 file）")
		return
	}
	task, err := up.Commit()
	committed = true // Commit cleans up after itself
	switch {
	case errors.Is(err, kbase.ErrQueueFull):
		c.Header("Retry-After", "30")
		failCode(c, http.StatusServiceUnavailable, CodeOverloaded, "%s", err)
		return
	case err != nil:
		s.log.Error("queue upload", "err", err)
		fail(c, http.StatusInternalServerError, "上传失败：无法保存文件")
		return
	}
	s.log.Info("upload queued", "task", task.ID, "files", task.FilesTotal)
	c.Header("Location", fmt.Sprintf("/api/tasks/%d", task.ID))
	c.JSON(http.StatusAccepted, task)
}

// uploadReadFailed answers an upload whose body could not be read.
func (s *Server) uploadReadFailed(c *gin.Context, err error) {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		fail(c, http.StatusRequestEntityTooLarge, "上传内容过大：每个文件最大 %d MB，一次最多 %d 个，合计最多 %d MB",
			ingest.MaxFileSize>>20, maxUploadFiles, maxUploadBody>>20)
		return
	}
	s.log.Info("upload body unreadable", "err", err)
	fail(c, http.StatusBadRequest, "上传内容不完整或格式有误：请以 multipart/form-data 上传，文件字段名为 file")
}

// maxTaskList bounds GET /api/tasks.
const maxTaskList = 100

// tasks answers GET /api/tasks?limit=20: the recent upload tasks, newest first.
func (s *Server) tasks(c *gin.Context) {
	if err := checkParams(c.Request.URL.Query(), "limit"); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	limit := 20
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > maxTaskList {
			failCode(c, http.StatusBadRequest, CodeBadParameter, "limit 应为 1 到 %d 之间的整数", maxTaskList)
			return
		}
		limit = n
	}
	kb := s.kb.Load()
	if kb == nil { // read-only: no uploads, no tasks
		c.JSON(http.StatusOK, gin.H{"tasks": []kbase.Task{}})
		return
	}
	c.JSON(http.StatusOK, gin.H{"tasks": kb.Tasks(limit)})
}

// task answers GET /api/tasks/:id: an upload's state and progress.
func (s *Server) task(c *gin.Context) {
	if err := checkParams(c.Request.URL.Query()); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	kb := s.kb.Load()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if kb == nil || err != nil || id < 1 {
		fail(c, http.StatusNotFound, "没有编号为 %q 的任务", c.Param("id"))
		return
	}
	t, err := kb.Task(id)
	if errors.Is(err, kbase.ErrNoTask) {
		fail(c, http.StatusNotFound, "没有编号为 %d 的任务（只保留最近 100 个已完成的任务）", id)
		return
	}
	if err != nil {
		s.log.Error("task", "id", id, "err", err)
		fail(c, http.StatusInternalServerError, "读取任务失败")
		return
	}
	c.JSON(http.StatusOK, t)
}

// deleteDocument answers DELETE /api/documents/:id.
func (s *Server) deleteDocument(c *gin.Context) {
	kb := s.kb.Load()
	if kb == nil {
		fail(c, http.StatusServiceUnavailable, "知识库尚未就绪，请稍后再试")
		return
	}
	err := kb.Delete(c.Request.Context(), c.Param("id"))
	switch {
	case err == nil:
		c.JSON(http.StatusOK, gin.H{"deleted": c.Param("id")})
	case errors.Is(err, kbase.ErrBuiltin):
		fail(c, http.StatusForbidden, "%s", err)
	case errors.Is(err, kbase.ErrNotFound):
		fail(c, http.StatusNotFound, "没有编号为 %q 的文档", c.Param("id"))
	default:
		s.log.Error("delete failed", "id", c.Param("id"), "err", err)
		fail(c, http.StatusInternalServerError, "删除失败")
	}
}

// uploadStatus maps a file reading error to its HTTP status.
func uploadStatus(err error) int {
	switch kbase.ErrorCode(err) {
	case kbase.CodeDuplicate:
		return http.StatusConflict
	case kbase.CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case kbase.CodeUnsupported:
		return http.StatusUnsupportedMediaType
	case kbase.CodeUnreadable, kbase.CodeTimeout:
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError
}
