package relate_test

import (
	"context"
	"os"
	"strings"
	"testing"
	"unicode/utf8"
)

// BenchmarkLink5000 links a draft of about 5,000 characters (the held-out
// paragraphs repeated) against the embedded corpus.
func BenchmarkLink5000(b *testing.B) {
	raw, err := os.ReadFile("testdata/heldout.txt")
	if err != nil {
		b.Fatal(err)
	}
	var paras []string
	for _, line := range strings.Split(string(raw), "\n") {
		if _, text, ok := strings.Cut(line, "|"); ok && !strings.HasPrefix(line, "#") {
			paras = append(paras, text)
		}
	}
	var draft strings.Builder
	for i := 0; utf8.RuneCountInString(draft.String()) < 5000; i++ {
		draft.WriteString(paras[i%len(paras)])
		draft.WriteString("\n\n")
	}
	text := draft.String()
	b.ReportMetric(float64(utf8.RuneCountInString(text)), "chars")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := engine.Link(context.Background(), text); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSimilar finds the similar practices of every case passage.
func BenchmarkSimilar(b *testing.B) {
	var ids []string
	for _, p := range ix.Library().Passages() {
		if p.Case != nil {
			ids = append(ids, p.ID)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := engine.Similar(context.Background(), ids[i%len(ids)], 5); err != nil {
			b.Fatal(err)
		}
	}
}
