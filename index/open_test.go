package index_test

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/ingest"
)

func openAt(t *testing.T, dir string, lib *corpus.Library) *index.Index {
	t.Helper()
	ix, err := index.Open(context.Background(), index.Config{Dir: dir, Library: lib, Segmenter: parts.Segmenter,
		Themes: parts.Themes, Concepts: parts.Concepts, Places: parts.Places, Specificity: parts.Specificity, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

func current(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "CURRENT"))
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func TestIndexIsReusedAndRebuiltOnChange(t *testing.T) {
	dir := t.TempDir()
	ix := openAt(t, dir, parts.Library)
	fp := ix.Fingerprint()
	marker := filepath.Join(dir, fp, "reuse-marker")
	if err := os.WriteFile(marker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	ix.Close()

	again := openAt(t, dir, parts.Library)
	if again.Fingerprint() != fp {
		t.Fatalf("fingerprint changed without a change: %s -> %s", fp, again.Fingerprint())
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("unchanged corpus: the index was rebuilt instead of reused")
	}
	again.Close()

	// A different corpus gives another fingerprint, a new folder, and the old one goes.
	doc, err := ingest.ParseText("extra.txt", []byte("平遥县推动楼宇经济发展，打造亿元楼宇，完善商务楼宇招商服务。"), ingest.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	parts.Tagger.Tag(doc)
	lib := corpus.NewLibrary(append(slicesClone(parts.Library.Documents()), doc))
	changed := openAt(t, dir, lib)
	defer changed.Close()
	if changed.Fingerprint() == fp {
		t.Fatal("adding a document did not change the fingerprint")
	}
	if current(t, dir) != changed.Fingerprint() {
		t.Errorf("CURRENT = %s, want %s", current(t, dir), changed.Fingerprint())
	}
	if _, err := os.Stat(filepath.Join(dir, fp)); !os.IsNotExist(err) {
		t.Errorf("old index folder still there: %v", err)
	}
	n, _ := changed.Count()
	if int(n) != len(lib.Passages()) {
		t.Errorf("count %d, passages %d", n, len(lib.Passages()))
	}
	res, err := changed.Search(context.Background(), index.Request{Query: "亿元楼宇", Filters: map[string][]string{index.FieldCounty: {"平遥县"}}})
	if err != nil || res.Total != 1 {
		t.Errorf("new document not searchable: %v, %v", res, err)
	}
}

func TestCorruptIndexIsRebuilt(t *testing.T) {
	dir := t.TempDir()
	ix := openAt(t, dir, parts.Library)
	fp := ix.Fingerprint()
	ix.Close()
	// Wreck the index: replace its metadata with garbage.
	meta := filepath.Join(dir, fp, "index_meta.json")
	if err := os.WriteFile(meta, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	again := openAt(t, dir, parts.Library)
	defer again.Close()
	res, err := again.Search(context.Background(), index.Request{Query: "楼宇经济"})
	if err != nil || res.Total == 0 {
		t.Fatalf("rebuilt index does not answer: %v %v", res, err)
	}
}

func TestOpenNeedsItsParts(t *testing.T) {
	if _, err := index.Open(context.Background(), index.Config{Dir: t.TempDir()}); err == nil {
		t.Error("Open without library and segmenter succeeded")
	}
}

func slicesClone[T any](s []T) []T { return append([]T(nil), s...) }

func TestLockedIndexFailsFast(t *testing.T) {
	dir := t.TempDir()
	ix := openAt(t, dir, parts.Library)
	defer ix.Close()
	// A second open of the same folder (another process in real life) must
	// fail with a clear message instead of waiting forever or rebuilding.
	_, err := index.Open(context.Background(), index.Config{Dir: dir, Library: parts.Library, Segmenter: parts.Segmenter,
		Themes: parts.Themes, Concepts: parts.Concepts, Places: parts.Places, Logger: quiet})
	if err == nil || !strings.Contains(err.Error(), "另一个进程") {
		t.Fatalf("second open: %v", err)
	}
	if _, err := ix.Search(context.Background(), index.Request{Query: "楼宇经济"}); err != nil {
		t.Errorf("the first index stopped working: %v", err)
	}
}

// A build that died half-way leaves its folder behind; the index named in
// CURRENT keeps serving and the next successful build clears the leftover.
func TestInterruptedBuildKeepsOldIndex(t *testing.T) {
	dir := t.TempDir()
	ix := openAt(t, dir, parts.Library)
	fp := ix.Fingerprint()
	ix.Close()
	leftover := filepath.Join(dir, ".building-123456")
	if err := os.MkdirAll(filepath.Join(leftover, "index"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(leftover, "index", "index_meta.json"), []byte("{half"), 0o644)
	again := openAt(t, dir, parts.Library)
	if again.Fingerprint() != fp || current(t, dir) != fp {
		t.Errorf("the old index was not reused after an interrupted build")
	}
	if res, err := again.Search(context.Background(), index.Request{Query: "楼宇经济"}); err != nil || res.Total == 0 {
		t.Errorf("old index does not serve: %v", err)
	}
	again.Close()
	doc, err := ingest.ParseText("n.txt", []byte("平遥县推动楼宇经济发展，打造亿元楼宇。"), ingest.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	parts.Tagger.Tag(doc)
	rebuilt := openAt(t, dir, corpus.NewLibrary(append(slicesClone(parts.Library.Documents()), doc)))
	defer rebuilt.Close()
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Errorf("leftover of the interrupted build survived a successful build")
	}
}

// A full build serves one segment, however many batches it took (bleve's
// BM25 scores change with the number of segments), and a restart serves
// the same: same hits, scores and facets.
func TestFullBuildServesOneSegment(t *testing.T) {
	lib := corpus.NewLibrary(synthDocs(t, 3000))
	dir := t.TempDir()
	open := func() *index.Index {
		t.Helper()
		// Batches of 50 passages: more segments than one merge task joins.
		ix, err := index.Open(context.Background(), index.Config{Dir: dir, Library: lib, Segmenter: parts.Segmenter,
			Themes: parts.Themes, Concepts: parts.Concepts, Places: parts.Places, Specificity: parts.Specificity, Logger: quiet,
			BuildBatch: 50})
		if err != nil {
			t.Fatal(err)
		}
		return ix
	}
	queries := []index.Request{
		{Query: "楼宇经济", Page: 1, Size: 20},
		{Query: "科技型企业缺少抵押物怎么贷款", Page: 1, Size: 20},
		{Query: "企业", Page: 2, Size: 20},
	}
	type answer struct {
		total uint64
		ids   []string
		score []float64
		facet map[string][]index.FacetValue
	}
	ask := func(ix *index.Index) []answer {
		var out []answer
		for _, q := range queries {
			res, err := ix.Search(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			a := answer{total: res.Total, facet: res.Facets}
			for _, h := range res.Hits {
				a.ids = append(a.ids, h.Passage.ID)
				a.score = append(a.score, h.Score)
			}
			out = append(out, a)
		}
		return out
	}
	ix := open()
	if n := ix.Segments(); n != 1 {
		t.Errorf("after a full build in batches of 50: %d segments, want 1", n)
	}
	built := ask(ix)
	ix.Close()
	again := open()
	defer again.Close()
	if n := again.Segments(); n != 1 {
		t.Errorf("after a restart: %d segments, want 1", n)
	}
	for i, a := range ask(again) {
		b := built[i]
		if b.total != a.total || !slices.Equal(b.ids, a.ids) || !reflect.DeepEqual(b.facet, a.facet) {
			t.Errorf("%q answered differently after a restart: total %d/%d", queries[i].Query, b.total, a.total)
			continue
		}
		for j := range b.score {
			if math.Abs(b.score[j]-a.score[j]) > 1e-9 {
				t.Errorf("%q: score of %s %.6f after the build, %.6f after a restart", queries[i].Query, b.ids[j], b.score[j], a.score[j])
			}
		}
	}
}
