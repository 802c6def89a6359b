package ingest

import (
	"os"
	"strings"
	"testing"
)

func TestPlainTextKeepsHeadingsAndReadsFormats(t *testing.T) {
	text, err := PlainText("draft.md", []byte("# 调研报告\n\n一、基本情况\n\n定襄县法兰产业集群发展。\n\n| 县 | 数量 |\n|---|---|\n| 祁县 | 3 |\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"调研报告\n", "一、基本情况\n", "定襄县法兰产业集群发展。\n", "祁县｜3"} {
		if !strings.Contains(text, want) {
			t.Errorf("plain text lacks %q:\n%s", want, text)
		}
	}
	raw, err := os.ReadFile("testdata/report.pdf")
	if err != nil {
		t.Skip(err)
	}
	text, err = PlainText("report.pdf", raw)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(text, "⼀⻓⼾") || hanCount(text) < 20 {
		t.Errorf("PDF plain text not normalised or empty: %.80s", text)
	}
	if _, err := PlainText("empty.txt", nil); err == nil {
		t.Error("empty draft accepted")
	}
}
