package index_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/ingest"
	"github.com/shanxi-sme/kb/synth"
)

func newsDoc(t *testing.T, name, text string) *corpus.Document {
	t.Helper()
	d, err := ingest.ParseText(name, []byte(text), ingest.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	parts.Tagger.Tag(d)
	return d
}

func TestAddAndRemoveDocuments(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix := openAt(t, dir, parts.Library)
	doc := newsDoc(t, "news.txt", "平遥县设立古城文旅融合发展基金，扶持非遗工坊和民宿集群发展。")
	// Searched before the update too: the passage texts a phrase is
	// checked against are those of the index searched, not of the last.
	if res, err := ix.Search(ctx, index.Request{Query: `"扶持非遗工坊"`}); err != nil || res.Total != 0 {
		t.Fatalf("phrase found before its document was added: %+v %v", res, err)
	}
	if err := ix.AddDocuments(ctx, doc); err != nil {
		t.Fatal(err)
	}
	if err := ix.AddDocuments(ctx, doc); err == nil {
		t.Error("adding the same document twice succeeded")
	}
	res, err := ix.Search(ctx, index.Request{Query: `"扶持非遗工坊"`})
	if err != nil || res.Total != 1 || res.Hits[0].Passage.DocID != doc.ID {
		t.Fatalf("added document not found: %+v %v", res, err)
	}
	fp := ix.Fingerprint()
	ix.Close()

	// The next start with the same documents reuses the updated index.
	lib := ix.Library()
	again := openAt(t, dir, lib)
	if again.Fingerprint() != fp {
		t.Errorf("fingerprint after reopen %s, after update %s", again.Fingerprint(), fp)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 { // CURRENT and one index folder: not rebuilt into a second one
		t.Errorf("index folder holds %d entries", len(entries))
	}
	if err := again.RemoveDocument(ctx, doc.ID); err != nil {
		t.Fatal(err)
	}
	res, err = again.Search(ctx, index.Request{Query: `"扶持非遗工坊"`})
	if err != nil || res.Total != 0 {
		t.Errorf("removed document still found: %d %v", res.Total, err)
	}
	if err := again.RemoveDocument(ctx, doc.ID); err == nil {
		t.Error("removing twice succeeded")
	}
	again.Close()
}

// Searches run while documents come and go; run with -race.
func TestSearchDuringIngestion(t *testing.T) {
	ctx := context.Background()
	ix := openAt(t, t.TempDir(), parts.Library)
	defer ix.Close()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 16)
	for g := 0; g < 3; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := ix.Search(ctx, index.Request{Query: "楼宇经济 民宿"}); err != nil {
					errs <- err
					return
				}
				if _, err := ix.Facets(ctx); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for i := 0; i < 8; i++ {
		d := newsDoc(t, fmt.Sprintf("n%d.txt", i), fmt.Sprintf("第%d篇：平遥县民宿集群发展，打造文旅融合示范。", i))
		if err := ix.AddDocuments(ctx, d); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			if err := ix.RemoveDocument(ctx, d.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	res, err := ix.Search(ctx, index.Request{Query: `"民宿集群"`})
	if err != nil || res.Total != 4 {
		t.Errorf("after 8 adds and 4 removals: %d hits, %v", res.Total, err)
	}
}

// updatedIndex opens an index of 3,000 synthetic passages and adds 200
// others (another seed) as an update; the index is closed with the test.
func updatedIndex(t *testing.T) (ix *index.Index, base, added []*corpus.Document) {
	t.Helper()
	base = synthDocs(t, 3000)
	ix = openAt(t, t.TempDir(), corpus.NewLibrary(base))
	t.Cleanup(func() { ix.Close() })
	g, err := synth.New(synth.Sources{Places: parts.Places, Themes: parts.Themes, Concepts: parts.Concepts})
	if err != nil {
		t.Fatal(err)
	}
	added = g.Documents(2, 200)
	if err := ix.AddDocuments(context.Background(), added...); err != nil {
		t.Fatal(err)
	}
	return ix, base, added
}

// An index that took in documents scores as a fresh build of the same
// documents: bleve's BM25 estimates the average field length from the
// segments' dictionaries, and an update adds a segment that bleve's own
// merges leave alone at this size (3,000 passages: a budget of two).
func TestUpdatedIndexScoresAsFreshBuild(t *testing.T) {
	ctx := context.Background()
	ix, base, added := updatedIndex(t)
	// The update's passages are a segment of their own: scores must not
	// depend on that (bleve's own BM25 statistics would).
	if n := ix.Segments(); n < 2 {
		t.Fatalf("%d segment(s) after the update: the test needs the update in a segment of its own", n)
	}
	fresh := openAt(t, t.TempDir(), corpus.NewLibrary(append(slices.Clone(base), added...)))
	defer fresh.Close()
	for _, q := range []string{"楼宇经济", "科技型企业缺少抵押物怎么贷款", "企业"} {
		a, err := ix.Search(ctx, index.Request{Query: q, Page: 1, Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		b, err := fresh.Search(ctx, index.Request{Query: q, Page: 1, Size: 10})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Hits) != len(b.Hits) || a.Total != b.Total {
			t.Fatalf("%q: updated index %d hits (total %d), fresh build %d (total %d)", q, len(a.Hits), a.Total, len(b.Hits), b.Total)
		}
		for i := range a.Hits {
			if a.Hits[i].Passage.ID != b.Hits[i].Passage.ID || math.Abs(a.Hits[i].Score-b.Hits[i].Score) > 1e-9 {
				t.Errorf("%q #%d: updated index %s %.6f, fresh build %s %.6f", q, i+1,
					a.Hits[i].Passage.ID, a.Hits[i].Score, b.Hits[i].Passage.ID, b.Hits[i].Score)
			}
		}
	}
}

// Removing a document brings the scores back to those of the index
// without it: the statistics follow the passages after a deletion. The
// document removed repeats passages of the corpus under other IDs, so
// it brings no word of its own that its deleted passages would leave in
// the dictionaries.
func TestRemovalRestoresScores(t *testing.T) {
	ctx := context.Background()
	ix := openAt(t, t.TempDir(), parts.Library)
	defer ix.Close()
	queries := []string{"楼宇经济", "小升规奖励", "企业"}
	scores := func() map[string]float64 {
		out := map[string]float64{}
		for _, q := range queries {
			res, err := ix.Search(ctx, index.Request{Query: q, Page: 1, Size: 20})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range res.Hits {
				out[q+" "+h.Passage.ID] = h.Score
			}
		}
		return out
	}
	before := scores()
	src := parts.Library.Documents()[0]
	copyDoc := &corpus.Document{ID: "copy-" + src.ID, Title: src.Title, Source: "copy.txt", Format: "txt"}
	for i, p := range src.Passages[:min(20, len(src.Passages))] {
		c := *p
		c.ID, c.DocID, c.Order = fmt.Sprintf("%s-p%03d", copyDoc.ID, i+1), copyDoc.ID, i+1
		copyDoc.Passages = append(copyDoc.Passages, &c)
	}
	if err := ix.AddDocuments(ctx, copyDoc); err != nil {
		t.Fatal(err)
	}
	changed := false
	for k, s := range scores() {
		if b, ok := before[k]; ok && math.Abs(b-s) > 1e-9 {
			changed = true
		}
	}
	if !changed {
		t.Fatal("setup: adding passages changed no score, so the test shows nothing")
	}
	if err := ix.RemoveDocument(ctx, copyDoc.ID); err != nil {
		t.Fatal(err)
	}
	after := scores()
	for k, b := range before {
		if a, ok := after[k]; !ok || math.Abs(a-b) > 1e-9 {
			t.Errorf("%s: %.6f before the copy came and went, %.6f (found %v) after", k, b, a, ok)
		}
	}
}
