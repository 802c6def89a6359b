package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/shanxi-sme/kb/export"
)

// Limits of an export request: the JSON body, the paragraphs, the notes
// of one paragraph and the length of one citation or term.
const (
	maxExportBody     = 4 << 20
	maxExportParas    = 5000
	maxExportLinks    = 20
	maxExportCitation = 500
	maxExportTerms    = 20
)

// exportRequest is the result of POST /api/link as the page holds it,
// possibly with links the user dropped: only what the export needs is read.
type exportRequest struct {
	Title      string `json:"title"`
	Paragraphs []struct {
		Text    string `json:"text"`
		Heading bool   `json:"heading"`
		Links   []struct {
			Citation string   `json:"citation"`
			Terms    []string `json:"terms"`
			Concepts []string `json:"concepts"`
		} `json:"links"`
	} `json:"paragraphs"`
}

// exportFormats are the formats of POST /api/link/export, with their
// content type and file extension.
var exportFormats = map[string]struct{ contentType, ext string }{
	"docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
	"md":   {"text/markdown; charset=utf-8", "md"},
	"html": {"text/html; charset=utf-8", "html"},
}

// linkExport answers POST /api/link/export?format=docx: the paragraphs
// and links of a link result (as POST /api/link returned them, possibly
// edited) written as a Word document with real footnotes, or as Markdown
// or HTML.
func (s *Server) linkExport(c *gin.Context) {
	q := c.Request.URL.Query()
	if err := checkParams(q, "format"); err != nil {
		fail(c, http.StatusBadRequest, "%s", err)
		return
	}
	format := q.Get("format")
	if format == "" {
		format = "docx"
	}
	kind, ok := exportFormats[format]
	if !ok {
		failCode(c, http.StatusBadRequest, CodeBadParameter, "参数 format 只能是 docx、md 或 html")
		return
	}
	if c.ContentType() != "application/json" {
		fail(c, http.StatusUnsupportedMediaType, "请以 JSON 提交关联结果 {\"paragraphs\": […]}")
		return
	}
	raw, err := io.ReadAll(c.Request.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			fail(c, http.StatusRequestEntityTooLarge, "请求体过大（上限 %d MB）", maxExportBody>>20)
			return
		}
		fail(c, http.StatusBadRequest, "读取请求失败")
		return
	}
	if !utf8.Valid(raw) {
		fail(c, http.StatusBadRequest, "请求不是有效的 UTF-8 文本")
		return
	}
	var req exportRequest
	dec := json.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&req); err != nil {
		fail(c, http.StatusBadRequest, "请求不是有效的 JSON：%s", jsonProblem(err))
		return
	}
	if dec.More() {
		fail(c, http.StatusBadRequest, "请求体只能包含一个 JSON 对象")
		return
	}
	paras, msg := exportParagraphs(req)
	if msg != "" {
		fail(c, http.StatusBadRequest, "%s", msg)
		return
	}
	title := strings.TrimSpace(req.Title)
	if title == "" || utf8.RuneCountInString(title) > 200 {
		title = "草稿关联结果"
	}
	var buf bytes.Buffer
	switch format {
	case "docx":
		err = export.Docx(&buf, paras)
	case "md":
		err = export.Markdown(&buf, paras)
	case "html":
		err = export.HTML(&buf, title, paras)
	}
	if err != nil {
		s.log.Error("export failed", "format", format, "err", err)
		fail(c, http.StatusInternalServerError, "导出失败")
		return
	}
	name := title + "-关联案例." + kind.ext
	c.Header("Content-Disposition", "attachment; filename=\"draft."+kind.ext+"\"; filename*=UTF-8''"+url.PathEscape(name))
	c.Data(http.StatusOK, kind.contentType, buf.Bytes())
}

// exportParagraphs checks an export request and turns it into export
// paragraphs; msg says what is wrong.
func exportParagraphs(req exportRequest) (paras []export.Paragraph, msg string) {
	switch n := len(req.Paragraphs); {
	case n == 0:
		return nil, "没有可导出的段落（paragraphs 为空）"
	case n > maxExportParas:
		return nil, "段落过多，一次最多导出 " + strconv.Itoa(maxExportParas) + " 段"
	}
	chars := 0
	for i, p := range req.Paragraphs {
		chars += utf8.RuneCountInString(p.Text)
		if chars > maxLinkText {
			return nil, "文本过长，一次最多 " + strconv.Itoa(maxLinkText) + " 字"
		}
		if len(p.Links) > maxExportLinks {
			return nil, "第 " + strconv.Itoa(i+1) + " 段的出处过多（最多 " + strconv.Itoa(maxExportLinks) + " 条）"
		}
		ep := export.Paragraph{Text: p.Text, Heading: p.Heading}
		for _, l := range p.Links {
			cite := strings.TrimSpace(l.Citation)
			if cite == "" || utf8.RuneCountInString(cite) > maxExportCitation {
				return nil, "第 " + strconv.Itoa(i+1) + " 段有出处为空或过长"
			}
			var terms []string
			for _, t := range append(append([]string{}, l.Concepts...), l.Terms...) {
				if t = strings.TrimSpace(t); t != "" && utf8.RuneCountInString(t) <= 50 && len(terms) < maxExportTerms {
					terms = append(terms, t)
				}
			}
			ep.Notes = append(ep.Notes, export.Note{Citation: cite, Terms: terms})
		}
		paras = append(paras, ep)
	}
	return paras, ""
}
