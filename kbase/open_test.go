package kbase

import (
	"context"
	"errors"
	"testing"
	"unsafe"

	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/index"
)

// A start opens the catalog in two halves: the stored documents with the
// vocabularies only (while the segmenter loads), then the index. The first
// half holds the lock; a failed second half releases it.
func TestOpenInTwoHalves(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	kb := open(t, dir)
	doc, err := kb.Ingest(ctx, "a.txt", longDoc("辛", 6))
	if err != nil {
		t.Fatal(err)
	}
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}

	vocab := *testParts // what LoadVocabAlongside gives the work alongside
	vocab.Segmenter, vocab.Specificity = nil, nil
	st, err := vocab.OpenStored(ctx, dir, quiet)
	if err != nil {
		t.Fatalf("open stored documents without the segmenter: %v", err)
	}
	if len(st.docs) != 1 || st.docs[0].ID != doc.ID || len(st.docs[0].Passages) != len(doc.Passages) {
		t.Fatalf("stored documents = %d, want the one ingested", len(st.docs))
	}
	// Loaded documents share their repeated strings (corpus.Document.Compact).
	ps := st.docs[0].Passages
	if unsafe.StringData(ps[0].DocID) != unsafe.StringData(ps[len(ps)-1].DocID) {
		t.Error("loaded passages keep their own copies of the document ID")
	}
	if _, err := testParts.OpenStored(ctx, dir, quiet); !errors.Is(err, ErrLocked) {
		t.Fatalf("second open while the first half holds the folder: %v, want ErrLocked", err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// Parts other than those the documents were loaded with are refused,
	// and the lock goes with the failure.
	st, err = vocab.OpenStored(ctx, dir, quiet)
	if err != nil {
		t.Fatal(err)
	}
	other := *testParts
	other.dataFingerprint = "another vocabulary"
	if _, err := other.OpenIndexOver(ctx, st, embedding.Config{}); err == nil {
		t.Fatal("index opened with parts of another vocabulary")
	}
	if st, err = vocab.OpenStored(ctx, dir, quiet); err != nil {
		t.Fatalf("open after a failed second half: %v", err)
	}
	if _, err := vocab.OpenIndexOver(ctx, st, embedding.Config{}); err == nil {
		t.Fatal("index opened without a segmenter")
	}

	st, err = vocab.OpenStored(ctx, dir, quiet)
	if err != nil {
		t.Fatalf("open after a failed second half: %v", err)
	}
	kb, err = testParts.OpenIndexOver(ctx, st, embedding.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	if _, ok := kb.Index().Library().Document(doc.ID); !ok {
		t.Fatal("the stored document is not in the opened catalog")
	}
	if res, err := kb.Index().Search(ctx, index.Request{Query: "辛第3项措施", Size: 1}); err != nil || res.Total == 0 {
		t.Fatalf("the stored document is not searchable: %v, %d hits", err, res.Total)
	}
}
