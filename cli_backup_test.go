package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBackupRestoreCommands(t *testing.T) {
	data, src, dst := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "restored")
	file := filepath.Join(src, "a.txt")
	if err := os.WriteFile(file, []byte(newsLikeText), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var stdout, stderr bytes.Buffer
	if err := run(ctx, []string{"ingest", file, "--data", data}, &stdout, &stderr); err != nil {
		t.Fatalf("ingest: %v\n%s", err, stderr.String())
	}
	out := filepath.Join(t.TempDir(), "kb.tar.gz")
	stdout.Reset()
	if err := run(ctx, []string{"backup", "--data", data, "--out", out}, &stdout, &stderr); err != nil || !strings.Contains(stdout.String(), "已备份 1 个文档") {
		t.Fatalf("backup: %v %s", err, stdout.String())
	}
	stdout.Reset()
	if err := run(ctx, []string{"restore", out, "--data", dst}, &stdout, &stderr); err != nil || !strings.Contains(stdout.String(), "恢复 1 个文档") {
		t.Fatalf("restore: %v %s", err, stdout.String())
	}
	stderr.Reset()
	err := run(ctx, []string{"restore", out, "--data", dst}, &stdout, &stderr)
	if code := exitCode(err, &stderr); code != exitFailure || !strings.Contains(stderr.String(), "--force") {
		t.Errorf("restore over a non-empty folder: exit %d, %s", code, stderr.String())
	}
	if err := run(ctx, []string{"restore", out, "--data", dst, "--force"}, &stdout, &stderr); err != nil {
		t.Errorf("forced restore: %v", err)
	}
	if err := run(ctx, []string{"backup", "--data", data}, &stdout, &stderr); exitCode(err, &stderr) != exitUsage {
		t.Errorf("backup without --out: %v", err)
	}
	// The restored folder opens with the document (the index rebuilt).
	stdout.Reset()
	if err := run(ctx, []string{"search", "民宿集群", "--data", dst}, &stdout, &stderr); err != nil || !strings.Contains(stdout.String(), "平遥") {
		t.Errorf("search in the restored folder: %v\n%s", err, stdout.String())
	}
}

const newsLikeText = "平遥县推进古城文旅融合\n\n平遥县设立古城文旅融合发展基金，扶持非遗工坊和民宿集群发展，三年培育民宿企业一百二十家。"
