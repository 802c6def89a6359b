package kbase

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/shanxi-sme/kb/ingest"
	"github.com/shanxi-sme/kb/internal/hostile"
)

// A file not parsed by the deadline is the file's fault: code
// parse_timeout with a Chinese message naming it, and nothing of it is
// kept. A shutdown (the worker's context cancelled) is not a timeout.
func TestIngestParseTimeout(t *testing.T) {
	kb := open(t, t.TempDir())
	defer kb.Close()
	paths := hostile.HeavyPDF(5000, hostile.PathContent(hostile.HeavyStreamBytes))
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := kb.Ingest(ctx, "复杂.pdf", paths)
	if !errors.Is(err, ingest.ErrTimeout) || !errors.Is(err, context.DeadlineExceeded) || ErrorCode(err) != CodeTimeout {
		t.Fatalf("error %v (code %s), want ErrTimeout (code %s)", err, ErrorCode(err), CodeTimeout)
	}
	if msg := userMessage("复杂.pdf", err); !strings.HasPrefix(msg, "复杂.pdf: 文件过于复杂") {
		t.Errorf("message %q", msg)
	}
	if recs, err := kb.store.List(); err != nil || len(recs) != 0 {
		t.Errorf("%d documents stored after a refused file (%v)", len(recs), err)
	}

	ctx, cancel = context.WithCancel(context.Background())
	cancel()
	if _, err := kb.Ingest(ctx, "复杂.pdf", paths); !errors.Is(err, context.Canceled) || ErrorCode(err) == CodeTimeout {
		t.Errorf("cancelled: error %v (code %s), want context.Canceled and no timeout", err, ErrorCode(err))
	}
}
