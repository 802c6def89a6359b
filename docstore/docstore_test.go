package docstore

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
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

// A document folder with an empty or corrupt meta.json, or without its
// original, is moved to the quarantine folder on Open; the rest open.
func TestOpenSetsDamagedDocumentsAside(t *testing.T) {
	dir, q := t.TempDir(), filepath.Join(t.TempDir(), "quarantine")
	s, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"aaaaaaaaaaaa", "bbbbbbbbbbbb", "cccccccccccc", "dddddddddddd"} {
		r := Record{ID: id, Name: id + ".txt", Format: "txt", Hash: "h" + id, Added: time.Unix(int64(i), 0)}
		if err := s.PutParsed(r, []byte("原件"), []byte(`{"version":1}`)); err != nil {
			t.Fatal(err)
		}
	}
	_ = os.WriteFile(filepath.Join(dir, "aaaaaaaaaaaa", "meta.json"), nil, 0o644)
	_ = os.WriteFile(filepath.Join(dir, "bbbbbbbbbbbb", "meta.json"), []byte("{not json"), 0o644)
	_ = os.Remove(filepath.Join(dir, "cccccccccccc", "original.txt"))
	s, err = OpenWith(dir, Options{Quarantine: q})
	if err != nil {
		t.Fatalf("open with damaged records: %v", err)
	}
	list, err := s.List()
	if err != nil || len(list) != 1 || list[0].ID != "dddddddddddd" {
		t.Fatalf("List = %+v, %v", list, err)
	}
	if got, err := s.Parsed("dddddddddddd"); err != nil || string(got) != `{"version":1}` {
		t.Errorf("Parsed = %q, %v", got, err)
	}
	if _, ok, _ := s.FindHash("haaaaaaaaaaaa"); ok {
		t.Error("a quarantined document still counts for duplicates")
	}
	moved, _ := os.ReadDir(q)
	if len(moved) != 3 {
		t.Errorf("quarantine holds %d folders, want 3", len(moved))
	}
}

func TestAppendParsedReusesTheBuffer(t *testing.T) {
	s, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	long := []byte(strings.Repeat("长", 5000)) // larger than one read
	for _, r := range []struct {
		id     string
		parsed []byte
	}{{"aaaaaaaaaaaa", long}, {"bbbbbbbbbbbb", []byte(`{"v":2}`)}, {"cccccccccccc", nil}} {
		if err := s.PutParsed(Record{ID: r.id, Name: r.id + ".txt", Format: "txt", Hash: "h" + r.id}, []byte("x"), r.parsed); err != nil {
			t.Fatal(err)
		}
	}
	buf, err := s.AppendParsed([]byte("前缀"), "aaaaaaaaaaaa")
	if err != nil || string(buf) != "前缀"+string(long) {
		t.Fatalf("AppendParsed kept %d bytes, %v", len(buf), err)
	}
	// The next read into the same storage holds only the next file.
	buf, err = s.AppendParsed(buf[:0], "bbbbbbbbbbbb")
	if err != nil || string(buf) != `{"v":2}` {
		t.Fatalf("reused buffer holds %q, %v", buf, err)
	}
	if _, err := s.AppendParsed(buf[:0], "cccccccccccc"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a document without a parsed form: %v, want ErrNotFound", err)
	}
	if _, err := s.AppendParsed(nil, "../aaaaaaaaa"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an invalid ID: %v, want ErrNotFound", err)
	}
}
