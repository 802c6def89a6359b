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
