package index

import (
	"strings"
	"testing"
)

func TestSnippetEscapesAndMarks(t *testing.T) {
	text := "甲<b>乙</b>&丙知识产权质押贷款丁"
	i := strings.Index(text, "知识产权")
	spans := []span{{i, i + len("知识产权")}, {i, i + len("知识产权质押")}, {i + len("知识产权质押"), i + len("知识产权质押贷款")}}
	got := snippet(text, mergeSpans(spans))
	want := "甲&lt;b&gt;乙&lt;/b&gt;&amp;丙<mark>知识产权质押贷款</mark>丁"
	if got != want {
		t.Errorf("snippet = %s\nwant      %s", got, want)
	}
}

func TestSnippetWindowFollowsMatches(t *testing.T) {
	text := strings.Repeat("前", 300) + "楼宇经济" + strings.Repeat("后", 300)
	i := strings.Index(text, "楼宇经济")
	got := snippet(text, []span{{i, i + len("楼宇经济")}})
	if !strings.Contains(got, "<mark>楼宇经济</mark>") || !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, "…") {
		t.Errorf("snippet = %s", got)
	}
	if n := len([]rune(strings.NewReplacer("<mark>", "", "</mark>", "", "…", "").Replace(got))); n != snippetRunes {
		t.Errorf("snippet has %d characters, want %d", n, snippetRunes)
	}
	// Spans that do not fall on character boundaries are ignored, not rendered broken.
	if got := snippet("知识产权", []span{{1, 4}}); got != "知识产权" {
		t.Errorf("bad span rendered: %s", got)
	}
}
