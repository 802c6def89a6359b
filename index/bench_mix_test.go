package index_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/index"
)

// BenchmarkSearchMix runs every query of the file KB_BENCH_MIX (one per
// line, e.g. the mix scripts/scale_bench.sh generates) once per iteration
// over KB_BENCH_SIZES[0] synthetic passages, in an index kept under
// KB_BENCH_DIR between runs (a temporary one when unset), as the API asks
// (places read as filters). With KB_BENCH_PERQUERY set, each query's best
// time over the iterations goes to that file (query, tab, ms), to compare
// two versions query by query on a busy machine. For profiles:
//
//	KB_BENCH_MIX=/tmp/mix.txt KB_BENCH_SIZES=100000 KB_BENCH_DIR=/tmp/ix100k \
//	  go test ./index -run '^$' -bench SearchMix -benchtime 3x -cpuprofile cpu.prof
func BenchmarkSearchMix(b *testing.B) {
	path := os.Getenv("KB_BENCH_MIX")
	if path == "" {
		b.Skip("KB_BENCH_MIX names no query file")
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	var queries []string
	for _, l := range strings.Split(string(raw), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			queries = append(queries, l)
		}
	}
	dir := os.Getenv("KB_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	docs := append(parts.Library.Documents(), synthDocs(b, benchSizes(b)[0])...)
	ix, err := index.Open(context.Background(), index.Config{Dir: dir, Library: corpus.NewLibrary(docs),
		Segmenter: parts.Segmenter, Themes: parts.Themes, Concepts: parts.Concepts, Places: parts.Places,
		Specificity: parts.Specificity, Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	best := make([]time.Duration, len(queries))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, q := range queries {
			start := time.Now()
			if _, err := ix.Search(context.Background(), index.Request{Query: q, PlaceIntent: true}); err != nil {
				b.Fatal(err)
			}
			if d := time.Since(start); i == 0 || d < best[j] {
				best[j] = d
			}
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*len(queries)), "ms/query")
	if out := os.Getenv("KB_BENCH_PERQUERY"); out != "" {
		var sb strings.Builder
		for j, q := range queries {
			fmt.Fprintf(&sb, "%s\t%.3f\n", q, float64(best[j].Microseconds())/1000)
		}
		if err := os.WriteFile(out, []byte(sb.String()), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}
