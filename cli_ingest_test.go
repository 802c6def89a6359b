package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/kbase"
)

// A folder ingest ends with what it ingested, passed over (by extension)
// and could not read, and why; an old .doc is told to be saved as .docx.
func TestIngestFolderSummary(t *testing.T) {
	data, src := t.TempDir(), t.TempDir()
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 1024)...)
	files := map[string][]byte{
		"news.txt":       []byte("平遥县推进古城文旅融合，设立文旅融合发展基金，扶持民宿集群发展。"),
		"通知.doc":         ole,
		"表格.xlsx":        []byte("PK\x03\x04"),
		"照片.jpg":         {0xFF, 0xD8, 0xFF, 0xE0},
		"~$news.docx":    []byte("lock"),
		"README":         []byte("no extension"),
		"sub/图表.xlsx":    []byte("PK\x03\x04"),
		".git/config.md": []byte("# 不是文档"),
	}
	for name, raw := range files {
		p := filepath.Join(src, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"ingest", src, "--data", data}, &stdout, &stderr)
	out := stdout.String()
	if err == nil {
		t.Errorf("ingest with a failed file succeeded:\n%s", out)
	}
	for _, want := range []string{
		"收录 1 个，重复跳过 0 个，格式不支持跳过 5 个，失败 1 个",
		".xlsx 2 个、.jpg 1 个、无扩展名 1 个、隐藏或临时文件 1 个",
		"通知.doc: 旧版 Word 97-2003 文档（.doc/.wps），请在 Word 或 WPS 中另存为 .docx 后再上传",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "加密") {
		t.Errorf("an ordinary .doc is reported as encrypted:\n%s", out)
	}
}

// kb ingest on a data folder a server (here: a catalog open in this
// process) holds fails at once with the folder named and the fix, exit 1,
// and leaves the holder's data alone.
func TestIngestRefusedWhileDataFolderHeld(t *testing.T) {
	data, src := t.TempDir(), t.TempDir()
	kb, err := openKB(context.Background(), data, quietLogger(newLogger(io.Discard, "text", 0)), embedding.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer kb.Close()
	before, _ := kb.Index().Count()
	file := filepath.Join(src, "a.txt")
	if err := os.WriteFile(file, []byte("平遥县推进古城文旅融合，设立文旅融合发展基金。"), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"ingest", file, "--data", data}, &stdout, &stderr)
	if !errors.Is(err, kbase.ErrLocked) || exitCode(err, &stderr) != exitFailure {
		t.Fatalf("ingest on a held folder: %v", err)
	}
	if msg := stderr.String(); !strings.Contains(msg, data) || !strings.Contains(msg, "正被另一个进程使用") {
		t.Errorf("message does not name the folder and the cause: %s", msg)
	}
	if after, _ := kb.Index().Count(); after != before {
		t.Errorf("the holder's index changed: %d -> %d", before, after)
	}
}
