package ingest

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
)

// A .docx is a zip of XML parts; the text is in word/document.xml and the
// heading levels in word/styles.xml. Headers, footers, footnotes and
// comments are other parts and are not read.

// MaxDocxUncompressed is the most a .docx may unpack to. Together with the
// compression-ratio check it refuses zip bombs before anything is inflated.
const MaxDocxUncompressed = 100 << 20

const (
	maxDocxRatio     = 200     // uncompressed : compressed, for entries over ratioFloor
	docxRatioFloor   = 1 << 20 // small entries compress well legitimately
	maxDocxEntries   = 10000
	maxDocxXMLDepth  = 256
	maxDocxStyleHops = 16
	// maxDocxStyles bounds styles.xml, which is decoded whole into
	// structs (real ones: tens to hundreds of kilobytes). A larger one is
	// not read: the text is, without heading levels from styles.
	maxDocxStyles = 4 << 20
	// maxDocText bounds the text of a .docx or .odt: no more than a .txt
	// may hold. The XML around it may be twice as large and is streamed,
	// never held whole.
	maxDocText = MaxFileSize
)

var errDocText = fmt.Errorf("%w：文档的文字超过 %d MiB", ErrTooLarge, maxDocText>>20)

var reHeadingStyle = regexp.MustCompile(`(?i)^(?:heading|标题)\s*([1-9])$`)

// docxBlocks reads the paragraphs, headings and tables of a .docx,
// streaming word/document.xml; it stops when ctx ends.
func docxBlocks(ctx context.Context, raw []byte) ([]Block, error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("%w：不是有效的 .docx 文件（zip 结构损坏：%v）", ErrCorrupt, err)
	}
	if err := checkZip(zr); err != nil {
		return nil, err
	}
	files := map[string]*zip.File{}
	for _, f := range zr.File {
		files[f.Name] = f
	}
	doc := files["word/document.xml"]
	if doc == nil {
		return nil, notWordError(files)
	}
	styles := map[string]int{}
	if f := files["word/styles.xml"]; f != nil && f.UncompressedSize64 <= maxDocxStyles {
		data, err := readZipEntry(f)
		if err != nil {
			return nil, err
		}
		styles = headingStyles(data)
	}
	zs, err := openZipEntry(ctx, doc)
	if err != nil {
		return nil, err
	}
	defer zs.Close()
	r := &docxReader{styles: styles}
	if err := r.read(zs); err != nil {
		if zs.err != nil { // the stream failed, not the XML
			return nil, zs.err
		}
		if errors.Is(err, ErrTooLarge) {
			return nil, err
		}
		return nil, fmt.Errorf("%w：word/document.xml 无法解析（%v）", ErrCorrupt, err)
	}
	return r.out, nil
}

// checkZip refuses archives that would unpack to more than
// MaxDocxUncompressed, or whose large entries are compressed beyond any
// real document's ratio, from the sizes the archive declares; readZipEntry
// then makes sure no entry inflates to more than it declared.
func checkZip(zr *zip.Reader) error {
	if len(zr.File) > maxDocxEntries {
		return fmt.Errorf("%w：压缩包内文件过多（%d 个）", ErrCorrupt, len(zr.File))
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > MaxDocxUncompressed {
			return fmt.Errorf("%w：解压后超过 %d MiB（疑似压缩炸弹）", ErrTooLarge, MaxDocxUncompressed>>20)
		}
		if f.UncompressedSize64 > docxRatioFloor && f.UncompressedSize64 > maxDocxRatio*max(f.CompressedSize64, 1) {
			return fmt.Errorf("%w：%s 的压缩比异常（疑似压缩炸弹）", ErrCorrupt, f.Name)
		}
	}
	return nil
}

// readZipEntry reads one entry, never more than it declared.
func readZipEntry(f *zip.File) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w：无法读取 %s（%v）", ErrCorrupt, f.Name, err)
	}
	defer rc.Close()
	limit := int64(min(f.UncompressedSize64, MaxDocxUncompressed))
	data, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum) {
		// archive/zip stops an entry that inflates past its declared size.
		return nil, fmt.Errorf("%w：%s 解压出错（文件损坏或疑似压缩炸弹）", ErrCorrupt, f.Name)
	}
	if err != nil {
		return nil, fmt.Errorf("%w：无法读取 %s（%v）", ErrCorrupt, f.Name, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%w：%s 解压后比声明的大（疑似压缩炸弹）", ErrCorrupt, f.Name)
	}
	return data, nil
}

// zipStream reads a zip entry as a stream: never more than it declared
// (archive/zip stops an entry that inflates past its declared size, and
// the limit catches one that declared nothing), and not after ctx ends.
// err is the first failure in the user's terms, set when reading failed
// rather than what was read.
type zipStream struct {
	ctx   context.Context
	rc    io.ReadCloser
	name  string
	n     int64
	limit int64
	err   error
}

func openZipEntry(ctx context.Context, f *zip.File) (*zipStream, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w：无法读取 %s（%v）", ErrCorrupt, f.Name, err)
	}
	return &zipStream{ctx: ctx, rc: rc, name: f.Name, limit: int64(min(f.UncompressedSize64, MaxDocxUncompressed))}, nil
}

func (z *zipStream) Read(p []byte) (int, error) {
	if z.err != nil {
		return 0, z.err
	}
	if err := stopped(z.ctx); err != nil {
		z.err = err
		return 0, err
	}
	n, err := z.rc.Read(p)
	z.n += int64(n)
	switch {
	case z.n > z.limit:
		z.err = fmt.Errorf("%w：%s 解压后比声明的大（疑似压缩炸弹）", ErrCorrupt, z.name)
	case errors.Is(err, zip.ErrFormat) || errors.Is(err, zip.ErrChecksum):
		z.err = fmt.Errorf("%w：%s 解压出错（文件损坏或疑似压缩炸弹）", ErrCorrupt, z.name)
	case err != nil && !errors.Is(err, io.EOF):
		z.err = fmt.Errorf("%w：无法读取 %s（%v）", ErrCorrupt, z.name, err)
	}
	if z.err != nil {
		return n, z.err
	}
	return n, err
}

func (z *zipStream) Close() error { return z.rc.Close() }

// notWordError says what a zip without word/document.xml is instead.
func notWordError(files map[string]*zip.File) error {
	switch {
	case files["xl/workbook.xml"] != nil:
		return fmt.Errorf("%w：这是 Excel 表格（.xlsx），请把内容另存为 .docx 或 .txt", ErrUnsupported)
	case files["ppt/presentation.xml"] != nil:
		return fmt.Errorf("%w：这是 PowerPoint 演示文稿（.pptx），请另存为 .pdf 或 .docx", ErrUnsupported)
	case files["content.xml"] != nil:
		return fmt.Errorf("%w：这是 OpenDocument 表格、演示文稿等文件，不是文字文档，请另存为 .docx 或 .pdf", ErrUnsupported)
	}
	return fmt.Errorf("%w：压缩包里没有 Word 文档内容（word/document.xml）", ErrUnsupported)
}

// headingStyles maps paragraph style IDs to heading levels: a style named
// "heading N" (Word's built-in name in every language) or 标题 N (WPS), one
// with an outline level, one based on such a style, and the Title style
// (level 1; the structure reader takes it for the document's title).
// Table-of-contents styles ("toc N") map to -1: their paragraphs are the
// table of contents, which repeats the headings.
func headingStyles(data []byte) map[string]int {
	var doc struct {
		Styles []struct {
			Type    string `xml:"type,attr"`
			ID      string `xml:"styleId,attr"`
			Name    val    `xml:"name"`
			BasedOn val    `xml:"basedOn"`
			Outline *val   `xml:"pPr>outlineLvl"`
		} `xml:"style"`
	}
	out := map[string]int{}
	if xml.Unmarshal(data, &doc) != nil {
		return out
	}
	own := map[string]int{}
	based := map[string]string{}
	for _, s := range doc.Styles {
		if s.Type != "" && s.Type != "paragraph" {
			continue
		}
		name := strings.ToLower(strings.TrimSpace(s.Name.Val))
		level := 0
		switch {
		case reHeadingStyle.MatchString(name):
			level, _ = strconv.Atoi(reHeadingStyle.FindStringSubmatch(name)[1])
		case name == "title" || name == "标题":
			level = 1
		case strings.HasPrefix(name, "toc ") || strings.HasPrefix(name, "目录 "):
			level = -1
		case s.Outline != nil:
			if l, err := strconv.Atoi(s.Outline.Val); err == nil && l >= 0 && l < 9 {
				level = l + 1
			}
		}
		own[s.ID] = level
		based[s.ID] = s.BasedOn.Val
	}
	for id := range own {
		cur := id
		for hop := 0; hop < maxDocxStyleHops && cur != ""; hop++ {
			if l := own[cur]; l != 0 {
				out[id] = l
				break
			}
			cur = based[cur]
		}
	}
	return out
}

type val struct {
	Val string `xml:"val,attr"`
}

// docxReader streams document.xml. Paragraphs nest (a text box inside a
// paragraph holds paragraphs of its own) and so do tables, so each has a
// stack; a paragraph inside a table cell adds to the cell.
type docxReader struct {
	styles map[string]int
	out    []Block
	text   int      // bytes of text read, bounded by maxDocText
	names  []string // the open elements
	paras  []*docxPara
	tableStack
	skip int // depth inside deleted text, field codes or fallback content
}

type docxPara struct {
	text  strings.Builder
	level int
	list  int
}

// Elements whose text is not the document's: deleted revisions, field
// instructions (the TOC's "TOC \o"), and the fallback copy of drawings.
var docxSkip = map[string]bool{"del": true, "delText": true, "instrText": true, "Fallback": true, "moveFrom": true}

func (r *docxReader) read(src io.Reader) error {
	d := xml.NewDecoder(src)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(r.names) >= maxDocxXMLDepth {
				return fmt.Errorf("XML 嵌套过深")
			}
			r.start(t)
			r.names = append(r.names, t.Name.Local)
		case xml.EndElement:
			if len(r.names) > 0 {
				r.names = r.names[:len(r.names)-1]
			}
			r.end(t.Name.Local)
		case xml.CharData:
			if r.skip == 0 && r.parent() == "t" && len(r.paras) > 0 {
				if r.text += len(t); r.text > maxDocText {
					return errDocText
				}
				r.paras[len(r.paras)-1].text.Write(t)
			}
		}
	}
}

func (r *docxReader) parent() string {
	if len(r.names) == 0 {
		return ""
	}
	return r.names[len(r.names)-1]
}

func (r *docxReader) start(t xml.StartElement) {
	name := t.Name.Local
	if docxSkip[name] {
		r.skip++
	}
	var p *docxPara
	if len(r.paras) > 0 {
		p = r.paras[len(r.paras)-1]
	}
	switch name {
	case "p":
		r.paras = append(r.paras, &docxPara{})
	case "pStyle":
		if p != nil && r.parent() == "pPr" {
			p.level = r.styleLevel(attrVal(t))
		}
	case "outlineLvl":
		if l, err := strconv.Atoi(attrVal(t)); p != nil && r.parent() == "pPr" && err == nil && l >= 0 && l < 9 && p.level == 0 {
			p.level = l + 1
		}
	case "ilvl":
		if l, err := strconv.Atoi(attrVal(t)); p != nil && err == nil && l >= 0 && l < 9 {
			p.list = l + 1
		}
	case "numPr":
		if p != nil && p.list == 0 {
			p.list = 1
		}
	case "tab":
		if p != nil && r.parent() == "r" && r.skip == 0 {
			p.text.WriteByte('\t')
		}
	case "br", "cr":
		if p != nil && r.parent() == "r" && r.skip == 0 {
			p.text.WriteByte('\n')
		}
	case "tbl":
		r.startTable()
	case "tr":
		r.startRow()
	case "tc":
		r.startCell()
	}
}

func (r *docxReader) end(name string) {
	if docxSkip[name] && r.skip > 0 {
		r.skip--
	}
	switch name {
	case "p":
		if n := len(r.paras); n > 0 {
			p := r.paras[n-1]
			r.paras = r.paras[:n-1]
			r.paragraph(p)
		}
	case "tc":
		r.endCell()
	case "tr":
		r.endRow()
	case "tbl":
		r.endTable(&r.out)
	}
}

// paragraph emits a finished paragraph: into the open table cell, or as
// blocks. Manual line breaks split it where they end a sentence or set
// off a date or issuer (joinSoftLines); a heading stays whole.
func (r *docxReader) paragraph(p *docxPara) {
	text := p.text.String()
	if tb := r.top(); tb != nil && tb.cell != nil {
		appendCell(tb.cell, strings.Join(strings.Fields(text), " "))
		return
	}
	if p.level < 0 {
		return // a table-of-contents entry
	}
	if p.level > 0 {
		r.emit(Block{Text: strings.ReplaceAll(text, "\n", ""), Level: p.level})
		return
	}
	for _, line := range joinSoftLines(strings.Split(text, "\n")) {
		r.emit(Block{Text: line, List: p.list})
	}
}

func (r *docxReader) emit(b Block) {
	b.Text = strings.TrimSpace(strings.ReplaceAll(b.Text, "\t", " "))
	if b.Text != "" {
		r.out = append(r.out, b)
	}
}

func appendCell(cell *strings.Builder, text string) {
	if text = strings.TrimSpace(text); text == "" {
		return
	}
	if cell.Len() > 0 {
		cell.WriteByte(' ')
	}
	cell.WriteString(text)
}

func (r *docxReader) styleLevel(id string) int {
	if l, ok := r.styles[id]; ok {
		return l
	}
	if m := reHeadingStyle.FindStringSubmatch(id); m != nil {
		l, _ := strconv.Atoi(m[1])
		return l
	}
	return 0
}

func attrVal(t xml.StartElement) string {
	for _, a := range t.Attr {
		if a.Name.Local == "val" {
			return a.Value
		}
	}
	return ""
}
