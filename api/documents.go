package api

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/kbase"
)

// Upload limits.
const (
	maxUploadFiles = 20
	maxUploadBody  = maxUploadFiles * (corpus.MaxFileSize + 1<<20)
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

type uploadError struct {
	File  string `json:"file"`
	Error string `json:"error"`
	Code  string `json:"code"`
}

// upload answers POST /api/documents (multipart, field "file", up to 20 files).
func (s *Server) upload(c *gin.Context) {
	kb := s.kb.Load()
	if kb == nil {
		fail(c, http.StatusServiceUnavailable, "知识库尚未就绪，请稍后再试")
		return
	}
	form, err := c.MultipartForm()
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(c, http.StatusRequestEntityTooLarge, "上传内容过大：每个文件最大 %d MB，一次最多 %d 个", corpus.MaxFileSize>>20, maxUploadFiles)
			return
		}
		fail(c, http.StatusBadRequest, "请以 multipart/form-data 上传，文件字段名为 file")
		return
	}
	defer form.RemoveAll()
	files := form.File["file"]
	switch {
	case len(files) == 0:
		fail(c, http.StatusBadRequest, "没有收到文件（字段名应为 file）")
		return
	case len(files) > maxUploadFiles:
		fail(c, http.StatusBadRequest, "一次最多上传 %d 个文件", maxUploadFiles)
		return
	}
	added := []documentJSON{}
	failed := []uploadError{}
	status := http.StatusCreated
	for _, fh := range files {
		doc, err := s.ingestOne(c, kb, fh.Filename, fh.Size, func() (io.ReadCloser, error) { return fh.Open() })
		if err != nil {
			failed = append(failed, uploadError{File: fh.Filename, Error: err.Error(), Code: codeForStatus(uploadStatus(err))})
			if len(added) == 0 {
				status = uploadStatus(err)
			}
			continue
		}
		added = append(added, s.toDocumentJSON(doc))
	}
	if len(added) > 0 {
		status = http.StatusCreated
	}
	body := gin.H{"documents": added, "errors": failed}
	if len(added) == 0 {
		body["error"] = failed[0].Error
		body["code"] = codeForStatus(status)
		if st, code, ok := contextFailure(c, status); ok { // timed out or abandoned, not our fault
			status, body["code"], body["error"] = st, code, timeoutMessage
		}
	}
	c.JSON(status, body)
}

func (s *Server) ingestOne(c *gin.Context, kb *kbase.KB, name string, size int64, open func() (io.ReadCloser, error)) (*corpus.Document, error) {
	if size > corpus.MaxFileSize {
		return nil, fmt.Errorf("%s: %w", name, corpus.ErrTooLarge)
	}
	f, err := open()
	if err != nil {
		return nil, fmt.Errorf("%s: 读取上传文件失败", name)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, corpus.MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: 读取上传文件失败", name)
	}
	if len(raw) > corpus.MaxFileSize {
		return nil, fmt.Errorf("%s: %w", name, corpus.ErrTooLarge)
	}
	doc, err := kb.Ingest(c.Request.Context(), name, raw)
	if err != nil {
		s.log.Info("upload refused", "file", name, "err", err)
	}
	return doc, err
}

// uploadStatus maps an ingestion error to its HTTP status.
func uploadStatus(err error) int {
	switch {
	case errors.Is(err, kbase.ErrDuplicate):
		return http.StatusConflict
	case errors.Is(err, corpus.ErrTooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, corpus.ErrUnsupported):
		return http.StatusUnsupportedMediaType
	case errors.Is(err, corpus.ErrEncrypted), errors.Is(err, corpus.ErrEmpty), errors.Is(err, corpus.ErrNoText),
		errors.Is(err, corpus.ErrNotText), errors.Is(err, corpus.ErrCorrupt), errors.Is(err, kbase.ErrBadName):
		return http.StatusUnprocessableEntity
	}
	return http.StatusInternalServerError // storing or indexing failed: not the file's fault
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
