package segment

import (
	"os"
	"testing"
)

// BenchmarkTokens measures segmentation throughput (MB/s) on the seed report.
func BenchmarkTokens(b *testing.B) {
	s, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	text, err := os.ReadFile("../ingest/seed/000_0786add5c95c7cd3.txt")
	if err != nil {
		b.Fatal(err)
	}
	for _, m := range []struct {
		name string
		mode Mode
	}{{"coarse", Coarse}, {"subwords", WithSubwords}} {
		b.Run(m.name, func(b *testing.B) {
			b.SetBytes(int64(len(text)))
			for i := 0; i < b.N; i++ {
				s.Tokens(text, m.mode)
			}
		})
	}
}

// BenchmarkLoad measures building a segmenter (dictionary load).
func BenchmarkLoad(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := New(Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
