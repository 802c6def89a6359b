package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/shanxi-sme/kb/ingest"
	"github.com/shanxi-sme/kb/kbase"
	"github.com/shanxi-sme/kb/relate"
)

// Limits of a link request: the draft's characters, an uploaded draft
// file, and the time its parsing may take. A draft of any honest size is
// read in well under a second; the parse gets a share of the request's
// time (15 s by default) so that a file too complex to read in it is told
// apart from a link that ran out of time: 422 parse_timeout, not 504.
const (
	maxLinkText      = 200_000
	maxLinkFile      = 20 << 20
	linkParseTimeout = 10 * time.Second
)

type linkRequest struct {
	Text string `json:"text"`
}

type linkJSON struct {
	ID       string   `json:"id"`
	Title    string   `json:"title"`
	County   string   `json:"county"`
	Case     *caseRef `json:"case"`
	Citation string   `json:"citation"`
	Score    float64  `json:"score"`
	Terms    []string `json:"terms"`
	Concepts []string `json:"concepts"`
	Places   []string `json:"places"` // the case's county, named by the paragraph beside topical evidence
}

type caseRef struct {
	Number int    `json:"number"`
	Title  string `json:"title"`
}

type paragraphJSON struct {
	Index int        `json:"index"`
	Start int        `json:"start"` // character offsets into "text"
	End   int        `json:"end"`
	Text  string     `json:"text"`
	Links []linkJSON `json:"links"`
	// Heading marks a title line (short, no sentence punctuation).
	Heading bool `json:"heading"`
}

type linkBody struct {
	Text       string          `json:"text"`
	Paragraphs []paragraphJSON `json:"paragraphs"`
	Linked     int             `json:"linked"` // paragraphs with at least one link
}

// link answers POST /api/link with {"text": "…"}: the draft split into
// paragraphs, each with the cases it relates to.
func (s *Server) link(c *gin.Context) {
	if err := checkParams(c.Request.URL.Query()); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	text, ok := s.readLinkText(c)
	if !ok {
		return
	}
	paras, err := s.relate().Link(c.Request.Context(), text)
	if errors.Is(err, relate.ErrBadRequest) {
		fail(c, http.StatusBadRequest, "%s", trimBadRequest(err))
		return
	}
	if err != nil {
		if c.Request.Context().Err() == nil { // else the client left or time ran out: not our error
			s.log.Error("link failed", "err", err)
		}
		fail(c, http.StatusInternalServerError, "关联失败")
		return
	}
	c.JSON(http.StatusOK, toLinkBody(s, text, paras))
}

// readLinkText reads the draft from a JSON body ({"text": …}) or from an
// uploaded file (multipart field "file", any format documents are read
// in); it answers the error itself.
func (s *Server) readLinkText(c *gin.Context) (string, bool) {
	switch c.ContentType() {
	case "application/json":
	case "multipart/form-data":
		return s.readLinkFile(c)
	default:
		fail(c, http.StatusUnsupportedMediaType, "请以 JSON 提交 {\"text\": \"…\"}，或以 multipart/form-data 上传文件（字段名 file）")
		return "", false
	}
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(c, http.StatusRequestEntityTooLarge, "请求体过大")
			return "", false
		}
		fail(c, http.StatusBadRequest, "读取请求失败")
		return "", false
	}
	if !utf8.Valid(raw) {
		// encoding/json would quietly replace bad bytes; say so instead.
		fail(c, http.StatusBadRequest, "请求不是有效的 UTF-8 文本")
		return "", false
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var req linkRequest
	if err := dec.Decode(&req); err != nil {
		fail(c, http.StatusBadRequest, "请求不是有效的 JSON：%s", jsonProblem(err))
		return "", false
	}
	if dec.More() {
		fail(c, http.StatusBadRequest, "请求体只能包含一个 JSON 对象")
		return "", false
	}
	text := strings.ReplaceAll(strings.ReplaceAll(req.Text, "\r\n", "\n"), "\r", "\n")
	switch {
	case !utf8.ValidString(text):
		fail(c, http.StatusBadRequest, "文本不是有效的 UTF-8")
		return "", false
	case strings.TrimSpace(text) == "":
		fail(c, http.StatusBadRequest, "文本为空")
		return "", false
	case utf8.RuneCountInString(text) > maxLinkText:
		fail(c, http.StatusRequestEntityTooLarge, "文本过长，一次最多 %d 字", maxLinkText)
		return "", false
	}
	return text, true
}

// readLinkFile reads a draft file uploaded as multipart field "file".
func (s *Server) readLinkFile(c *gin.Context) (string, bool) {
	fh, err := c.FormFile("file")
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(c, http.StatusRequestEntityTooLarge, "文件过大（上限 %d MB）", maxLinkFile>>20)
			return "", false
		}
		fail(c, http.StatusBadRequest, "没有收到文件（字段名应为 file）")
		return "", false
	}
	f, err := fh.Open()
	if err != nil {
		fail(c, http.StatusBadRequest, "读取上传文件失败")
		return "", false
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, maxLinkFile+1))
	if err != nil || len(raw) > maxLinkFile {
		fail(c, http.StatusRequestEntityTooLarge, "文件过大（上限 %d MB）", maxLinkFile>>20)
		return "", false
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), linkParseTimeout)
	defer cancel()
	text, err := ingest.PlainTextContext(ctx, fh.Filename, raw)
	if err != nil {
		if errors.Is(err, ingest.ErrTimeout) {
			s.log.Info("draft file not read in time", "file", fh.Filename, "size", len(raw), "err", err)
		}
		failCode(c, uploadStatus(err), kbase.ErrorCode(err), "%s", err)
		return "", false
	}
	if utf8.RuneCountInString(text) > maxLinkText {
		fail(c, http.StatusRequestEntityTooLarge, "文本过长，一次最多 %d 字", maxLinkText)
		return "", false
	}
	return text, true
}

// jsonProblem names what is wrong with a JSON body without echoing it.
func jsonProblem(err error) string {
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typeErr):
		return "字段 " + typeErr.Field + " 的类型不对"
	case errors.Is(err, io.EOF):
		return "请求体为空"
	case strings.HasPrefix(err.Error(), "json: unknown field"):
		return "含有未知字段 " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return "格式错误"
}

func toLinkBody(s *Server, text string, paras []relate.Paragraph) linkBody {
	lib := s.index().Library()
	out := linkBody{Text: text, Paragraphs: []paragraphJSON{}}
	for _, p := range paras {
		pj := paragraphJSON{Index: p.Index, Start: p.Start, End: p.End, Text: p.Text, Links: []linkJSON{}, Heading: p.Heading}
		for _, l := range p.Links {
			lj := linkJSON{ID: l.Passage.ID, Title: l.Passage.Title, Citation: lib.Citation(l.Passage), Score: l.Score,
				Terms: nonNil(l.Terms), Concepts: nonNil(l.Concepts), Places: nonNil(l.Places)}
			if len(l.Passage.Counties) > 0 {
				lj.County = l.Passage.Counties[0]
			}
			if l.Passage.Case != nil {
				lj.Case = &caseRef{Number: l.Passage.Case.Number, Title: l.Passage.Case.Title}
			}
			pj.Links = append(pj.Links, lj)
		}
		if len(pj.Links) > 0 {
			out.Linked++
		}
		out.Paragraphs = append(out.Paragraphs, pj)
	}
	return out
}
