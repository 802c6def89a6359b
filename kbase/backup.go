package kbase

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/shanxi-sme/kb/atomicfile"
)

// A backup is a tar.gz of what the catalog cannot derive: the originals
// with their records and parsed forms (documents/), and the upload tasks
// (tasks/). The index and the vectors are derived and left out; a restored
// data folder rebuilds them on its first start.

// backupManifest is the first entry of a backup.
const backupManifest = "KB-BACKUP.json"

type manifest struct {
	Format    int       `json:"format"`
	Created   time.Time `json:"created"`
	Documents int       `json:"documents"`
}

// BackupStats says what a backup holds.
type BackupStats struct {
	Documents int
	Tasks     int
	Bytes     int64
}

// ErrNotEmpty: restore would overwrite a data folder that holds documents.
var ErrNotEmpty = errors.New("data folder not empty")

// ErrNotBackup: the file is not a backup made by kb backup.
var ErrNotBackup = errors.New("not a kb backup")

// Backup writes a backup of the data folder to w. It takes no lock and
// works while a server runs: a stored document's folder is written once,
// renamed into place and never changed (its parsed form is replaced whole),
// so each folder listed is read as a unit; one deleted meanwhile is left
// out whole.
func Backup(ctx context.Context, dataDir string, w io.Writer) (BackupStats, error) {
	var st BackupStats
	docsDir := filepath.Join(dataDir, documentsDir)
	entries, err := os.ReadDir(docsDir)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return st, fmt.Errorf("read %s: %w", docsDir, err)
	}
	if _, err := os.Stat(dataDir); err != nil {
		return st, fmt.Errorf("data folder %s: %w", dataDir, err)
	}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	now := time.Now().UTC()
	put := func(name string, data []byte) error {
		hdr := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: now, Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			return fmt.Errorf("write backup: %w", err)
		}
		if _, err := tw.Write(data); err != nil {
			return fmt.Errorf("write backup: %w", err)
		}
		st.Bytes += int64(len(data))
		return nil
	}
	// The manifest counts the documents listed; the ones deleted meanwhile are fewer.
	var docs []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			docs = append(docs, e.Name())
		}
	}
	files := map[string]map[string][]byte{}
	for _, id := range docs {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		got, err := readFolder(filepath.Join(docsDir, id))
		if err != nil {
			return st, err
		}
		if got[metaFileName] == nil {
			continue // deleted (or never complete) meanwhile
		}
		files[id] = got
	}
	m, _ := json.Marshal(manifest{Format: 1, Created: now, Documents: len(files)})
	if err := put(backupManifest, m); err != nil {
		return st, err
	}
	for _, id := range docs {
		for name, data := range files[id] {
			if err := put(path.Join(documentsDir, id, name), data); err != nil {
				return st, err
			}
		}
		if files[id] != nil {
			st.Documents++
		}
	}
	// Tasks: their records, and the files of unfinished ones.
	err = filepath.WalkDir(filepath.Join(dataDir, tasksDir), func(p string, d fs.DirEntry, err error) error {
		if errors.Is(err, os.ErrNotExist) {
			return nil // gone meanwhile
		}
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		data, err := os.ReadFile(p)
		if errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dataDir, p)
		if err != nil {
			return err
		}
		if strings.HasSuffix(p, ".json") && filepath.Dir(p) == filepath.Join(dataDir, tasksDir) {
			st.Tasks++
		}
		return put(filepath.ToSlash(rel), data)
	})
	if err != nil {
		return st, fmt.Errorf("back up tasks: %w", err)
	}
	if err := tw.Close(); err != nil {
		return st, fmt.Errorf("write backup: %w", err)
	}
	if err := gz.Close(); err != nil {
		return st, fmt.Errorf("write backup: %w", err)
	}
	return st, nil
}

const metaFileName = "meta.json"

// readFolder reads the files of a document folder; a folder gone
// meanwhile reads as empty.
func readFolder(dir string) (map[string][]byte, error) {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", dir, err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", e.Name(), err)
		}
		out[e.Name()] = b
	}
	return out, nil
}

// Restore unpacks a backup into dataDir. A data folder that holds
// documents, tasks or an index is refused (ErrNotEmpty) unless force, in
// which case they are replaced. It takes the data folder's lock (a
// running server on it is a *LockedError). The index is rebuilt on the
// next start.
func Restore(ctx context.Context, r io.Reader, dataDir string, force bool) (BackupStats, error) {
	var st BackupStats
	lock, err := lockDir(dataDir)
	if err != nil {
		return st, err
	}
	defer unlock(lock)
	owned := []string{documentsDir, tasksDir, "index", journalDir}
	if !force {
		for _, name := range owned {
			if entries, err := os.ReadDir(filepath.Join(dataDir, name)); err == nil && len(entries) > 0 {
				return st, fmt.Errorf("%s: %w", dataDir, ErrNotEmpty)
			}
		}
	}
	tmp, err := os.MkdirTemp(dataDir, ".restore-")
	if err != nil {
		return st, fmt.Errorf("create restore folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	gz, err := gzip.NewReader(r)
	if err != nil {
		return st, fmt.Errorf("%w: %v", ErrNotBackup, err)
	}
	tr := tar.NewReader(gz)
	sawManifest := false
	for {
		if err := ctx.Err(); err != nil {
			return st, err
		}
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, fmt.Errorf("%w: %v", ErrNotBackup, err)
		}
		name := path.Clean(hdr.Name)
		if name == backupManifest {
			sawManifest = true
			continue
		}
		top, _, _ := strings.Cut(name, "/")
		if hdr.Typeflag != tar.TypeReg || !sawManifest || (top != documentsDir && top != tasksDir) ||
			strings.Contains(name, "..") || path.IsAbs(name) {
			return st, fmt.Errorf("%w: unexpected entry %q", ErrNotBackup, hdr.Name)
		}
		dst := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return st, fmt.Errorf("restore %s: %w", name, err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			return st, fmt.Errorf("%w: %v", ErrNotBackup, err)
		}
		if err := atomicfile.WriteFileSync(dst, data); err != nil {
			return st, fmt.Errorf("restore %s: %w", name, err)
		}
		st.Bytes += int64(len(data))
		if path.Base(name) == metaFileName && top == documentsDir {
			st.Documents++
		}
		if top == tasksDir && path.Dir(name) == tasksDir {
			st.Tasks++
		}
	}
	if !sawManifest {
		return st, fmt.Errorf("%w: no manifest", ErrNotBackup)
	}
	for _, name := range owned {
		if err := os.RemoveAll(filepath.Join(dataDir, name)); err != nil {
			return st, fmt.Errorf("clear %s: %w", name, err)
		}
	}
	for _, name := range []string{documentsDir, tasksDir} {
		src := filepath.Join(tmp, name)
		if _, err := os.Stat(src); err != nil {
			continue
		}
		if err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				err = atomicfile.SyncDir(p)
			}
			return err
		}); err != nil {
			return st, err
		}
		if err := os.Rename(src, filepath.Join(dataDir, name)); err != nil {
			return st, fmt.Errorf("move restored %s into place: %w", name, err)
		}
	}
	return st, atomicfile.SyncDir(dataDir)
}
