// Package hostile writes the hostile files of issue 12: small uploads that
// cost a parser much more than their size (a PDF whose thousands of pages
// share one content stream that inflates to 16 MB, zip-bomb-like streams,
// deep page trees, a docx that unpacks to nearly its limit). The ingest
// and api tests parse them to check that one parse stays bounded, and
// scripts/hostile replays them against a running server. It imports
// nothing of the project, so any package's tests may use it.
package hostile

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"compress/zlib"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
)

// HeavyStreamBytes is the decoded size of HeavyPDF's shared content
// stream: just under the ingest package's 16 MB limit for one page, so
// the stream passes the size check and must be interpreted.
const HeavyStreamBytes = 16<<20 - 4096

// TextContent is a content stream of about n bytes that shows text:
// words on lines down the page, a new line every operator, so that it
// yields as many glyphs and lines as its size allows.
func TextContent(n int) []byte {
	var b bytes.Buffer
	b.Grow(n + 64)
	b.WriteString("BT /F1 9 Tf 11 TL 20 800 Td\n")
	const line = "(kb kb kb kb kb kb kb kb) Tj T*\n"
	for b.Len()+len(line)+3 <= n {
		b.WriteString(line)
	}
	b.WriteString("ET\n")
	return b.Bytes()
}

// PathContent is a content stream of about n bytes of path operators:
// no text, so no glyphs to cap, only operators to interpret.
func PathContent(n int) []byte {
	var b bytes.Buffer
	b.Grow(n + 64)
	const ops = "1 2 m 3 4 l 5 6 7 8 9 10 c S\n"
	for b.Len()+len(ops) <= n {
		b.WriteString(ops)
	}
	return b.Bytes()
}

// HeavyPDF is a PDF of pages page objects that all draw the same Flate
// content stream: a file of some tens of kilobytes that a reader without
// bounds decodes and interprets pages times.
func HeavyPDF(pages int, content []byte) []byte {
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"", // the page tree, below
		flateStream("", content),
		helvetica,
	}
	kids := make([]string, pages)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", len(objs)+1)
		objs = append(objs, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R /Resources << /Font << /F1 4 0 R >> >> >>")
	}
	objs[1] = fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), pages)
	return PDF(objs)
}

// BombPDF is a one-page PDF whose content stream inflates from about a
// megabyte to n bytes of spaces: a zip bomb in PDF form.
func BombPDF(n int) []byte {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	chunk := bytes.Repeat([]byte{' '}, 1<<20)
	for left := n; left > 0; left -= len(chunk) {
		_, _ = zw.Write(chunk[:min(left, len(chunk))])
	}
	_ = zw.Close()
	return onePage(fmt.Sprintf("<< /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", z.Len(), z.Bytes()))
}

// PredictorPDF is a one-page PDF whose content stream asks the Flate
// decoder for a PNG predictor with an absurd row width: a reader that
// allocates a row buffer of that width runs out of memory at once.
func PredictorPDF(columns int64) []byte {
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	_, _ = zw.Write([]byte("\x02BT /F1 12 Tf (x) Tj ET"))
	_ = zw.Close()
	return onePage(fmt.Sprintf("<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns %d >> /Length %d >>\nstream\n%s\nendstream",
		columns, z.Len(), z.Bytes()))
}

// DeepPDF is a PDF whose page tree is a chain of depth /Pages nodes, one
// page at the bottom.
func DeepPDF(depth int) []byte {
	text := "BT /F1 12 Tf 20 250 Td (Deep page tree test) Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 5 0 R >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text),
		helvetica,
		"<< /Type /Page /MediaBox [0 0 300 300] /Contents 2 0 R /Resources << /Font << /F1 3 0 R >> >> >>",
	}
	for i := range depth {
		kid := len(objs) + 2 // the next node
		if i == depth-1 {
			kid = 4
		}
		objs = append(objs, fmt.Sprintf("<< /Type /Pages /Kids [%d 0 R] /Count 1 >>", kid))
	}
	return PDF(objs)
}

// WidePDF is a PDF whose one /Pages node lists the same page n times.
func WidePDF(n int) []byte {
	text := "BT /F1 12 Tf 20 250 Td (Wide page tree test) Tj ET"
	kids := strings.Repeat("4 0 R ", n)
	return PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, n),
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text),
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 3 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		helvetica,
	})
}

const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

func onePage(contents string) []byte {
	return PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		contents,
		helvetica,
	})
}

func flateStream(dict string, data []byte) string {
	var z bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
	_, _ = zw.Write(data)
	_ = zw.Close()
	return fmt.Sprintf("<< %s /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream", dict, z.Len(), z.Bytes())
}

// PDF writes objects numbered from 1, the first being the catalog, with
// their cross-reference table.
func PDF(objs []string) []byte { return WritePDF("%PDF-1.4", objs, "") }

// WritePDF is PDF with a header line of its own and more trailer entries;
// XREF in trailer stands for the offset of the cross-reference table (so
// that a file can point back at it).
func WritePDF(header string, objs []string, trailer string) []byte {
	var b bytes.Buffer
	b.WriteString(header + "\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	trailer = strings.ReplaceAll(trailer, "XREF", fmt.Sprint(xref))
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, trailer, xref)
	return b.Bytes()
}

// LargeDocx is a .docx of about size bytes whose word/document.xml holds
// paragraphs of random common Chinese characters: text that compresses
// only about two to one, so the file is large and its document part
// unpacks to about twice its size.
func LargeDocx(size int) []byte {
	rng := rand.New(rand.NewPCG(12, 12))
	para := make([]rune, 0, 200)
	return docx(func(d *docxBody) bool {
		para = para[:0]
		for range 150 {
			para = append(para, rune(0x4E00+rng.IntN(0x5000)))
		}
		para = append(para, '。')
		fmt.Fprintf(d, "<w:p><w:r><w:t>%s</w:t></w:r></w:p>", string(para))
		return d.compressed() < size
	})
}

// TextDocx is a .docx of about n bytes of text: paragraphs of two-character
// words drawn from a vocabulary of 4,096, which compress some four to one
// (within the ratio checks against zip bombs) and are quick to write.
func TextDocx(n int) []byte {
	rng := rand.New(rand.NewPCG(7, 7))
	vocab := make([]string, 4096)
	for i := range vocab {
		vocab[i] = string([]rune{rune(0x4E00 + rng.IntN(0x5000)), rune(0x4E00 + rng.IntN(0x5000))})
	}
	text := 0
	var para strings.Builder
	return docx(func(d *docxBody) bool {
		para.Reset()
		for range 100 {
			para.WriteString(vocab[rng.IntN(len(vocab))])
		}
		para.WriteString("。")
		text += para.Len()
		d.WriteString("<w:p><w:r><w:t>" + para.String() + "</w:t></w:r></w:p>")
		return text < n
	})
}

// MediaDocx is a .docx of about size bytes that is mostly a picture (an
// incompressible word/media entry, as photos or scanned pages pasted into
// Word are) after the given paragraphs: the common way a real .docx
// reaches tens of megabytes.
func MediaDocx(size int, paragraphs []string) []byte {
	i := 0
	body := docx(func(d *docxBody) bool {
		if i < len(paragraphs) {
			var esc strings.Builder
			_ = xml.EscapeText(&esc, []byte(paragraphs[i]))
			d.WriteString("<w:p><w:r><w:t>" + esc.String() + "</w:t></w:r></w:p>")
			i++
		}
		return i < len(paragraphs)
	})
	zr, _ := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		_ = zw.Copy(f)
	}
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "word/media/image1.png", Method: zip.Store})
	rng := rand.New(rand.NewPCG(3, 3))
	chunk := make([]byte, 1<<16)
	for left := size - len(body); left > 0; left -= len(chunk) {
		for i := range chunk {
			chunk[i] = byte(rng.Uint32())
		}
		_, _ = w.Write(chunk[:min(left, len(chunk))])
	}
	_ = zw.Close()
	return out.Bytes()
}

// ManyParagraphsDocx is a small .docx whose document.xml unpacks to about
// n bytes of tiny paragraphs (within the ratio and size checks against
// zip bombs): millions of paragraphs from a file of a few hundred kilobytes.
func ManyParagraphsDocx(n int) []byte {
	return docx(func(d *docxBody) bool {
		d.WriteString("<w:p><w:r><w:t>县域经济发展。</w:t></w:r></w:p>")
		return d.written < n
	})
}

// docxBody is where a docx body writes word/document.xml: into the zip
// entry, through a buffer flushed every megabyte.
type docxBody struct {
	bytes.Buffer
	entry   io.Writer
	out     *bytes.Buffer // the whole file
	written int           // bytes of the entry so far, unpacked
}

func (d *docxBody) flush() {
	d.written += d.Len()
	_, _ = d.entry.Write(d.Bytes())
	d.Reset()
}

// compressed is the size of the file so far.
func (d *docxBody) compressed() int { return d.out.Len() }

// docx writes a .docx whose body is written by calling more until it
// returns false.
func docx(more func(d *docxBody) bool) []byte {
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	// The fastest level: these files are built in tests, and compress
	// about as well at it.
	zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	add := func(name, s string) {
		f, _ := zw.Create(name)
		_, _ = f.Write([]byte(s))
	}
	add("[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`+
		`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`+
		`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`)
	add("_rels/.rels", `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">`+
		`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`)
	f, _ := zw.Create("word/document.xml")
	d := &docxBody{entry: f, out: &out}
	d.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` +
		`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		`<w:p><w:r><w:t>县域中小企业发展经验汇编</w:t></w:r></w:p>`)
	for more(d) {
		if d.Len() >= 1<<20 {
			d.flush()
		}
	}
	d.WriteString(`</w:body></w:document>`)
	d.flush()
	_ = zw.Close()
	return out.Bytes()
}

// NestedPDF is a PDF whose page's /Annots is an array nested depth deep:
// a reader that parses objects recursively needs a frame per level.
func NestedPDF(depth int) []byte {
	text := "BT /F1 12 Tf 20 250 Td (Nested arrays test) Tj ET"
	return PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots " +
			strings.Repeat("[", depth) + strings.Repeat("]", depth) + " >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text),
		helvetica,
	})
}

// XrefBombPDF is a small PDF whose cross-reference data names a huge
// object number or entry width, which a reader that sizes its table by
// them allocates at once. kind is "subsection" (a classic table's
// subsection starting at object 4,000,000,000), "size" (an xref stream's
// /Size) or "width" (an xref stream's /W).
func XrefBombPDF(kind string) []byte {
	text := "BT /F1 12 Tf 20 250 Td (Cross reference test) Tj ET"
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text),
		helvetica,
	}
	if kind == "subsection" {
		return bytes.Replace(PDF(objs), []byte("trailer"), []byte("4000000000 1\n0000000009 00000 n \ntrailer"), 1)
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.5\n%\xE2\xE3\xCF\xD3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	// An xref stream (object 6) with entries of widths 1, 4 and 2.
	var entries bytes.Buffer
	entries.Write([]byte{0, 0, 0, 0, 0, 0xFF, 0xFF})
	for _, off := range append(offsets, b.Len()) {
		entries.Write([]byte{1, byte(off >> 24), byte(off >> 16), byte(off >> 8), byte(off), 0, 0})
	}
	size, w := "7", "[1 4 2]"
	switch kind {
	case "size":
		size = "4000000000"
	case "width":
		w = "[1 4000000000 2]"
	}
	xref := b.Len()
	fmt.Fprintf(&b, "6 0 obj\n<< /Type /XRef /Size %s /W %s /Root 1 0 R /Length %d >>\nstream\n%s\nendstream\nendobj\n",
		size, w, entries.Len(), entries.Bytes())
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}
