package index_test

import (
	"context"
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/index"
)

// FuzzSearch feeds arbitrary query strings (quotes, punctuation, invalid
// UTF-8, very long input) through query parsing, expansion and search:
// the answer is hits or ErrBadRequest, never a panic or another error.
// Seeds live in testdata/fuzz/FuzzSearch; `go test` replays them.
func FuzzSearch(f *testing.F) {
	for _, s := range []string{"楼宇经济", `"知识产权质押`, "“”“", "写字楼怎么招商？", "ＧＤＰ\x00\xff", "a\"b\"c", ""} {
		f.Add(s, 1, 10)
	}
	f.Fuzz(func(t *testing.T, q string, page, size int) {
		res, err := shared.Search(context.Background(), index.Request{Query: q, Page: page, Size: size})
		if err != nil {
			if !errors.Is(err, index.ErrBadRequest) {
				t.Fatalf("query %q: %v", q, err)
			}
			return
		}
		if !utf8.ValidString(q) {
			t.Fatalf("invalid UTF-8 accepted: %q", q)
		}
		for _, h := range res.Hits {
			if !utf8.ValidString(h.Snippet) {
				t.Fatalf("snippet of %s is not valid UTF-8", h.Passage.ID)
			}
		}
	})
}

// FuzzLink feeds arbitrary drafts to the linker.
func FuzzLink(f *testing.F) {
	for _, s := range []string{"长治高新区推出知识产权质押贷款。\n\n今天天气很好。", "\n\n\n", "《》《", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		paras, err := shared.Link(context.Background(), text)
		if err != nil {
			if !errors.Is(err, index.ErrBadRequest) {
				t.Fatalf("link %q: %v", text, err)
			}
			return
		}
		runes := []rune(text)
		for _, p := range paras {
			if p.Start < 0 || p.End > len(runes) || p.Start > p.End || string(runes[p.Start:p.End]) != p.Text {
				t.Fatalf("paragraph %d offsets %d:%d wrong for %q", p.Index, p.Start, p.End, text)
			}
		}
	})
}
