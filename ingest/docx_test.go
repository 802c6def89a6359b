package ingest

import (
	"archive/zip"
	"bytes"
	"errors"
	"sort"
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
)

const wordNS = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
	`xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" ` +
	`xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"`

// testStyles has Word's built-in heading styles under the IDs Chinese Word
// gives them ("1", "2"), the Title style, a custom style based on heading
// 2, a table-of-contents style and a character style.
const testStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles ` + wordNS + `>
 <w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/></w:style>
 <w:style w:type="paragraph" w:styleId="1"><w:name w:val="heading 1"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="0"/></w:pPr></w:style>
 <w:style w:type="paragraph" w:styleId="2"><w:name w:val="heading 2"/><w:basedOn w:val="a"/><w:pPr><w:outlineLvl w:val="1"/></w:pPr></w:style>
 <w:style w:type="paragraph" w:styleId="a3"><w:name w:val="Title"/><w:basedOn w:val="a"/></w:style>
 <w:style w:type="paragraph" w:styleId="MyHeading"><w:name w:val="我的小标题"/><w:basedOn w:val="2"/></w:style>
 <w:style w:type="paragraph" w:styleId="10"><w:name w:val="toc 1"/><w:basedOn w:val="a"/></w:style>
 <w:style w:type="character" w:styleId="1Char"><w:name w:val="标题 1 字符"/></w:style>
</w:styles>`

func wp(style, text string) string {
	ppr := ""
	if style != "" {
		ppr = `<w:pPr><w:pStyle w:val="` + style + `"/></w:pPr>`
	}
	return `<w:p>` + ppr + `<w:r><w:t xml:space="preserve">` + text + `</w:t></w:r></w:p>`
}

func wtable(rows ...[]string) string {
	var b strings.Builder
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>`)
	for _, r := range rows {
		b.WriteString(`<w:tr>`)
		for _, c := range r {
			b.WriteString(`<w:tc><w:tcPr><w:tcW w:w="2000"/></w:tcPr>` + wp("", c) + `</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
	return b.String()
}

// testDocument is a county report: a two-line title in the Title style,
// issuer, date in Chinese numerals and document number, headings both as
// styled paragraphs and as plain text, measures, a table of county
// figures and a table of text, plus what must not be read (a deleted
// revision, a field code, a TOC entry, the fallback copy of a text box).
var testDocument = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ` + wordNS + `><w:body>
<w:p><w:pPr><w:pStyle w:val="a3"/><w:jc w:val="center"/></w:pPr><w:r><w:t>关于2023年全市中小企业</w:t></w:r><w:r><w:br/><w:t>发展情况的报告</w:t></w:r></w:p>
` + wp("", "晋中市工业和信息化局") + wp("", "二〇二三年十二月五日") + wp("", "市工信发〔2023〕45号") + `
<w:p><w:pPr><w:pStyle w:val="10"/><w:tabs><w:tab w:val="right" w:leader="dot" w:pos="8300"/></w:tabs></w:pPr><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> TOC \o "1-3" </w:instrText></w:r><w:r><w:t>一、总体情况</w:t></w:r><w:r><w:tab/><w:t>1</w:t></w:r></w:p>
` + wp("1", "一、总体情况") + `
<w:p><w:r><w:t>全市中小企业保持平稳增长，</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>删除的文字</w:delText></w:r></w:del><w:ins w:id="2" w:author="a"><w:r><w:t>新增市场主体一点二万户，</w:t></w:r></w:ins><w:r><w:t>营业收入同比增长百分之八。</w:t></w:r></w:p>
` + wp("2", "（一）企业数量") + `
` + wp("", "一是市场主体持续增加。全年新登记企业六千余户。") + `
` + wp("", "二是规上企业稳步增长。净增规上工业企业八十二户。") + `
` + wp("", "各县新增规上工业企业数量") + wtable(
	[]string{"县区", "新增规上工业企业（户）"},
	[]string{"榆次区", "21"}, []string{"介休市", "15"}, []string{"平遥县", "12"}, []string{"合计", "48"},
) + `
` + wp("", "二、主要做法") + `
` + wp("", "（一）强化服务保障") + `
<w:p><w:r><w:t>建立领导包联企业制度，</w:t></w:r><w:r><w:t>全年走访企业九百余家。</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent><w:p><w:r><w:t>文本框里的说明文字</w:t></w:r></w:p></w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>文本框里的说明文字</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>
` + wp("MyHeading", "（二）优化营商环境") + `
` + wp("", "推行企业开办一件事集成办理，开办时间压缩至半个工作日。") + `
` + wtable(
	[]string{"重点任务", "责任单位", "完成时限"},
	[]string{"标准化厂房建设", "市工信局", "2024年6月"},
	[]string{"数字化服务平台", "市数据局", "2024年12月"},
) + `
<w:p><w:pPr><w:outlineLvl w:val="0"/></w:pPr><w:r><w:t>三、下一步打算</w:t></w:r></w:p>
<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="3"/></w:numPr></w:pPr><w:r><w:t>加快推进专精特新企业梯度培育，力争新增省级专精特新企业二十户。</w:t></w:r></w:p>
<w:sectPr><w:headerReference w:type="default" r:id="rId8" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/></w:sectPr>
</w:body></w:document>`

// buildZip writes the given parts into a zip, in name order.
func buildZip(t testing.TB, parts map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	names := make([]string, 0, len(parts))
	for n := range parts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := zw.Create(n)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(parts[n])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func testDocx(t testing.TB) []byte {
	return buildZip(t, map[string]string{
		"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>`,
		"word/document.xml":   testDocument,
		"word/styles.xml":     testStyles,
		"word/header1.xml":    `<w:hdr ` + wordNS + `>` + wp("", "页眉里的文字不是正文") + `</w:hdr>`,
	})
}

func TestDocxStructure(t *testing.T) {
	d, err := ParseFile("报告.docx", testDocx(t), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != "docx" || d.Title != "关于2023年全市中小企业发展情况的报告" || d.Issuer != "晋中市工业和信息化局" ||
		d.Date != "2023-12-05" || d.Year != 2023 {
		t.Errorf("format/title/issuer/date/year = %q %q %q %q %d", d.Format, d.Title, d.Issuer, d.Date, d.Year)
	}
	want := "一、总体情况[（一）企业数量] 二、主要做法[（一）强化服务保障 （二）优化营商环境] 三、下一步打算 指标"
	if got := outline(d); got != want {
		t.Errorf("sections:\n got %s\nwant %s", got, want)
	}
	all := allText(d)
	for _, bad := range []string{"删除的文字", "TOC", "页眉", "〔2023〕", "晋中市工业和信息化局", "十二月五日"} {
		if strings.Contains(all, bad) {
			t.Errorf("passages keep %q", bad)
		}
	}
	if n := strings.Count(all, "文本框里的说明文字"); n != 1 {
		t.Errorf("text box read %d times, want once", n)
	}
	p := findPassage(t, d, "全市中小企业保持平稳增长")
	if p.Text != "全市中小企业保持平稳增长，新增市场主体一点二万户，营业收入同比增长百分之八。" || p.Kind != corpus.KindBody {
		t.Errorf("first paragraph = %q (%s)", p.Text, p.Kind)
	}
	m := findPassage(t, d, "二是规上企业")
	if m.Label != "二是规上企业稳步增长" || strings.Join(m.HeadingPath, "/") != "一、总体情况/（一）企业数量/二是规上企业稳步增长" {
		t.Errorf("measure label %q path %v", m.Label, m.HeadingPath)
	}
	tab := findPassage(t, d, "重点任务")
	if tab.Text != "重点任务｜责任单位｜完成时限；标准化厂房建设｜市工信局｜2024年6月；数字化服务平台｜市数据局｜2024年12月" ||
		strings.Join(tab.HeadingPath, "/") != "二、主要做法/（二）优化营商环境" || tab.Kind != corpus.KindPractice {
		t.Errorf("text table passage = %q at %v (%s)", tab.Text, tab.HeadingPath, tab.Kind)
	}
	if len(d.Indicators) != 1 {
		t.Fatalf("indicators = %d, want 1", len(d.Indicators))
	}
	in := d.Indicators[0]
	if in.Name != "各县新增规上工业企业数量" || in.Unit != "户" || len(in.Rows) != 3 || in.Rows[0].County != "榆次区" ||
		in.Rows[0].Value != 21 || in.Total() != 48 {
		t.Errorf("indicator = %+v", in)
	}
	last := d.Passages[len(d.Passages)-2] // before the indicator's passage
	if !strings.HasPrefix(last.Text, "加快推进") || last.HeadingPath[0] != "三、下一步打算" {
		t.Errorf("list item = %q at %v", last.Text, last.HeadingPath)
	}
}

func TestDocxErrors(t *testing.T) {
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 600)...)
	xlsx := buildZip(t, map[string]string{"xl/workbook.xml": "<workbook/>"})
	badXML := buildZip(t, map[string]string{"word/document.xml": "<w:document><w:body><w:p>"})
	for _, tc := range []struct {
		name string
		raw  []byte
		want error
		msg  string
	}{
		{"加密.docx", ole, ErrEncrypted, "另存为 .docx"},
		{"旧版.doc", ole, ErrLegacyWord, "旧版 Word 97-2003"},
		{"加密的.docx", oleFile("EncryptionInfo", "EncryptedPackage"), ErrEncrypted, "密码"},
		{"改了扩展名.docx", oleFile("WordDocument", "1Table"), ErrLegacyWord, "另存为 .docx"},
		{"普通.doc", oleFile("WordDocument", "1Table", "\x05SummaryInformation"), ErrUnsupported, "旧版 Word 97-2003"},
		{"金山.wps", oleFile("WordDocument"), ErrLegacyWord, "WPS"},
		{"表格.xls", oleFile("Workbook"), ErrUnsupported, "Excel"},
		{"不是压缩包.docx", []byte("这其实是一个文本文件，只是扩展名写成了 docx。"), ErrCorrupt, "zip"},
		{"截断.docx", testDocx(t)[:200], ErrCorrupt, "zip"},
		{"表格.docx", xlsx, ErrUnsupported, "Excel"},
		{"坏的.docx", badXML, ErrCorrupt, "document.xml"},
	} {
		_, err := ParseFile(tc.name, tc.raw, Meta{})
		if !errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), tc.name+": ") || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want %v naming the file and saying %q", tc.name, err, tc.want, tc.msg)
		}
	}
}

func TestDocxZipBombs(t *testing.T) {
	const huge = 300 << 20
	zeros := deflateZeros(huge) // a real stream that inflates to 300 MiB, about 2 MB long
	for _, tc := range []struct {
		name                     string
		data                     []byte
		uncompressed, compressed uint64
		want                     error
	}{
		// The header tells the truth: refused for its size before anything is inflated.
		{"honest 300 MiB", zeros, huge, uint64(len(zeros)), ErrTooLarge},
		// The header claims a tiny entry: reading stops at the claimed size.
		{"lying header", zeros, 1 << 20, uint64(len(zeros)), ErrCorrupt},
		// A ratio no document has (50 MiB from 100 KB).
		{"ratio", zeros[:100<<10], 50 << 20, 100 << 10, ErrCorrupt},
	} {
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "word/document.xml", Method: zip.Deflate,
			UncompressedSize64: tc.uncompressed, CompressedSize64: tc.compressed})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(tc.data)
		zw.Close()
		_, err = ParseFile("炸弹.docx", buf.Bytes(), Meta{})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
	}
}

// deflateZeros writes a raw DEFLATE stream of about n zero bytes without
// compressing them: one fixed-Huffman block holding a literal 0 and then
// copies of 258 bytes at distance 1, 13 bits each.
func deflateZeros(n int) []byte {
	var bw bitWriter
	bw.bits(1, 1) // final block
	bw.bits(1, 2) // fixed Huffman codes
	bw.code(0x30, 8)
	for left := n - 1; left >= 258; left -= 258 {
		bw.code(0xC5, 8) // length symbol 285: 258 bytes
		bw.code(0, 5)    // distance code 0: distance 1
	}
	bw.code(0, 7) // end of block
	return bw.flush()
}

type bitWriter struct {
	out  []byte
	acc  uint64
	nacc uint
}

// bits writes v least significant bit first, as DEFLATE's header fields are.
func (b *bitWriter) bits(v uint64, n uint) {
	b.acc |= v << b.nacc
	b.nacc += n
	for b.nacc >= 8 {
		b.out = append(b.out, byte(b.acc))
		b.acc >>= 8
		b.nacc -= 8
	}
}

// code writes a Huffman code most significant bit first.
func (b *bitWriter) code(c uint64, n uint) {
	var r uint64
	for i := uint(0); i < n; i++ {
		r = r<<1 | (c>>i)&1
	}
	b.bits(r, n)
}

func (b *bitWriter) flush() []byte {
	if b.nacc > 0 {
		b.out = append(b.out, byte(b.acc))
	}
	return b.out
}
