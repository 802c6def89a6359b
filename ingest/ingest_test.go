package ingest

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
)

// outline writes a document's sections as "一、A[（一）B （二）C] 二、D".
func outline(d *corpus.Document) string {
	var walk func([]*corpus.Section) string
	walk = func(ss []*corpus.Section) string {
		var parts []string
		for _, s := range ss {
			p := s.Title
			if len(s.Sections) > 0 {
				p += "[" + walk(s.Sections) + "]"
			}
			parts = append(parts, p)
		}
		return strings.Join(parts, " ")
	}
	return walk(d.Sections)
}

func allText(d *corpus.Document) string {
	var b strings.Builder
	for _, p := range d.Passages {
		b.WriteString(p.Text)
		b.WriteByte('\n')
	}
	return b.String()
}

// findPassage returns the passage whose text starts with prefix.
func findPassage(t *testing.T, d *corpus.Document, prefix string) *corpus.Passage {
	t.Helper()
	for _, p := range d.Passages {
		if strings.HasPrefix(p.Text, prefix) {
			return p
		}
	}
	t.Fatalf("no passage starts with %q in:\n%s", prefix, allText(d))
	return nil
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestParseFileErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		raw  []byte
		want error
	}{
		{"空文件.txt", nil, ErrEmpty},
		{"太大.txt", bytes.Repeat([]byte("中"), MaxFileSize/3+1), ErrTooLarge},
		{"表格.xlsx", []byte("whatever"), ErrUnsupported},
		{"图片.jpg", []byte("\xFF\xD8\xFF\xE0\x00\x10JFIF"), ErrUnsupported},
		{"图片.txt", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrUnsupported},
		{"二进制.txt", []byte("abc\x00\x01\x02def"), ErrNotText},
		{"只有数字.txt", []byte("1\n2\n3\n"), ErrNoText},
		{"假的.pdf", []byte("这不是 PDF 文件"), ErrCorrupt},
		{"富文本.doc", []byte(`{\rtf1\ansi 文字}`), ErrUnsupported},
	} {
		_, err := ParseFile(tc.name, tc.raw, Meta{})
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), tc.name+": ") || !strings.Contains(err.Error(), tc.want.Error()) {
			t.Errorf("%s: message %q should name the file and say %q", tc.name, err, tc.want)
		}
	}
}

// A file under the wrong name is read as what its content is.
func TestParseFileSniffsContent(t *testing.T) {
	for _, tc := range []struct {
		name, format string
		raw          []byte
	}{
		{"report.txt", "pdf", readTestdata(t, "report.pdf")},
		{"report", "pdf", readTestdata(t, "report.pdf")},
		{"报告.pdf", "docx", testDocx(t)},
		{"新闻.txt", "html", readTestdata(t, "article.html")},
		{"网页版.doc", "html", readTestdata(t, "article.html")},
		{"无扩展名", "txt", []byte("平遥县推进小升规工作，新增规上企业十五户。")},
	} {
		d, err := ParseFile(tc.name, tc.raw, Meta{})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if d.Format != tc.format {
			t.Errorf("%s: format %s, want %s", tc.name, d.Format, tc.format)
		}
	}
}

// The caller's metadata wins over what the file says.
func TestParseFileMetaWins(t *testing.T) {
	d, err := ParseFile("article.html", readTestdata(t, "article.html"), Meta{Title: "我的标题", Issuer: "某局", Date: "2020-01", Year: 2019})
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "我的标题" || d.Issuer != "某局" || d.Date != "2020-01" || d.Year != 2019 {
		t.Errorf("meta = %q %q %q %d", d.Title, d.Issuer, d.Date, d.Year)
	}
}

// Every format gives the same document ID for the same bytes, and IDs
// differ between files.
func TestParseFileIDs(t *testing.T) {
	a1, err1 := ParseFile("a.md", []byte("# 标题\n\n平遥县推进小升规工作。"), Meta{})
	a2, err2 := ParseFile("b.md", []byte("# 标题\n\n平遥县推进小升规工作。"), Meta{})
	b, err3 := ParseFile("c.md", []byte("# 标题\n\n介休市推进小升规工作。"), Meta{})
	if err := errors.Join(err1, err2, err3); err != nil {
		t.Fatal(err)
	}
	if a1.ID != a2.ID || a1.ID == b.ID || a1.Passages[0].ID != a1.ID+"-p001" {
		t.Errorf("ids %s %s %s, passage %s", a1.ID, a2.ID, b.ID, a1.Passages[0].ID)
	}
}
