package relate_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/kbase"
	"github.com/shanxi-sme/kb/relate"
)

// The segmenter loads once per process; the tests share it, one index
// and one engine.
var (
	parts  *kbase.Parts
	ix     *index.Index
	engine *relate.Engine
)

func TestMain(m *testing.M) {
	os.Exit(func() int {
		var err error
		if parts, err = kbase.Load(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		dir, err := os.MkdirTemp("", "kb-relate-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		if ix, err = parts.OpenIndex(context.Background(), dir, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer ix.Close()
		if engine, err = parts.Relate(ix); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return m.Run()
	}())
}
