package ingest

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/shanxi-sme/kb/internal/hostile"
)

// parseMeasured parses raw and reports the peak growth of the heap in use
// during the parse, sampled every few milliseconds, and the bytes
// allocated. The tests of this file do not run in parallel, so the heap
// is the parse's.
func parseMeasured(t *testing.T, ctx context.Context, name string, raw []byte) (err error, peak, alloc uint64) {
	t.Helper()
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	var max atomic.Uint64
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > max.Load() {
				max.Store(m.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	result := make(chan error, 1)
	go func() {
		_, err := ParseFileContext(ctx, name, raw, Meta{})
		result <- err
	}()
	select {
	case err = <-result:
	case <-time.After(2 * time.Minute): // a hang, not a slow machine
		t.Fatalf("%s: still parsing after 2 minutes", name)
	}
	close(done)
	<-sampled
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if m := max.Load(); m > before.HeapInuse {
		peak = m - before.HeapInuse
	}
	return err, peak, after.TotalAlloc - before.TotalAlloc
}

// The PDF of issue 12: 5,000 pages drawing one content stream that
// inflates to 16 MB of text. Before the page bounds one parse held some
// 740 MB of glyphs and allocated 1.7 GB; it now stops at the first page's
// glyph limit.
func TestHeavyPDFBounded(t *testing.T) {
	raw := hostile.HeavyPDF(5000, hostile.TextContent(hostile.HeavyStreamBytes))
	err, peak, alloc := parseMeasured(t, context.Background(), "heavy.pdf", raw)
	t.Logf("%d KB file: heap peak +%d MB, allocated %d MB, err %v", len(raw)>>10, peak>>20, alloc>>20, err)
	if err != nil && !errors.Is(err, ErrTooLarge) {
		t.Errorf("error %v, want ErrTooLarge (or none)", err)
	}
	// Generous bounds: a parse that held the glyphs of a whole stream
	// (or of several pages) would break them many times over.
	if peak > 150<<20 {
		t.Errorf("heap grew by %d MB during the parse, want under 150 MB", peak>>20)
	}
	if alloc > 600<<20 {
		t.Errorf("the parse allocated %d MB, want under 600 MB", alloc>>20)
	}
}

// textPages is a content stream of lines lines of glyphs glyphs each.
func textPages(lines, glyphs int) []byte {
	var b strings.Builder
	b.WriteString("BT /F1 9 Tf 11 TL 20 800 Td\n")
	line := "(" + strings.Repeat("a", glyphs) + ") Tj T*\n"
	for range lines {
		b.WriteString(line)
	}
	b.WriteString("ET\n")
	return []byte(b.String())
}

// The bounds of one file's glyphs and lines, each reached with pages that
// are each within the page limit.
func TestPDFFileBounds(t *testing.T) {
	for _, tc := range []struct {
		name string
		raw  []byte
		want string
	}{
		// 11 pages of 199,980 glyphs: over the file's 2 million.
		{"glyphs", hostile.HeavyPDF(11, textPages(1000, 19998/100)), "全文超过 200 万个字"},
		// 1,100 pages of 200 one-glyph lines: over the file's 200,000 lines.
		{"lines", hostile.HeavyPDF(1100, textPages(200, 1)), "超过 20 万行"},
	} {
		err, peak, _ := parseMeasured(t, context.Background(), tc.name+".pdf", tc.raw)
		if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want ErrTooLarge saying %q", tc.name, err, tc.want)
		}
		if peak > 150<<20 {
			t.Errorf("%s: heap grew by %d MB during the parse, want under 150 MB", tc.name, peak>>20)
		}
	}
	// Within the bounds the same pages are read: 10 pages of 1,000 lines.
	if _, err := ParseFile("ok.pdf", hostile.HeavyPDF(10, textPages(1000, 30)), Meta{}); errors.Is(err, ErrTooLarge) {
		t.Errorf("a file within the bounds: %v", err)
	}
}

// A parse stops when its context ends: a deadline gives ErrTimeout and
// context.DeadlineExceeded, a cancellation context.Canceled. The file is
// 5,000 pages of path operators (no glyphs to reach a limit): read to
// the end it would stop at the content budget with ErrTooLarge after
// seconds, so an error that wraps the context's shows the parse stopped.
func TestParseStopsWithContext(t *testing.T) {
	raw := hostile.HeavyPDF(5000, hostile.PathContent(hostile.HeavyStreamBytes))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	err, _, _ := parseMeasured(t, ctx, "paths.pdf", raw)
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, ErrTimeout) || errors.Is(err, ErrTooLarge) {
		t.Errorf("deadline: error %v, want ErrTimeout wrapping context.DeadlineExceeded", err)
	}
	if !strings.HasPrefix(err.Error(), "paths.pdf: 文件过于复杂") {
		t.Errorf("deadline: message %q, want the file's name and a Chinese explanation", err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	time.AfterFunc(200*time.Millisecond, cancel)
	err, _, _ = parseMeasured(t, ctx, "paths.pdf", raw)
	if !errors.Is(err, context.Canceled) || errors.Is(err, ErrTimeout) {
		t.Errorf("cancel: error %v, want context.Canceled", err)
	}

	// Every format stops on a context that has already ended.
	odt := buildODT(t, op("阳曲县推进楼宇经济发展。"))
	for name, raw := range map[string][]byte{"a.pdf": raw, "a.docx": testDocx(t), "a.odt": odt, "a.txt": []byte("正文。")} {
		if _, err := ParseFileContext(ctx, name, raw, Meta{}); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with an ended context: error %v, want context.Canceled", name, err)
		}
		if _, err := PlainTextContext(ctx, name, raw); !errors.Is(err, context.Canceled) {
			t.Errorf("%s, plain text, with an ended context: error %v, want context.Canceled", name, err)
		}
	}
}

// Files that made the pdf library allocate by a number they state, which
// aborts the process (out of memory is fatal in Go, not a panic), or hold
// a huge array: each is refused before the library reads it. A failure
// here is a crash of the test binary, or an error of the wrong kind.
func TestPDFAllocationBombs(t *testing.T) {
	contents := make([]string, maxPDFContentParts+1)
	for i := range contents {
		contents[i] = "4 0 R"
	}
	manyParts := hostile.PDF([]string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /Contents [" + strings.Join(contents, " ") + "] /Resources << /Font << /F1 5 0 R >> >> >>",
		"<< /Length 40 >>\nstream\nBT /F1 12 Tf 20 250 Td (abc) Tj ET      \nendstream",
		helvetica,
	})
	for _, tc := range []struct {
		name string
		raw  []byte
		want error
	}{
		{"xref subsection", hostile.XrefBombPDF("subsection"), ErrCorrupt},
		{"xref stream size", hostile.XrefBombPDF("size"), ErrCorrupt},
		{"xref stream width", hostile.XrefBombPDF("width"), ErrCorrupt},
		{"predictor columns", hostile.PredictorPDF(1 << 40), ErrCorrupt},
		{"wide page tree", hostile.WidePDF(maxPDFContainer/3 + 10), ErrTooLarge},
		{"nested arrays", hostile.NestedPDF(maxPDFNesting + 10), ErrCorrupt},
		{"content parts", manyParts, ErrTooLarge},
		{"zip bomb stream", hostile.BombPDF(maxPDFStreamBytes * 4), ErrTooLarge},
	} {
		err, peak, _ := parseMeasured(t, context.Background(), "bomb.pdf", tc.raw)
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: error %v, want %v", tc.name, err, tc.want)
		}
		if peak > 150<<20 {
			t.Errorf("%s: heap grew by %d MB during the parse, want under 150 MB", tc.name, peak>>20)
		}
	}
	// The same numbers within bounds are read.
	if _, err := ParseFile("xref.pdf", hostile.XrefBombPDF("none"), Meta{}); errors.Is(err, ErrCorrupt) {
		t.Errorf("an xref stream within bounds: %v", err)
	}
}

// /Columns hidden in an object stream (where a stream's indirect
// DecodeParms may point) is checked as the stream is lexed.
func TestContentCheckColumns(t *testing.T) {
	for _, tc := range []struct {
		data string
		want error
	}{
		{"<< /Predictor 12 /Columns 5 >>", nil},
		{"<< /Predictor 12 /Columns 99999999999 >>", errPDFNumbers},
		{"<< /Columns 12345678901234567890 >>", errPDFNumbers},
		{"<< /Columns -1 >>", errPDFNumbers},
		{"[" + strings.Repeat("1 0 R ", maxPDFContainer/3+1) + "]", ErrTooLarge},
		{strings.Repeat("[", maxPDFNesting+1), errPDFNesting},
	} {
		c := &contentCheck{operands: -1}
		_, _ = c.Write([]byte(tc.data))
		err := c.err
		if errors.Is(err, errPDFTooMuch) {
			err = pdfPanicError(err)
		}
		if (tc.want == nil) != (err == nil) || tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%.40q: error %v, want %v", tc.data, err, tc.want)
		}
	}
}

// A .docx whose text is over the bound is refused as it streams, with
// the XML around the text never held whole.
func TestDocxTextBound(t *testing.T) {
	raw := hostile.TextDocx(maxDocText + 1<<20)
	err, peak, _ := parseMeasured(t, context.Background(), "large.docx", raw)
	t.Logf("%d MB file: heap peak +%d MB, err %v", len(raw)>>20, peak>>20, err)
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("error %v, want ErrTooLarge", err)
	}
	// The text read is held until the bound (50 MB, more while a buffer
	// grows); the XML around it (another 5 MB) is not.
	if peak > 200<<20 {
		t.Errorf("heap grew by %d MB during the parse, want under 200 MB", peak>>20)
	}
}
