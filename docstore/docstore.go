// Package docstore keeps the originals of ingested documents in the data
// folder. They are the source of truth: the search index is derived from
// them (and the embedded corpus) and can always be rebuilt.
package docstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Record describes one stored document.
type Record struct {
	ID     string    `json:"id"`     // the document ID (from its content hash)
	Name   string    `json:"name"`   // the file name it was uploaded under
	Format string    `json:"format"` // txt, md, html, docx, pdf
	Hash   string    `json:"hash"`   // hex SHA-256 of the original bytes
	Size   int64     `json:"size"`
	Title  string    `json:"title"`
	Added  time.Time `json:"added"`
}

// ErrNotFound is returned for an unknown document ID.
var ErrNotFound = errors.New("document not found")

// Store is a folder with one sub-folder per document: meta.json and the
// original file. Writes go to a temporary folder renamed into place, so a
// crash leaves either the whole document or nothing.
type Store struct {
	dir    string
	mu     sync.Mutex        // serialises writers and guards byHash
	byHash map[string]Record // content hash -> record, for duplicate checks without reading every record
}

const metaFile = "meta.json"

var (
	validID  = regexp.MustCompile(`^[0-9a-f]{8,64}$`)
	validExt = regexp.MustCompile(`^[a-z0-9]{1,8}$`)
)

// Open opens (creating if needed) the store under dir, removing the
// leftovers of interrupted writes.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create document folder: %w", err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("read document folder: %w", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".tmp-") {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
	s := &Store{dir: dir, byHash: map[string]Record{}}
	list, err := s.List()
	if err != nil {
		return nil, err
	}
	for _, r := range list {
		s.byHash[r.Hash] = r
	}
	return s, nil
}

// List returns the stored documents, oldest first.
func (s *Store) List() ([]Record, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("read document folder: %w", err)
	}
	var out []Record
	for _, e := range entries {
		if !e.IsDir() || !validID.MatchString(e.Name()) {
			continue
		}
		r, err := s.record(e.Name())
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Added.Equal(out[j].Added) {
			return out[i].Added.Before(out[j].Added)
		}
		return out[i].ID < out[j].ID
	})
	return out, nil
}

func (s *Store) record(id string) (Record, error) {
	var r Record
	b, err := os.ReadFile(filepath.Join(s.dir, id, metaFile))
	if errors.Is(err, os.ErrNotExist) {
		return r, fmt.Errorf("document %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("read document %s: %w", id, err)
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return r, fmt.Errorf("document %s: corrupt %s: %w", id, metaFile, err)
	}
	return r, nil
}

// Get returns a document's record and original bytes.
func (s *Store) Get(id string) (Record, []byte, error) {
	if !validID.MatchString(id) {
		return Record{}, nil, fmt.Errorf("document %q: %w", id, ErrNotFound)
	}
	r, err := s.record(id)
	if err != nil {
		return r, nil, err
	}
	raw, err := os.ReadFile(filepath.Join(s.dir, id, originalName(r)))
	if err != nil {
		return r, nil, fmt.Errorf("read original of %s: %w", id, err)
	}
	return r, raw, nil
}

// FindHash returns the stored document with this content hash, if any.
func (s *Store) FindHash(hash string) (Record, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.byHash[hash]
	return r, ok, nil
}

// Put stores a document atomically. The record's ID must be new.
func (s *Store) Put(r Record, raw []byte) error {
	if !validID.MatchString(r.ID) {
		return fmt.Errorf("invalid document id %q", r.ID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	final := filepath.Join(s.dir, r.ID)
	if _, err := os.Stat(final); err == nil {
		return fmt.Errorf("document %s is already stored", r.ID)
	}
	tmp, err := os.MkdirTemp(s.dir, ".tmp-")
	if err != nil {
		return fmt.Errorf("create temporary folder: %w", err)
	}
	defer os.RemoveAll(tmp) // no-op once renamed
	if err := os.WriteFile(filepath.Join(tmp, originalName(r)), raw, 0o644); err != nil {
		return fmt.Errorf("write original: %w", err)
	}
	meta, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode record: %w", err)
	}
	if err := os.WriteFile(filepath.Join(tmp, metaFile), meta, 0o644); err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	if err := syncDir(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("move document into place: %w", err)
	}
	s.byHash[r.Hash] = r
	return syncDir(s.dir)
}

// Delete removes a stored document.
func (s *Store) Delete(id string) error {
	if !validID.MatchString(id) {
		return fmt.Errorf("document %q: %w", id, ErrNotFound)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	final := filepath.Join(s.dir, id)
	r, err := s.record(id)
	if errors.Is(err, ErrNotFound) {
		return err
	} // a corrupt record is still deleted: that is how it goes away
	// Rename first so a crash never leaves half a document behind.
	trash := filepath.Join(s.dir, ".tmp-del-"+id)
	if err := os.Rename(final, trash); err != nil {
		return fmt.Errorf("remove document %s: %w", id, err)
	}
	delete(s.byHash, r.Hash)
	return os.RemoveAll(trash)
}

// originalName is the stored file name: "original" plus the format's extension,
// never the uploaded name (which could hold path tricks).
func originalName(r Record) string {
	ext := strings.ToLower(r.Format)
	if !validExt.MatchString(ext) {
		ext = "bin"
	}
	return "original." + ext
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open %s: %w", dir, err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("sync %s: %w", dir, err)
	}
	return nil
}
