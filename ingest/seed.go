package ingest

import (
	"bufio"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/shanxi-sme/kb/corpus"
)

//go:embed seed/*.txt seed/*.meta
var seedFS embed.FS

// SeedFiles returns the embedded default corpus: each .txt with its .meta sidecar.
func SeedFiles() fs.FS {
	sub, err := fs.Sub(seedFS, "seed")
	if err != nil {
		panic(err) // embedded at build time
	}
	return sub
}

// LoadSeed parses and tags the embedded default corpus.
func LoadSeed(t *corpus.Tagger) ([]*corpus.Document, error) {
	return LoadTextDir(SeedFiles(), t)
}

// LoadTextDir parses every .txt file of fsys (with its optional .meta sidecar)
// and tags it, in file-name order.
func LoadTextDir(fsys fs.FS, t *corpus.Tagger) ([]*corpus.Document, error) {
	names, err := fs.Glob(fsys, "*.txt")
	if err != nil {
		return nil, fmt.Errorf("list corpus: %w", err)
	}
	sort.Strings(names)
	var docs []*corpus.Document
	for _, name := range names {
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
		meta, err := readMeta(fsys, strings.TrimSuffix(name, path.Ext(name))+".meta")
		if err != nil {
			return nil, err
		}
		doc, err := ParseText(name, raw, meta)
		if err != nil {
			return nil, err
		}
		t.Tag(doc)
		docs = append(docs, doc)
	}
	return docs, nil
}

// readMeta reads a "键: 值" sidecar; a missing file is no error.
func readMeta(fsys fs.FS, name string) (Meta, error) {
	var m Meta
	f, err := fsys.Open(name)
	if err != nil {
		return m, nil
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := corpus.CutKey(line)
		if !ok {
			return m, fmt.Errorf("%s:%d: expected \"键: 值\"", name, n)
		}
		switch k {
		case "标题":
			m.Title = v
		case "发文机关":
			m.Issuer = v
		case "日期":
			m.Date = v
		case "年度":
			y, err := strconv.Atoi(v)
			if err != nil {
				return m, fmt.Errorf("%s:%d: 年度 %q is not a year", name, n, v)
			}
			m.Year = y
		default:
			return m, fmt.Errorf("%s:%d: unknown key %q", name, n, k)
		}
	}
	return m, sc.Err()
}
