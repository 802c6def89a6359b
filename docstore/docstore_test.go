package docstore

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestPutGetListDelete(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	a := Record{ID: "aaaaaaaaaaaa", Name: "../../etc/passwd.txt", Format: "txt", Hash: "h1", Size: 3, Added: time.Unix(1, 0)}
	b := Record{ID: "bbbbbbbbbbbb", Name: "b.docx", Format: "docx", Hash: "h2", Size: 2, Added: time.Unix(2, 0)}
	if err := s.Put(b, []byte("bb")); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(a, []byte("aaa")); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(a, []byte("again")); err == nil {
		t.Error("storing the same ID twice succeeded")
	}
	list, err := s.List()
	if err != nil || len(list) != 2 || list[0].ID != a.ID {
		t.Fatalf("List = %+v, %v (want oldest first)", list, err)
	}
	r, raw, err := s.Get(a.ID)
	if err != nil || string(raw) != "aaa" || r.Name != a.Name {
		t.Fatalf("Get = %+v %q %v", r, raw, err)
	}
	// The uploaded name never becomes a path.
	if _, err := os.Stat(filepath.Join(dir, a.ID, "original.txt")); err != nil {
		t.Errorf("original not stored under a fixed name: %v", err)
	}
	if got, ok, _ := s.FindHash("h2"); !ok || got.ID != b.ID {
		t.Errorf("FindHash = %+v %v", got, ok)
	}
	if err := s.Delete(a.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Get(a.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get after Delete: %v", err)
	}
	for _, bad := range []string{"../x", "", "ZZZ", "aaaaaaaaaaaa/../b"} {
		if _, _, err := s.Get(bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%q) = %v", bad, err)
		}
		if err := s.Delete(bad); !errors.Is(err, ErrNotFound) {
			t.Errorf("Delete(%q) = %v", bad, err)
		}
	}
}

func TestOpenRemovesInterruptedWrites(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".tmp-123"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, ".tmp-123")); !os.IsNotExist(err) {
		t.Error("leftover of an interrupted write survived Open")
	}
}
