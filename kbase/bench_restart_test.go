package kbase

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/shanxi-sme/kb/docstore"
	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/synth"
)

// BenchmarkRestartStored opens a catalog that holds KB_BENCH_PASSAGES
// (default 10,000) synthetic passages as stored, parsed documents, with
// its index built: what a deployment's restart costs once the
// dictionaries are loaded (`kb serve --synth` instead generates its
// corpus again at every start). The catalog is written once, outside the
// timing. KB_BENCH_DIR keeps it in that folder, so that `kb serve --data`
// can be timed on it too:
//
//	KB_BENCH_PASSAGES=100000 go test ./kbase -run '^$' -bench RestartStored -benchtime 3x
func BenchmarkRestartStored(b *testing.B) {
	n := 10000
	if s := os.Getenv("KB_BENCH_PASSAGES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v <= 0 {
			b.Fatalf("KB_BENCH_PASSAGES: bad number %q", s)
		}
		n = v
	}
	ctx := context.Background()
	dir := os.Getenv("KB_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	// The testing package calls a benchmark more than once: a catalog already
	// in KB_BENCH_DIR is used as it is.
	if _, err := os.Stat(filepath.Join(dir, documentsDir)); err != nil {
		storeSynth(b, dir, n)
	}
	kb, err := testParts.Open(ctx, dir, quiet, embedding.Config{}) // builds the index
	if err != nil {
		b.Fatal(err)
	}
	passages, _ := kb.Index().Count()
	if err := kb.Close(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		kb, err := testParts.Open(ctx, dir, quiet, embedding.Config{})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if got, _ := kb.Index().Count(); got != passages {
			b.Fatalf("restart holds %d passages, built %d", got, passages)
		}
		if err := kb.Close(); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(passages), "passages")
}

// storeSynth stores n synthetic passages in the catalog under dir as
// parsed documents, each with an original of its own, as ingestion would.
func storeSynth(b *testing.B, dir string, n int) {
	b.Helper()
	g, err := synth.New(synth.Sources{Places: testParts.Places, Themes: testParts.Themes, Concepts: testParts.Concepts})
	if err != nil {
		b.Fatal(err)
	}
	store, err := docstore.Open(filepath.Join(dir, documentsDir))
	if err != nil {
		b.Fatal(err)
	}
	kb := &KB{parts: testParts}
	for i, d := range g.Documents(1, n) {
		// Catalog IDs are hex; the synthetic ID appears only as IDs in the
		// encoded document, so replacing it renames the document and its
		// passages alike.
		id := fmt.Sprintf("%012x", i+1)
		enc, err := kb.encodeParsed(d)
		if err != nil {
			b.Fatal(err)
		}
		enc = bytes.ReplaceAll(enc, []byte(`"`+d.ID), []byte(`"`+id))
		raw := []byte(d.Title + "\n" + id)
		sum := sha256.Sum256(raw)
		r := docstore.Record{ID: id, Name: id + ".txt", Format: "txt", Hash: hex.EncodeToString(sum[:]),
			Size: int64(len(raw)), Title: d.Title, Added: time.Now()}
		if err := store.PutParsed(r, raw, enc); err != nil {
			b.Fatal(err)
		}
	}
}
