package kbase

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// A backup taken while the catalog is open restores to a folder that
// opens with the same documents and passages (the index rebuilt); a
// non-empty folder is refused unless forced.
func TestBackupRestoreRoundTrip(t *testing.T) {
	src := t.TempDir()
	kb := open(t, src)
	for _, seed := range []string{"子", "丑"} {
		if _, err := kb.Ingest(context.Background(), seed+".txt", longDoc(seed, 10)); err != nil {
			t.Fatal(err)
		}
	}
	kb.StartTasks()
	up, _ := kb.NewUpload()
	_ = up.AddFile("寅.txt", bytes.NewReader(longDoc("寅", 5)))
	task, err := up.Commit()
	if err != nil {
		t.Fatal(err)
	}
	waitTask(t, kb, task.ID)
	want := stateOf(t, kb)
	var buf bytes.Buffer
	st, err := Backup(context.Background(), src, &buf) // while open
	if err != nil || st.Documents != 3 || st.Tasks != 1 {
		t.Fatalf("backup: %+v %v", st, err)
	}
	if err := kb.Close(); err != nil {
		t.Fatal(err)
	}

	dst := filepath.Join(t.TempDir(), "new")
	if st, err := Restore(context.Background(), bytes.NewReader(buf.Bytes()), dst, false); err != nil || st.Documents != 3 {
		t.Fatalf("restore: %+v %v", st, err)
	}
	if _, err := os.Stat(filepath.Join(dst, "index")); !os.IsNotExist(err) {
		t.Errorf("a restore brought an index: %v", err)
	}
	kb = open(t, dst)
	if got := stateOf(t, kb); !reflect.DeepEqual(got, want) {
		t.Errorf("restored catalog: %+v, want %+v", got, want)
	}
	if got, err := kb.Task(task.ID); err != nil || got.Status != TaskSucceeded {
		t.Errorf("restored task: %+v %v", got, err)
	}
	// Open: the lock refuses the restore; closed: it needs --force.
	if _, err := Restore(context.Background(), bytes.NewReader(buf.Bytes()), dst, true); !errors.Is(err, ErrLocked) {
		t.Errorf("restore over an open catalog: %v", err)
	}
	if _, err := kb.Ingest(context.Background(), "卯.txt", longDoc("卯", 5)); err != nil {
		t.Fatal(err)
	}
	kb.Close()
	if _, err := Restore(context.Background(), bytes.NewReader(buf.Bytes()), dst, false); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("restore over a non-empty folder: %v", err)
	}
	if _, err := Restore(context.Background(), bytes.NewReader(buf.Bytes()), dst, true); err != nil {
		t.Fatalf("forced restore: %v", err)
	}
	kb = open(t, dst)
	defer kb.Close()
	if got := stateOf(t, kb); !reflect.DeepEqual(got, want) {
		t.Errorf("after a forced restore: %+v, want %+v", got, want)
	}
	// Not a backup.
	if _, err := Restore(context.Background(), strings.NewReader("hello"), t.TempDir(), false); !errors.Is(err, ErrNotBackup) {
		t.Errorf("restoring junk: %v", err)
	}
}
