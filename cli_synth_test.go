package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestSynthWritesJSONL(t *testing.T) {
	out := filepath.Join(t.TempDir(), "c.jsonl")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"synth", "--passages", "120", "--builtin=false", "--out", out}, &stdout, &stderr); err != nil {
		t.Fatalf("synth: %v %s", err, stderr.String())
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n := 0
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l struct {
			ID, Kind, Text string
			County         []string
		}
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil || l.ID == "" || l.Text == "" || l.Kind == "" {
			t.Fatalf("line %d: %v %s", n+1, err, sc.Text())
		}
		n++
	}
	if n != 120 {
		t.Errorf("%d lines, want 120", n)
	}
	if err := run(context.Background(), []string{"synth", "--passages", "0", "--out", out}, &stdout, &stderr); !errors.Is(err, errUsage) {
		t.Errorf("--passages 0: %v, want a usage error", err)
	}
}
