package index_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/kbase"
)

// The segmenter loads once per process; the tests share it and one index.
var (
	parts  *kbase.Parts
	shared *index.Index
	quiet  = slog.New(slog.NewTextHandler(benchLogOut(), nil))
)

func TestMain(m *testing.M) {
	os.Exit(func() int {
		var err error
		if parts, err = kbase.Load(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		dir, err := os.MkdirTemp("", "kb-index-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		if shared, err = parts.OpenIndex(context.Background(), dir, quiet); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer shared.Close()
		return m.Run()
	}())
}

// benchLogOut is where the tests' index logs go: nowhere, or to stderr
// with KB_BENCH_LOG set (to see a benchmark's build phases).
func benchLogOut() io.Writer {
	if os.Getenv("KB_BENCH_LOG") != "" {
		return os.Stderr
	}
	return io.Discard
}
