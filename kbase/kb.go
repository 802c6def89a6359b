package kbase

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/atomicfile"
	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/docstore"
	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/ingest"
	"github.com/shanxi-sme/kb/relate"
)

// Errors of ingestion and deletion that are the caller's to fix.
var (
	ErrDuplicate = errors.New("该文档已在知识库中")
	ErrBuiltin   = errors.New("内置语料不能删除")
	ErrNotFound  = errors.New("没有这个文档")
	ErrBadName   = errors.New("文件名无效")
)

// Folders of the data folder the catalog owns besides the index.
const (
	documentsDir  = "documents"
	quarantineDir = "quarantine"
)

// KB is the catalog: the one owner of the data folder's state. The
// originals of the documents users brought, their parsed form, the index
// and the vectors change together, one document at a time, all or
// nothing. It holds the data folder's lock while open.
type KB struct {
	parts   *Parts
	dataDir string
	lock    *os.File
	store   *docstore.Store
	index   *index.Index
	relate  *relate.Engine
	tasks   *taskQueue
	log     *slog.Logger
	// writing admits one ingestion or deletion at a time; waiting for it
	// ends with the caller's context (a deletion behind a long ingest).
	writing chan struct{}
}

// Open opens the catalog under dataDir. It takes the data folder's lock
// first (a second process gets a *LockedError), finishes or rolls back
// the changes a killed process left (see journal.go), sets damaged
// records aside in data/quarantine, loads the parsed documents (parsing
// only the originals whose parsed form is missing or stale) and opens the
// index over them and the embedded corpus, reconciling it with them.
// Extra documents (a synthetic corpus for benchmarks) are indexed too but
// not stored. It is OpenStored followed by OpenIndexOver.
func (p *Parts) Open(ctx context.Context, dataDir string, log *slog.Logger, emb embedding.Config, extra ...*corpus.Document) (*KB, error) {
	st, err := p.OpenStored(ctx, dataDir, log)
	if err != nil {
		return nil, err
	}
	return p.OpenIndexOver(ctx, st, emb, extra...)
}

// Stored is a catalog opened up to its index: locked, recovered, its
// stored documents loaded. Opening it needs only the vocabularies, not the
// segmenter, so a start does it while the segmenter's dictionary loads
// (LoadVocabAlongside): on a catalog of 10⁵ passages the two take about
// a second each. Its owner either opens the index over it (OpenIndexOver)
// or closes it.
type Stored struct {
	kb   *KB
	docs []*corpus.Document
}

// OpenStored opens the catalog under dataDir up to its index (see Open).
// Of p it uses the tagger and the vocabulary fingerprint only, which the
// parts LoadVocabAlongside gives its alongside function have.
func (p *Parts) OpenStored(ctx context.Context, dataDir string, log *slog.Logger) (_ *Stored, err error) {
	if log == nil {
		log = slog.Default()
	}
	lock, err := lockDir(dataDir)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_ = unlock(lock)
		}
	}()
	store, err := docstore.OpenWith(filepath.Join(dataDir, documentsDir),
		docstore.Options{Quarantine: filepath.Join(dataDir, quarantineDir), Logger: log})
	if err != nil {
		return nil, err
	}
	kb := &KB{parts: p, dataDir: dataDir, lock: lock, store: store, log: log, writing: make(chan struct{}, 1)}
	if err := kb.recoverJournal(); err != nil {
		return nil, err
	}
	records, err := store.List()
	if err != nil {
		return nil, err
	}
	docs, err := kb.loadAll(ctx, records)
	if err != nil {
		return nil, err
	}
	return &Stored{kb: kb, docs: docs}, nil
}

// Close releases a catalog whose index was not opened (the data folder's lock).
func (st *Stored) Close() error { return unlock(st.kb.lock) }

// OpenIndexOver opens the index over the stored documents of st, the
// embedded corpus and extra, and returns the open catalog. st is closed
// when it fails. p are the parts st was opened with, now with the
// segmenter.
func (p *Parts) OpenIndexOver(ctx context.Context, st *Stored, emb embedding.Config, extra ...*corpus.Document) (_ *KB, err error) {
	kb := st.kb
	defer func() {
		if err != nil {
			_ = st.Close()
		}
	}()
	if p.Segmenter == nil || p.dataFingerprint != kb.parts.dataFingerprint || p.Tagger != kb.parts.Tagger {
		return nil, errors.New("open index: the parts are not those the catalog was opened with, or have no segmenter")
	}
	kb.parts = p
	docs := append(append([]*corpus.Document{}, p.Library.Documents()...), extra...)
	docs = append(docs, st.docs...)
	if kb.index, err = p.openIndex(ctx, kb.dataDir, kb.log, emb, corpus.NewLibrary(docs)); err != nil {
		return nil, err
	}
	if kb.relate, err = p.Relate(kb.index); err != nil {
		_ = kb.index.Close()
		return nil, err
	}
	if kb.tasks, err = openTasks(filepath.Join(kb.dataDir, tasksDir), kb.log); err != nil {
		_ = kb.index.Close()
		return nil, err
	}
	return kb, nil
}

// loadAll loads the parsed documents of records on every core, in the
// order of records (the index fingerprint depends on it); the originals
// that cannot be read are left out. Decoding the parsed documents is most
// of a restart (BENCHMARKS.md).
func (kb *KB) loadAll(ctx context.Context, records []docstore.Record) ([]*corpus.Document, error) {
	loaded := make([]*corpus.Document, len(records))
	var (
		next atomic.Int64
		wg   sync.WaitGroup
	)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			vocab := corpus.NewInterner() // one per core (corpus.Interner)
			var buf []byte                // the file being decoded; reused, see docstore.AppendParsed
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= len(records) {
					return
				}
				loaded[i], buf = kb.loadParsed(ctx, records[i], vocab, buf[:0])
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	docs := make([]*corpus.Document, 0, len(loaded))
	for _, d := range loaded {
		if d != nil {
			docs = append(docs, d)
		}
	}
	return docs, nil
}

// loadParsed returns the parsed document of a stored original: its stored
// parsed form when current, else the original parsed again (and the parsed
// form stored for next time). nil: the original cannot be read.
// Its vocabulary values are shared through vocab (corpus.Document.Compact).
// The parsed form is read into buf, which is returned for reuse: nothing
// decoded points into it (decodeParsed copies strings).
func (kb *KB) loadParsed(ctx context.Context, r docstore.Record, vocab *corpus.Interner, buf []byte) (*corpus.Document, []byte) {
	buf, err := kb.store.AppendParsed(buf, r.ID)
	if err == nil {
		var pr parsedRecord
		switch err := decodeParsed(buf, &pr); {
		case err != nil || pr.Document == nil || pr.Document.ID != r.ID:
			kb.setAsideParsed(r.ID, buf, err)
		case pr.Version == corpus.ParserVersion && pr.Data == kb.parts.dataFingerprint:
			pr.Document.Compact(vocab)
			return pr.Document, buf
		default:
			kb.log.Info("stored document parsed again: the parser or its data changed", "id", r.ID, "name", r.Name)
		}
	}
	_, raw, err := kb.store.Get(r.ID)
	if err != nil {
		kb.store.Quarantine(r.ID, err)
		return nil, buf
	}
	doc, err := parse(ctx, r.Name, raw)
	if err != nil {
		// Keep the original: a newer parser may read it. It is not searchable meanwhile.
		kb.log.Error("stored document cannot be read; it stays stored but unindexed", "id", r.ID, "name", r.Name, "err", err)
		return nil, buf
	}
	kb.parts.Tagger.Tag(doc)
	if enc, err := kb.encodeParsed(doc); err != nil {
		kb.log.Warn("parsed document not stored", "id", r.ID, "err", err)
	} else if err := kb.store.SetParsed(r.ID, enc); err != nil {
		kb.log.Warn("parsed document not stored", "id", r.ID, "err", err)
	}
	doc.Compact(vocab)
	return doc, buf
}

// ParseTimeout bounds the parsing of one file, at ingestion and when a
// stored original is parsed again at start-up. There is a single upload
// worker: one hostile file must not hold the queue for longer.
const ParseTimeout = ingest.DefaultTimeout

// parse reads a file within ParseTimeout; a file that takes longer is an
// error wrapping ingest.ErrTimeout (code parse_timeout).
func parse(ctx context.Context, name string, raw []byte) (*corpus.Document, error) {
	ctx, cancel := context.WithTimeout(ctx, ParseTimeout)
	defer cancel()
	return ingest.ParseFileContext(ctx, name, raw, ingest.Meta{})
}

// setAsideParsed moves a damaged parsed form to the quarantine folder; the
// original is parsed again in its place.
func (kb *KB) setAsideParsed(id string, b []byte, why error) {
	dst := filepath.Join(kb.dataDir, quarantineDir, id+"-parsed-"+time.Now().UTC().Format("20060102T150405.000000000")+".json")
	if err := atomicfile.WriteBytes(dst, b); err != nil {
		kb.log.Error("damaged parsed document could not be set aside", "id", id, "err", err)
	}
	kb.log.Warn("damaged parsed document set aside in quarantine; the original is parsed again", "id", id, "err", why, "moved_to", dst)
}

// Relate returns the relatedness engine over the index.
func (kb *KB) Relate() *relate.Engine { return kb.relate }

// Index returns the search index.
func (kb *KB) Index() *index.Index { return kb.index }

// Close stops the task worker (an ingest it was running is rolled back and
// its task queued again), closes the index and releases the lock.
func (kb *KB) Close() error {
	kb.tasks.stop()
	err := kb.index.Close()
	if uerr := unlock(kb.lock); err == nil {
		err = uerr
	}
	return err
}

// DataDir is the catalog's data folder.
func (kb *KB) DataDir() string { return kb.dataDir }

// Builtin reports whether a document is part of the embedded corpus.
func (kb *KB) Builtin(id string) bool {
	_, ok := kb.parts.Library.Document(id)
	return ok
}

// Ingest reads, tags, stores and indexes one file. It is all or nothing:
// when any step fails or ctx ends, the original, its parsed form and its
// passages are gone again; a process killed half way is rolled back on the
// next start (journal.go). The same content twice is ErrDuplicate.
func (kb *KB) Ingest(ctx context.Context, name string, raw []byte) (*corpus.Document, error) {
	return kb.IngestProgress(ctx, name, raw, nil)
}

// IngestProgress is Ingest reporting the passages indexed so far.
func (kb *KB) IngestProgress(ctx context.Context, name string, raw []byte, progress func(passages int)) (*corpus.Document, error) {
	name, err := cleanName(name)
	if err != nil {
		return nil, err
	}
	doc, err := parse(ctx, name, raw)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("ingest %s: %w", name, err)
	}
	if err := kb.acquire(ctx); err != nil {
		return nil, fmt.Errorf("ingest %s: %w", name, err)
	}
	defer kb.release()
	if _, ok := kb.index.Library().Document(doc.ID); ok {
		return nil, fmt.Errorf("%s: %w", name, ErrDuplicate)
	}
	if r, ok, err := kb.store.FindHash(doc.Hash); err != nil {
		return nil, err
	} else if ok {
		return nil, fmt.Errorf("%s: %w（已作为 %s 收录）", name, ErrDuplicate, r.Name)
	}
	// The same text in another format (.md and .docx) is the same document.
	if d, ok := kb.index.Library().DocumentWithText(doc.TextHash); ok {
		return nil, fmt.Errorf("%s: %w（内容与已收录的 %s 相同）", name, ErrDuplicate, d.Source)
	}
	kb.parts.Tagger.Tag(doc)
	parsed, err := kb.encodeParsed(doc)
	if err != nil {
		return nil, err
	}
	doc.Compact(nil)
	rec := docstore.Record{ID: doc.ID, Name: name, Format: doc.Format, Hash: doc.Hash, Size: int64(len(raw)),
		Title: doc.Title, Added: time.Now().UTC()}
	if err := kb.begin("add", doc.ID, name); err != nil {
		return nil, err
	}
	if err := kb.store.PutParsed(rec, raw, parsed); err != nil {
		kb.done(doc.ID)
		return nil, fmt.Errorf("store %s: %w", name, err)
	}
	if err := kb.index.AddDocumentsProgress(ctx, progress, doc); err != nil {
		if rmErr := kb.store.Delete(doc.ID); rmErr != nil {
			// The journal record stays: the next start removes the original.
			kb.log.Error("could not roll back a stored document", "id", doc.ID, "err", rmErr)
		} else {
			kb.done(doc.ID)
		}
		return nil, fmt.Errorf("index %s: %w", name, err)
	}
	kb.done(doc.ID)
	kb.log.Info("document ingested", "id", doc.ID, "name", name, "passages", len(doc.Passages))
	return doc, nil
}

// Delete removes a document users brought from the index and the store.
func (kb *KB) Delete(ctx context.Context, id string) error {
	if kb.Builtin(id) {
		return ErrBuiltin
	}
	if err := kb.acquire(ctx); err != nil {
		return fmt.Errorf("delete %s: %w", id, err)
	}
	defer kb.release()
	if _, ok := kb.index.Library().Document(id); !ok {
		if _, _, err := kb.store.Get(id); err != nil {
			return fmt.Errorf("%s: %w", id, ErrNotFound)
		}
		// Stored but unreadable: deleting it is how a user gets rid of it.
		return kb.store.Delete(id)
	}
	if err := kb.begin("delete", id, ""); err != nil {
		return err
	}
	if err := kb.index.RemoveDocument(ctx, id); err != nil {
		kb.done(id)
		return err
	}
	if err := kb.store.Delete(id); err != nil {
		// The journal record stays: the next start completes the deletion.
		return fmt.Errorf("delete original of %s: %w", id, err)
	}
	kb.done(id)
	kb.log.Info("document deleted", "id", id)
	return nil
}

// acquire waits for the right to change the catalog, or for ctx to end.
func (kb *KB) acquire(ctx context.Context) error {
	select {
	case kb.writing <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (kb *KB) release() { <-kb.writing }

// Record returns the stored record of a document users brought.
func (kb *KB) Record(id string) (docstore.Record, bool) {
	r, err := kb.store.Record(id)
	return r, err == nil
}

// cleanName keeps the base name of an uploaded file (no directories, no
// control characters) for messages and format detection only.
func cleanName(name string) (string, error) {
	name = strings.ReplaceAll(name, "\\", "/")
	name = filepath.Base(strings.TrimSpace(name))
	if name == "." || name == "/" || name == ".." || name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > 200 {
		return "", ErrBadName
	}
	if strings.ContainsFunc(name, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", ErrBadName
	}
	return name, nil
}
