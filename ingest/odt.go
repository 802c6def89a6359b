package ingest

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// An OpenDocument text (.odt, what LibreOffice and WPS save as ODF) is a
// zip whose first entry, stored uncompressed, is "mimetype" with
// application/vnd.oasis.opendocument.text; the text is in content.xml:
// text:h (with its outline level) for headings, text:p for paragraphs,
// text:list for lists and table:table for tables. Notes, annotations,
// tracked deletions, the table of contents and drawings are not read.

const odtMime = "application/vnd.oasis.opendocument.text"

// isODT reports whether a zip is an OpenDocument text, from the mimetype
// entry the format requires at the start of the archive.
func isODT(raw []byte) bool {
	return len(raw) > 38 && string(raw[30:38]) == "mimetype" && bytes.HasPrefix(raw[38:], []byte(odtMime))
}

// odtSkip are the elements whose text is not the document's body.
var odtSkip = map[string]bool{"note": true, "annotation": true, "tracked-changes": true, "table-of-content": true,
	"frame": true, "sequence-decls": true, "forms": true, "index-title": true}

// odtBlocks reads the paragraphs, headings, lists and tables of an .odt,
// streaming content.xml; it stops when ctx ends.
func odtBlocks(ctx context.Context, raw []byte) ([]Block, error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return nil, fmt.Errorf("%w：不是有效的 .odt 文件（zip 结构损坏：%v）", ErrCorrupt, err)
	}
	if err := checkZip(zr); err != nil {
		return nil, err
	}
	var content *zip.File
	for _, f := range zr.File {
		switch f.Name {
		case "content.xml":
			content = f
		case "META-INF/manifest.xml", "mimetype":
		default:
			if strings.HasPrefix(f.Name, "EncryptedPackage") {
				return nil, fmt.Errorf("%w：设置了打开密码", ErrEncrypted)
			}
		}
	}
	if content == nil {
		return nil, fmt.Errorf("%w：.odt 文件里没有 content.xml", ErrCorrupt)
	}
	zs, err := openZipEntry(ctx, content)
	if err != nil {
		return nil, err
	}
	defer zs.Close()
	r := &odtReader{}
	if err := r.read(zs); err != nil {
		switch {
		case zs.err != nil: // the stream failed, not the XML
			return nil, zs.err
		case errors.Is(err, errODTEncrypted):
			return nil, fmt.Errorf("%w：设置了打开密码，请取消密码后再上传", ErrEncrypted)
		case errors.Is(err, ErrTooLarge):
			return nil, err
		}
		return nil, fmt.Errorf("%w：content.xml 无法解析（%v）", ErrCorrupt, err)
	}
	return r.out, nil
}

var errODTEncrypted = errors.New("encrypted content")

type odtReader struct {
	out   []Block
	text  int // bytes of text read, bounded by maxDocText
	depth int
	skip  int
	paras []*odtPara
	lists int
	tableStack
}

type odtPara struct {
	text  strings.Builder
	level int
	list  int
}

func (r *odtReader) read(src io.Reader) error {
	br := bufio.NewReaderSize(src, 64<<10)
	head, _ := br.Peek(512) // an encrypted entry is no XML: told by its start
	xmlStart := bytes.HasPrefix(bytes.TrimSpace(head), []byte("<"))
	d := xml.NewDecoder(br)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if xmlStart {
				return err
			}
			return errODTEncrypted
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if r.depth++; r.depth > maxDocxXMLDepth {
				return fmt.Errorf("XML 嵌套过深")
			}
			r.start(t)
		case xml.EndElement:
			r.depth--
			r.end(t.Name.Local)
		case xml.CharData:
			if p := r.para(); p != nil && r.skip == 0 {
				if r.text += len(t); r.text > maxDocText {
					return errDocText
				}
				p.text.Write(t)
			}
		}
	}
}

func (r *odtReader) para() *odtPara {
	if len(r.paras) == 0 {
		return nil
	}
	return r.paras[len(r.paras)-1]
}

func (r *odtReader) start(t xml.StartElement) {
	name := t.Name.Local
	if odtSkip[name] {
		r.skip++
		return
	}
	if r.skip > 0 {
		return
	}
	p := r.para()
	switch name {
	case "h", "p":
		np := &odtPara{list: r.lists}
		if name == "h" {
			np.level = 1
			if l, err := strconv.Atoi(odtAttr(t, "outline-level")); err == nil && l > 0 && l < 10 {
				np.level = l
			}
		}
		r.paras = append(r.paras, np)
	case "s":
		if p != nil {
			n, err := strconv.Atoi(odtAttr(t, "c"))
			if err != nil || n < 1 {
				n = 1
			}
			p.text.WriteString(strings.Repeat(" ", min(n, 100)))
		}
	case "tab":
		if p != nil {
			p.text.WriteByte('\t')
		}
	case "line-break":
		if p != nil {
			p.text.WriteByte('\n')
		}
	case "list":
		r.lists++
	case "table":
		r.startTable()
	case "table-row":
		r.startRow()
	case "table-cell":
		r.startCell()
	}
}

func (r *odtReader) end(name string) {
	if odtSkip[name] {
		if r.skip > 0 {
			r.skip--
		}
		return
	}
	if r.skip > 0 {
		return
	}
	switch name {
	case "h", "p":
		if n := len(r.paras); n > 0 {
			p := r.paras[n-1]
			r.paras = r.paras[:n-1]
			r.paragraph(p)
		}
	case "list":
		r.lists--
	case "table-cell":
		r.endCell()
	case "table-row":
		r.endRow()
	case "table":
		r.endTable(&r.out)
	}
}

// paragraph emits a finished paragraph or heading, as the docx reader does.
func (r *odtReader) paragraph(p *odtPara) {
	text := p.text.String()
	if tb := r.top(); tb != nil && tb.cell != nil {
		appendCell(tb.cell, strings.Join(strings.Fields(text), " "))
		return
	}
	if p.level > 0 {
		r.emit(Block{Text: strings.ReplaceAll(text, "\n", ""), Level: p.level})
		return
	}
	for _, line := range joinSoftLines(strings.Split(text, "\n")) {
		r.emit(Block{Text: line, List: p.list})
	}
}

func (r *odtReader) emit(b Block) {
	b.Text = strings.TrimSpace(strings.ReplaceAll(b.Text, "\t", " "))
	if b.Text != "" {
		r.out = append(r.out, b)
	}
}

func odtAttr(t xml.StartElement, local string) string {
	for _, a := range t.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
