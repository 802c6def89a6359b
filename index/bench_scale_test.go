package index_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/synth"
)

// Scale benchmarks run on synthetic corpora with the vocabulary statistics
// of real reports (package synth). Sizes come from KB_BENCH_SIZES (default "10000"; use
// "10000,100000" for the full figures in BENCHMARKS.md).
func benchSizes(b *testing.B) []int {
	spec := os.Getenv("KB_BENCH_SIZES")
	if spec == "" {
		spec = "10000"
	}
	var out []int
	for _, f := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			b.Fatalf("KB_BENCH_SIZES: bad size %q", f)
		}
		out = append(out, n)
	}
	return out
}

var synthCache sync.Map // size -> []*corpus.Document

func synthDocs(tb testing.TB, n int) []*corpus.Document {
	if v, ok := synthCache.Load(n); ok {
		return v.([]*corpus.Document)
	}
	g, err := synth.New(synth.Sources{Places: parts.Places, Themes: parts.Themes, Concepts: parts.Concepts})
	if err != nil {
		tb.Fatal(err)
	}
	docs := g.Documents(1, n)
	synthCache.Store(n, docs)
	return docs
}

func passageBytes(docs []*corpus.Document) (n, bytes int) {
	for _, d := range docs {
		for _, p := range d.Passages {
			n++
			bytes += len(p.Text)
		}
	}
	return n, bytes
}

// BenchmarkIndexing builds an index of n synthetic passages; it reports
// passages/s and the text throughput (MB/s) to compare with segmentation.
func BenchmarkIndexing(b *testing.B) {
	for _, size := range benchSizes(b) {
		b.Run(fmt.Sprintf("passages=%d", size), func(b *testing.B) {
			docs := synthDocs(b, size)
			n, bytes := passageBytes(docs)
			b.SetBytes(int64(bytes))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				ix, err := index.Open(context.Background(), index.Config{Dir: b.TempDir(), Library: corpus.NewLibrary(docs),
					Segmenter: parts.Segmenter, Themes: parts.Themes, Concepts: parts.Concepts, Places: parts.Places, Logger: quiet})
				if err != nil {
					b.Fatal(err)
				}
				ix.Close()
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "passages/s")
		})
	}
}

// BenchmarkSearchScale measures one search per query shape on n synthetic passages.
func BenchmarkSearchScale(b *testing.B) {
	shapes := []struct {
		name string
		req  index.Request
	}{
		{"term", index.Request{Query: "楼宇经济"}},
		{"sentence", index.Request{Query: "科技型企业缺少抵押物怎么贷款"}},
		{"filtered", index.Request{Query: "小升规", Filters: map[string][]string{index.FieldCity: {"吕梁市", "晋中市"}, index.FieldKind: {"经验"}}}},
		{"browse", index.Request{Filters: map[string][]string{index.FieldCounty: {"定襄县"}}}},
	}
	for _, size := range benchSizes(b) {
		docs := synthDocs(b, size)
		ix, err := index.Open(context.Background(), index.Config{Dir: b.TempDir(), Library: corpus.NewLibrary(docs),
			Segmenter: parts.Segmenter, Themes: parts.Themes, Concepts: parts.Concepts, Places: parts.Places, Logger: quiet})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range shapes {
			b.Run(fmt.Sprintf("passages=%d/%s", size, s.name), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, err := ix.Search(context.Background(), s.req); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		ix.Close()
	}
}
