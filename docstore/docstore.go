// Package docstore keeps the originals of ingested documents in the data
// folder. They are the source of truth: the search index is derived from
// them (and the embedded corpus) and can always be rebuilt.
package docstore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/shanxi-sme/kb/atomicfile"
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

// Store is a folder with one sub-folder per document: meta.json, the
// original file and the parsed document (parsed.json, written by the
// catalog so that a start need not parse every original again). Writes go
// to a temporary folder, synced and renamed into place, so a crash leaves
// either the whole document or nothing. The caller holds the data folder's
// lock: Open removes the leftovers of interrupted writes.
type Store struct {
	dir        string
	quarantine string // where damaged documents are moved; "" leaves them
	log        *slog.Logger
	mu         sync.Mutex        // serialises writers and guards the maps
	byHash     map[string]Record // content hash -> record, for duplicate checks without reading every record
	byID       map[string]Record // the records read at open and written since: List reads no file
}

// Options configures OpenWith.
type Options struct {
	// Quarantine is the folder damaged documents (missing, empty or
	// corrupt meta.json) are moved to when the store opens; empty leaves
	// them in place, skipped.
	Quarantine string
	Logger     *slog.Logger
}

const (
	metaFile   = "meta.json"
	parsedFile = "parsed.json"
)

// ErrDamaged marks a stored document whose record cannot be read.
var ErrDamaged = errors.New("damaged document record")

var (
	validID  = regexp.MustCompile(`^[0-9a-f]{8,64}$`)
	validExt = regexp.MustCompile(`^[a-z0-9]{1,8}$`)
)

// Open opens (creating if needed) the store under dir, removing the
// leftovers of interrupted writes.
func Open(dir string) (*Store, error) { return OpenWith(dir, Options{}) }

// OpenWith opens the store, moving damaged documents to opts.Quarantine.
func OpenWith(dir string, opts Options) (*Store, error) {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
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
	s := &Store{dir: dir, quarantine: opts.Quarantine, log: log, byHash: map[string]Record{}, byID: map[string]Record{}}
	// One read of each record: a restart reads thousands.
	for _, e := range entries {
		if !e.IsDir() || !validID.MatchString(e.Name()) {
			continue
		}
		r, err := s.record(e.Name())
		if err != nil {
			s.setAside(e.Name(), err)
			continue
		}
		s.byHash[r.Hash] = r
		s.byID[r.ID] = r
	}
	return s, nil
}

// List returns the stored documents, oldest first: those whose records
// were read when the store opened (damaged ones set aside) and those
// stored since. It reads no file: the caller holds the data folder's lock,
// so the store is the folder's only writer.
func (s *Store) List() ([]Record, error) {
	s.mu.Lock()
	out := make([]Record, 0, len(s.byID))
	for _, r := range s.byID {
		out = append(out, r)
	}
	s.mu.Unlock()
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
		return r, fmt.Errorf("document %s: %w: corrupt %s: %v", id, ErrDamaged, metaFile, err)
	}
	if r.ID != id || r.Hash == "" {
		return r, fmt.Errorf("document %s: %w: %s names another document", id, ErrDamaged, metaFile)
	}
	if _, err := os.Stat(filepath.Join(s.dir, id, originalName(r))); err != nil {
		return r, fmt.Errorf("document %s: %w: original missing: %v", id, ErrDamaged, err)
	}
	return r, nil
}

// setAside moves a damaged document to the quarantine folder, so that it
// neither stops the knowledge base nor gets lost.
func (s *Store) setAside(id string, why error) {
	if s.quarantine == "" {
		s.log.Error("damaged document skipped", "id", id, "err", why)
		return
	}
	if err := os.MkdirAll(s.quarantine, 0o755); err != nil {
		s.log.Error("damaged document skipped; quarantine folder cannot be created", "id", id, "err", why, "quarantine_err", err)
		return
	}
	dst := filepath.Join(s.quarantine, id+"-"+time.Now().UTC().Format("20060102T150405.000000000"))
	if err := os.Rename(filepath.Join(s.dir, id), dst); err != nil {
		s.log.Error("damaged document skipped; it could not be moved to quarantine", "id", id, "err", why, "move_err", err)
		return
	}
	_ = atomicfile.SyncDir(s.dir)
	s.log.Warn("damaged document set aside in quarantine; it is not searchable until brought again", "id", id, "err", why, "moved_to", dst)
}

// Quarantine moves a stored document the caller found damaged (its
// original cannot be read back, say) to the quarantine folder.
func (s *Store) Quarantine(id string, why error) {
	if !validID.MatchString(id) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.byID[id]; ok {
		delete(s.byHash, r.Hash)
		delete(s.byID, id)
	}
	s.setAside(id, why)
}

// Parsed returns the parsed document stored with id (ErrNotFound when none
// was stored).
func (s *Store) Parsed(id string) ([]byte, error) { return s.AppendParsed(nil, id) }

// AppendParsed appends the parsed document stored with id to dst and
// returns the extended buffer, as strconv's Append functions do. A restart
// reads every parsed document once and decodes it right away: reading each
// into the same buffer spares the heap a fresh file-sized allocation per
// document (96 MB at 10⁵ passages, each page of it faulted in and then
// collected).
func (s *Store) AppendParsed(dst []byte, id string) ([]byte, error) {
	if !validID.MatchString(id) {
		return dst, fmt.Errorf("document %q: %w", id, ErrNotFound)
	}
	f, err := os.Open(filepath.Join(s.dir, id, parsedFile))
	if errors.Is(err, os.ErrNotExist) {
		return dst, fmt.Errorf("parsed document %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return dst, fmt.Errorf("read parsed document %s: %w", id, err)
	}
	defer f.Close()
	buf := bytes.NewBuffer(dst) // appends to dst, reusing its capacity
	if info, err := f.Stat(); err == nil {
		buf.Grow(int(info.Size()) + bytes.MinRead) // one allocation at most; MinRead: the read that sees the end
	}
	if _, err := buf.ReadFrom(f); err != nil {
		return buf.Bytes(), fmt.Errorf("read parsed document %s: %w", id, err)
	}
	return buf.Bytes(), nil
}

// SetParsed replaces the parsed document stored with id, atomically.
func (s *Store) SetParsed(id string, parsed []byte) error {
	if !validID.MatchString(id) {
		return fmt.Errorf("document %q: %w", id, ErrNotFound)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, err := os.Stat(filepath.Join(s.dir, id)); err != nil {
		return fmt.Errorf("document %s: %w", id, ErrNotFound)
	}
	return atomicfile.WriteBytes(filepath.Join(s.dir, id, parsedFile), parsed)
}

// Dir is the store's folder.
func (s *Store) Dir() string { return s.dir }

// Record returns a document's record without reading its original.
func (s *Store) Record(id string) (Record, error) {
	if !validID.MatchString(id) {
		return Record{}, fmt.Errorf("document %q: %w", id, ErrNotFound)
	}
	return s.record(id)
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
func (s *Store) Put(r Record, raw []byte) error { return s.PutParsed(r, raw, nil) }

// PutParsed stores a document with its parsed form (nil: none) atomically.
func (s *Store) PutParsed(r Record, raw, parsed []byte) error {
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
	if err := atomicfile.WriteFileSync(filepath.Join(tmp, originalName(r)), raw); err != nil {
		return fmt.Errorf("write original: %w", err)
	}
	if parsed != nil {
		if err := atomicfile.WriteFileSync(filepath.Join(tmp, parsedFile), parsed); err != nil {
			return fmt.Errorf("write parsed document: %w", err)
		}
	}
	meta, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return fmt.Errorf("encode record: %w", err)
	}
	if err := atomicfile.WriteFileSync(filepath.Join(tmp, metaFile), meta); err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	if err := atomicfile.SyncDir(tmp); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return fmt.Errorf("move document into place: %w", err)
	}
	s.byHash[r.Hash] = r
	s.byID[r.ID] = r
	return atomicfile.SyncDir(s.dir)
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
		if _, statErr := os.Stat(final); statErr != nil {
			return err
		}
	} // a corrupt record is still deleted: that is how it goes away
	// Rename first so a crash never leaves half a document behind.
	trash := filepath.Join(s.dir, ".tmp-del-"+id)
	if err := os.Rename(final, trash); err != nil {
		return fmt.Errorf("remove document %s: %w", id, err)
	}
	if known, ok := s.byID[id]; ok {
		delete(s.byHash, known.Hash)
		delete(s.byID, id)
	} else {
		delete(s.byHash, r.Hash)
	}
	if err := atomicfile.SyncDir(s.dir); err != nil {
		return err
	}
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
