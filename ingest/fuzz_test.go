package ingest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/corpus"
)

// The fuzz targets only ask that no input makes a reader panic or hang,
// and that every failure is an error naming the file. Go's fuzzing has
// no time limit per input, so parse runs under a watchdog that crashes
// the worker (and so records the input) when one takes too long.

var fuzzNames = []string{"a.txt", "a.md", "a.html", "a.docx", "a.pdf", "a", "a.doc"}

// fuzzSeeds are the test documents of every format, by file name.
func fuzzSeeds(f *testing.F) map[string][]byte {
	seeds := map[string][]byte{
		"a.docx": testDocx(f),
		"a.md":   []byte(sampleMarkdown),
		"a.txt":  []byte(sampleText),
		"n.txt":  []byte(noticeText),
		"c.pdf":  buildPDF("%PDF-1.4", "BT /F1 12 Tf 20 250 Td <"+hexUTF16("平遥县中小企业发展报告。")+"> Tj ET", stSong("UniGB-UCS2-H"), nil, ""),
	}
	if seed, err := os.ReadFile("seed/000_0786add5c95c7cd3.txt"); err == nil {
		seeds["seed.txt"] = seed
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "*"))
	more, _ := filepath.Glob(filepath.Join("testdata", "pdfsrc", "*"))
	for _, p := range append(files, more...) {
		if raw, err := os.ReadFile(p); err == nil {
			seeds[filepath.Base(p)] = raw
		}
	}
	return seeds
}

// nameIndex is the index into fuzzNames of the name a file is read under.
func nameIndex(file string) uint8 {
	ext := filepath.Ext(file)
	for i, n := range fuzzNames {
		if filepath.Ext(n) == ext {
			return uint8(i)
		}
	}
	return 0
}

func FuzzParseFile(f *testing.F) {
	for file, raw := range fuzzSeeds(f) {
		f.Add(nameIndex(file), raw)
	}
	f.Fuzz(func(t *testing.T, kind uint8, raw []byte) {
		name := fuzzNames[int(kind)%len(fuzzNames)]
		parse(t, name, raw)
	})
}

func FuzzPDF(f *testing.F) {
	for file, raw := range fuzzSeeds(f) {
		if strings.HasSuffix(file, ".pdf") {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		parse(t, "f.pdf", raw)
	})
}

func FuzzDocx(f *testing.F) {
	f.Add(testDocx(f))
	f.Add(buildZip(f, map[string]string{"word/document.xml": testDocument}))
	f.Fuzz(func(t *testing.T, raw []byte) {
		parse(t, "f.docx", raw)
	})
}

func FuzzHTML(f *testing.F) {
	for file, raw := range fuzzSeeds(f) {
		if strings.HasSuffix(file, ".html") {
			f.Add(raw)
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		parse(t, "f.html", raw)
	})
}

// fuzzTimeout is far beyond what any input up to MaxFileSize needs.
const fuzzTimeout = 20 * time.Second

func parse(t *testing.T, name string, raw []byte) {
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-done:
		case <-time.After(fuzzTimeout):
			panic(fmt.Sprintf("ParseFile(%s) of %d bytes still running after %v", name, len(raw), fuzzTimeout))
		}
	}()
	doc, err := ParseFile(name, raw, Meta{})
	checkParsed(t, name, doc, err)
}

// checkParsed checks what ParseFile promises whatever the input: a
// document or an error naming the file, and a document whose passages
// are numbered in order and sit under headings.
func checkParsed(t *testing.T, name string, doc *corpus.Document, err error) {
	t.Helper()
	if err != nil {
		if doc != nil || !strings.HasPrefix(err.Error(), name+": ") {
			t.Fatalf("error %q (document %v) does not name the file", err, doc != nil)
		}
		return
	}
	if doc == nil || len(doc.Passages) == 0 {
		t.Fatal("no document and no error")
	}
	for i, p := range doc.Passages {
		if p.Order != i+1 || len(p.HeadingPath) == 0 || p.Kind == "" || !utf8.ValidString(p.Text) || hanCount(p.Text) == 0 {
			t.Fatalf("passage %d: order %d path %v kind %q text %q", i, p.Order, p.HeadingPath, p.Kind, p.Text)
		}
	}
}
