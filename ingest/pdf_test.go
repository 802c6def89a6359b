package ingest

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shanxi-sme/kb/internal/hostile"
)

// testdata/report.pdf is Chromium's print of testdata/pdfsrc/report.html:
// TrueType CID fonts, two A5 pages with a running header and page numbers,
// a title set over two lines, a paragraph running over the page break.
func TestPDFReport(t *testing.T) {
	d, err := ParseFile("report.pdf", readTestdata(t, "report.pdf"), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != "pdf" || d.Title != "平遥县2023年中小企业高质量发展工作报告" || d.Issuer != "平遥县工业和信息化局" ||
		d.Date != "2024-01" || d.Year != 2023 {
		t.Errorf("format/title/issuer/date/year = %q %q %q %q %d", d.Format, d.Title, d.Issuer, d.Date, d.Year)
	}
	if got, want := outline(d), "一、工作成效 二、主要做法[（一）强化政策支持 （二）优化营商环境] 三、存在问题"; got != want {
		t.Errorf("sections:\n got %s\nwant %s", got, want)
	}
	first := findPassage(t, d, "2023年")
	if first.Text != "2023年，平遥县坚持把发展中小企业作为稳增长、促就业的重要抓手，全年新增市场主体一千二百余户，净增规模以上工业企业十五户，新培育省级专精特新中小企业八户，中小企业营业收入同比增长百分之九点六，中小企业已经成为全县经济发展的重要力量。" {
		t.Errorf("lines not joined into the paragraph: %q", first.Text)
	}
	if p := findPassage(t, d, "三是"); p.Text != "三是强化金融服务。组织银企对接会六场，帮助中小企业获得贷款四点八亿元。" || p.Label != "三是强化金融服务" {
		t.Errorf("paragraph over the page break = %q (%q)", p.Text, p.Label)
	}
	if len(d.Passages) != 7 {
		t.Errorf("passages = %d, want 7:\n%s", len(d.Passages), allText(d))
	}
	for _, p := range d.Passages {
		if strings.ContainsAny(p.Text, "—") || strings.Contains(p.Text, "工业和信息化局") {
			t.Errorf("page furniture in %q", p.Text)
		}
	}
}

// testdata/type3.pdf is set in Noto Sans CJK, which Chromium embeds as
// Type3 fonts whose /Encoding and /ToUnicode disagree, and whose
// ToUnicode maps some characters to radicals (⼀ for 一, ⻓ for 长).
func TestPDFType3Fonts(t *testing.T) {
	d, err := ParseFile("type3.pdf", readTestdata(t, "type3.pdf"), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if outline(d) != "一、工作成效" || len(d.Passages) != 1 || d.Passages[0].Text != "长治市门户网站发布：全市中小企业户数增长，工作成效明显。" {
		t.Errorf("sections %s, text:\n%s", outline(d), allText(d))
	}
	if d.Title != "长治工作简报" { // the PDF's Title, as the text has no title block
		t.Errorf("title = %q", d.Title)
	}
}

func TestPDFScanned(t *testing.T) {
	_, err := ParseFile("扫描件.pdf", readTestdata(t, "scan.pdf"), Meta{})
	if !errors.Is(err, ErrNoText) || err.Error() != "扫描件.pdf: PDF 没有文字层（可能是扫描件），请先做文字识别（OCR）" {
		t.Errorf("error = %v", err)
	}
}

// buildPDF writes a one-page PDF whose page shows content with font F1,
// adding extra objects (numbered from 6) and trailer entries. A content
// starting with "/" begins with entries for the stream's dictionary.
func buildPDF(header, content, font string, extra []string, trailer string) []byte {
	dict := ""
	if strings.HasPrefix(content, "/") {
		dict, content, _ = strings.Cut(content, "\n")
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 300] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< %s /Length %d >>\nstream\n%s\nendstream", dict, len(content)+1, content),
		font,
	}
	return writePDF(header, append(objs, extra...), trailer)
}

// writePDF writes objects numbered from 1, the first being the catalog,
// with their cross-reference table (hostile.WritePDF).
func writePDF(header string, objs []string, trailer string) []byte {
	return hostile.WritePDF(header, objs, trailer)
}

func stSong(cmap string) string {
	return "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /" + cmap +
		" /DescendantFonts [<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> /DW 1000 >>] >>"
}

const helvetica = "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"

func hexUTF16(s string) string {
	var b strings.Builder
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return b.String()
}

// Fonts without a ToUnicode map in the standard Chinese CMaps, as PDFs
// made with the non-embedded STSong-Light font have them.
func TestPDFChineseCMaps(t *testing.T) {
	const text = "平遥县中小企业发展报告。全县新增企业一千余户。"
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(text)
	for _, tc := range []struct{ cmap, hex string }{
		{"UniGB-UCS2-H", hexUTF16(text)},
		{"GBK-EUC-H", fmt.Sprintf("%X", gbk)},
	} {
		raw := buildPDF("%PDF-1.4", "BT /F1 12 Tf 20 250 Td <"+tc.hex+"> Tj ET", stSong(tc.cmap), nil, "")
		d, err := ParseFile(tc.cmap+".pdf", raw, Meta{})
		if err != nil {
			t.Errorf("%s: %v", tc.cmap, err)
			continue
		}
		if d.Passages[0].Text != text {
			t.Errorf("%s: text %q", tc.cmap, d.Passages[0].Text)
		}
	}
}

// What the library refuses although readers accept it: a PDF 2.0 header,
// junk after %%EOF.
func TestPDFLenientHeader(t *testing.T) {
	const text = "平遥县中小企业发展报告，2023年。"
	raw := buildPDF("%PDF-2.0", "BT /F1 12 Tf 20 250 Td <"+hexUTF16(text)+"> Tj ET", stSong("UniGB-UCS2-H"), nil, "")
	raw = append(raw, bytes.Repeat([]byte("garbage "), 40)...)
	d, err := ParseFile("v2.pdf", raw, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Passages[0].Text != text {
		t.Errorf("text = %q", d.Passages[0].Text)
	}
}

func TestPDFErrors(t *testing.T) {
	report := readTestdata(t, "report.pdf")
	// An encrypted file needing a user password: its /U entry does not
	// match the empty password.
	encrypt := fmt.Sprintf("<< /Filter /Standard /V 2 /R 3 /Length 128 /P -3904 /O <%s> /U <%s> >>",
		strings.Repeat("41", 32), strings.Repeat("42", 32))
	encrypted := buildPDF("%PDF-1.4", "BT /F1 12 Tf (x) Tj ET", helvetica, []string{encrypt},
		"/Encrypt 6 0 R /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]")
	// A content stream with a filter the library does not know: it panics.
	badFilter := buildPDF("%PDF-1.4", "/Filter /NoSuchFilter\nBT /F1 12 Tf (x) Tj ET", helvetica, nil, "")
	for _, tc := range []struct {
		name string
		raw  []byte
		want error
	}{
		{"加密.pdf", encrypted, ErrEncrypted},
		{"截断.pdf", report[:len(report)/2], ErrCorrupt},
		{"坏过滤器.pdf", badFilter, ErrCorrupt},
		{"空页.pdf", buildPDF("%PDF-1.4", "", helvetica, nil, ""), ErrNoText},
	} {
		_, err := ParseFile(tc.name, tc.raw, Meta{})
		if !errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), tc.name+": ") {
			t.Errorf("%s: error %v, want %v naming the file", tc.name, err, tc.want)
		}
	}
}

// Files the pdf library would hang on are refused in time: an open hex
// string at the end of a content stream or an object stream, a /Prev
// chain that loops, a /Parent chain that loops, an object stream
// extending another, and operands piling up without an operator.
func TestPDFHostileFiles(t *testing.T) {
	text := "BT /F1 12 Tf 20 250 Td <" + hexUTF16("平遥县中小企业发展报告。") + "> Tj ET"
	objStm := "<< /Type /ObjStm /N 1 /First 4 /Length 12 >>\nstream\n7 0 <4E2D4E\nendstream"
	for _, tc := range []struct {
		name string
		raw  []byte
		want error
	}{
		{"open hex", buildPDF("%PDF-1.4", "BT /F1 12 Tf 20 250 Td <4E2D 4E", stSong("UniGB-UCS2-H"), nil, ""), ErrCorrupt},
		{"prev cycle", buildPDF("%PDF-1.4", text, stSong("UniGB-UCS2-H"), nil, "/Prev XREF"), ErrCorrupt},
		{"parent cycle", writePDF("%PDF-1.4", []string{
			"<< /Type /Catalog /Pages 2 0 R >>",
			"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 3 0 R >>",
			"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
			fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text)+1, text),
		}, ""), ErrNoText},
		{"object stream open hex", buildPDF("%PDF-1.4", text, stSong("UniGB-UCS2-H"), []string{objStm}, ""), ErrCorrupt},
		{"object stream extends", buildPDF("%PDF-1.4", text, stSong("UniGB-UCS2-H"),
			[]string{strings.Replace(objStm, "/N 1", "/N 1 /Extends 6 0 R", 1)}, ""), ErrUnsupported},
		{"operands", buildPDF("%PDF-1.4", strings.Repeat("0 ", maxPDFOperands+1)+text, stSong("UniGB-UCS2-H"), nil, ""), ErrCorrupt},
	} {
		done := make(chan error, 1)
		go func() {
			_, err := ParseFile("h.pdf", tc.raw, Meta{})
			done <- err
		}()
		select {
		case err := <-done:
			if (tc.want == nil) != (err == nil) || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: still parsing after 10s", tc.name)
		}
	}
}
