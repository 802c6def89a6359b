package ingest

import (
	"context"
	"fmt"
	"strings"
)

// PlainText is PlainTextContext with a deadline of DefaultTimeout.
func PlainText(name string, raw []byte) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), DefaultTimeout)
	defer cancel()
	return PlainTextContext(ctx, name, raw)
}

// PlainTextContext reads a draft in any format ParseFile reads and returns its
// text as lines, one per paragraph, heading or table row (cells joined
// with "｜"), for linking. Unlike ParseFile it keeps headings and drops
// nothing for being short: a draft comes back as the writer wrote it.
// Like ParseFileContext it stops when ctx ends.
func PlainTextContext(ctx context.Context, name string, raw []byte) (string, error) {
	switch {
	case len(raw) == 0:
		return "", fmt.Errorf("%s: %w", name, ErrEmpty)
	case len(raw) > MaxFileSize:
		return "", fmt.Errorf("%s: %w", name, ErrTooLarge)
	}
	format, err := detectFormat(name, raw)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	p, err := readFormat(ctx, format, raw)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	normalizeBlocks(p.blocks) // radicals of PDF text layers back to characters
	var b strings.Builder
	for _, bl := range p.blocks {
		if bl.IsTable() {
			for _, row := range bl.Table {
				b.WriteString(strings.Join(row, "｜"))
				b.WriteByte('\n')
			}
			continue
		}
		for _, line := range strings.Split(bl.Text, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				b.WriteString(line)
				b.WriteByte('\n')
			}
		}
	}
	if strings.TrimSpace(b.String()) == "" {
		return "", fmt.Errorf("%s: %w", name, ErrNoText)
	}
	return b.String(), nil
}
