package export

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

var sample = []Paragraph{
	{Text: "定襄县组建集采平台*降低成本*。", Notes: []Note{{Citation: "《报告》经验三（定襄县）", Terms: []string{"集采平台"}}}},
	{Text: "与本库无关的一段<script>alert(1)</script>。"},
	{Text: "专利贷帮助轻资产企业。", Notes: []Note{{Citation: "《报告》经验十一（长治高新区）"}, {Citation: "《报告》经验八（祁县）"}}},
}

func TestMarkdownFootnotes(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, sample); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"降低成本\\*。[^1]", "企业。[^2][^3]", "[^1]: 参见《报告》经验三（定襄县）（相关：集采平台）", "[^3]: 参见《报告》经验八（祁县）", "&lt;script&gt;"} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown lacks %q:\n%s", want, out)
		}
	}
}

func TestHTMLSideNotesEscape(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, "草稿<1>", sample); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if strings.Contains(out, "<script>") || !strings.Contains(out, "&lt;script&gt;") {
		t.Errorf("draft text not escaped")
	}
	if strings.Count(out, "<li>") != 3 || !strings.Contains(out, `<ol start="2">`) {
		t.Errorf("side notes not numbered through: %s", out)
	}
}

func TestDocxHasWordFootnotes(t *testing.T) {
	var b bytes.Buffer
	if err := Docx(&b, sample); err != nil {
		t.Fatal(err)
	}
	z, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	parts := map[string]string{}
	for _, f := range z.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(r)
		r.Close()
		parts[f.Name] = string(data)
		if strings.HasSuffix(f.Name, ".xml") || strings.HasSuffix(f.Name, ".rels") {
			if err := xml.Unmarshal(data, new(struct{})); err != nil {
				t.Errorf("%s is not well-formed XML: %v", f.Name, err)
			}
		}
	}
	for _, name := range []string{"[Content_Types].xml", "word/document.xml", "word/footnotes.xml", "word/_rels/document.xml.rels"} {
		if parts[name] == "" {
			t.Fatalf("missing part %s", name)
		}
	}
	if n := strings.Count(parts["word/document.xml"], "<w:footnoteReference"); n != 3 {
		t.Errorf("%d footnote references, want 3", n)
	}
	if !strings.Contains(parts["word/footnotes.xml"], `w:id="3"`) || !strings.Contains(parts["word/footnotes.xml"], "经验八（祁县）") {
		t.Errorf("footnotes: %s", parts["word/footnotes.xml"])
	}
	if strings.Contains(parts["word/document.xml"], "<script>") {
		t.Error("draft text not escaped in document.xml")
	}
}

// A title line of the draft stays a heading in every format.
func TestHeadingsStayHeadings(t *testing.T) {
	paras := append([]Paragraph{{Text: "一、培育专精特新企业", Heading: true}}, sample...)
	var md, page bytes.Buffer
	if err := Markdown(&md, paras); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(md.String(), "## 一、培育专精特新企业\n") || strings.Count(md.String(), "## ") != 1 {
		t.Errorf("markdown heading:\n%s", md.String())
	}
	if err := HTML(&page, "草稿", paras); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page.String(), "<h2>一、培育专精特新企业</h2>") || strings.Count(page.String(), "<h2>") != 1 {
		t.Errorf("html heading:\n%s", page.String())
	}
}
