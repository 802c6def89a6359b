// Command hostile writes the hostile files of issue 12 into a folder, for
// scripts/hostile.sh to replay against a running server:
//
//	go run ./scripts/hostile -out /tmp/hostile
//
// Each file is named for what it does; the list is printed with sizes.
// With -parse N it then parses each heavy PDF N times at once in its own
// process, without the server's limit on concurrent parses, and prints
// its peak resident memory: the bound of one parse times N.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/shanxi-sme/kb/ingest"
	"github.com/shanxi-sme/kb/internal/hostile"
)

func main() {
	out := flag.String("out", "", "写入恶意测试文件的目录（必填）")
	parallel := flag.Int("parse", 0, "写完后在本进程内同时解析每个重型 PDF 的份数（0 表示不解析）")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "用法：go run ./scripts/hostile -out 目录")
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "创建目录失败：", err)
		os.Exit(1)
	}
	files := []struct {
		name string
		make func() []byte
	}{
		// The PDF of the issue: 5,000 pages drawing one content stream
		// that inflates to 16 MB of text (stops at the page glyph limit).
		{"heavy-text.pdf", func() []byte { return hostile.HeavyPDF(5000, hostile.TextContent(hostile.HeavyStreamBytes)) }},
		// The same with path operators: no glyphs, seconds of CPU until
		// the content budget or the deadline.
		{"heavy-paths.pdf", func() []byte { return hostile.HeavyPDF(5000, hostile.PathContent(hostile.HeavyStreamBytes)) }},
		{"bomb-1g.pdf", func() []byte { return hostile.BombPDF(1 << 30) }},
		{"predictor-columns.pdf", func() []byte { return hostile.PredictorPDF(1 << 40) }},
		{"xref-subsection.pdf", func() []byte { return hostile.XrefBombPDF("subsection") }},
		{"xref-size.pdf", func() []byte { return hostile.XrefBombPDF("size") }},
		{"xref-width.pdf", func() []byte { return hostile.XrefBombPDF("width") }},
		{"deep-tree.pdf", func() []byte { return hostile.DeepPDF(100_000) }},
		{"wide-tree.pdf", func() []byte { return hostile.WidePDF(3_300_000) }},
		{"nested-arrays.pdf", func() []byte { return hostile.NestedPDF(5_000_000) }},
		// 45 MB of random characters: more text than a .txt may hold.
		{"large-text-45m.docx", func() []byte { return hostile.LargeDocx(45 << 20) }},
		// 45 MB, mostly a picture, after the text of a real report (the
		// embedded corpus's, under a title of its own so that it is no
		// duplicate): read and indexed.
		{"large-media-45m.docx", func() []byte { return hostile.MediaDocx(45<<20, report()) }},
	}
	for _, f := range files {
		raw := f.make()
		if err := os.WriteFile(filepath.Join(*out, f.name), raw, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "写入失败：", err)
			os.Exit(1)
		}
		fmt.Printf("%-24s %9d 字节\n", f.name, len(raw))
	}
	if *parallel > 0 {
		for _, name := range []string{"heavy-text.pdf", "heavy-paths.pdf"} {
			parseAtOnce(filepath.Join(*out, name), *parallel)
		}
	}
}

// parseAtOnce parses a file n times concurrently and prints the results
// and the process's peak resident memory meanwhile.
func parseAtOnce(path string, n int) {
	raw, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "读取失败：", err)
		os.Exit(1)
	}
	runtime.GC()
	debug.FreeOSMemory()
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // reset the peak (Linux)
	start := time.Now()
	results := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, err := ingest.ParseFile(filepath.Base(path), raw, ingest.Meta{})
			switch {
			case err == nil:
				results[i] = "读完"
			case errors.Is(err, ingest.ErrTimeout):
				results[i] = "超时（ErrTimeout）"
			case errors.Is(err, ingest.ErrTooLarge):
				results[i] = "内容过多（ErrTooLarge）"
			default:
				results[i] = err.Error()
			}
		})
	}
	wg.Wait()
	counts := map[string]int{}
	for _, r := range results {
		counts[r]++
	}
	fmt.Printf("进程内同时解析 %d 份 %s：用时 %.1f 秒，峰值常驻内存 %s，结果 %v\n",
		n, filepath.Base(path), time.Since(start).Seconds(), peakRSS(), counts)
}

// peakRSS is VmHWM of this process.
func peakRSS() string {
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return "未知"
	}
	for _, line := range strings.Split(string(status), "\n") {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			kb, _ := strconv.Atoi(f[1])
			return fmt.Sprintf("%d MB", kb>>10)
		}
	}
	return "未知"
}

// report is the paragraphs of the embedded corpus's report, read from
// ingest/seed (run from the repository's root), under a new title.
func report() []string {
	files, _ := filepath.Glob(filepath.Join("ingest", "seed", "*.txt"))
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "找不到 ingest/seed/*.txt：请在仓库根目录运行")
		os.Exit(1)
	}
	raw, err := os.ReadFile(files[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "读取内置报告失败：", err)
		os.Exit(1)
	}
	paras := []string{"附有大幅图片的县域经济发展报告（恶意文件测试用）"}
	for _, p := range strings.Split(string(raw), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, p)
		}
	}
	return paras
}
