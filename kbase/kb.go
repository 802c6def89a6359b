package kbase

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/docstore"
	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/relate"
)

// Errors of ingestion and deletion that are the caller's to fix.
var (
	ErrDuplicate = errors.New("该文档已在知识库中")
	ErrBuiltin   = errors.New("内置语料不能删除")
	ErrNotFound  = errors.New("没有这个文档")
	ErrBadName   = errors.New("文件名无效")
)

// KB is the running knowledge base: the loaded parts, the originals of the
// documents users brought, and the index over both and the embedded corpus.
type KB struct {
	parts  *Parts
	store  *docstore.Store
	index  *index.Index
	relate *relate.Engine
	log    *slog.Logger
	mu     sync.Mutex // one ingestion or deletion at a time
}

// Open opens the knowledge base under dataDir: the stored documents are
// parsed again (they are the source of truth) and the index is reused or
// rebuilt from them and the embedded corpus. Extra documents (a synthetic
// corpus for benchmarks) are indexed too but not stored.
func (p *Parts) Open(ctx context.Context, dataDir string, log *slog.Logger, emb embedding.Config, extra ...*corpus.Document) (*KB, error) {
	if log == nil {
		log = slog.Default()
	}
	store, err := docstore.Open(filepath.Join(dataDir, "documents"))
	if err != nil {
		return nil, err
	}
	records, err := store.List()
	if err != nil {
		return nil, err
	}
	docs := append(append([]*corpus.Document{}, p.Library.Documents()...), extra...)
	for _, r := range records {
		_, raw, err := store.Get(r.ID)
		if err != nil {
			return nil, err
		}
		doc, err := corpus.ParseFile(r.Name, raw, corpus.Meta{})
		if err != nil {
			// Keep the original: a newer parser may read it. It is not searchable meanwhile.
			log.Error("stored document cannot be read; it stays stored but unindexed", "id", r.ID, "name", r.Name, "err", err)
			continue
		}
		p.Tagger.Tag(doc)
		docs = append(docs, doc)
	}
	ix, err := p.openIndex(ctx, dataDir, log, emb, corpus.NewLibrary(docs))
	if err != nil {
		return nil, err
	}
	rel, err := p.Relate(ix)
	if err != nil {
		_ = ix.Close()
		return nil, err
	}
	return &KB{parts: p, store: store, index: ix, relate: rel, log: log}, nil
}

// Relate returns the relatedness engine over the index.
func (kb *KB) Relate() *relate.Engine { return kb.relate }

// Index returns the search index.
func (kb *KB) Index() *index.Index { return kb.index }

// Close closes the index.
func (kb *KB) Close() error { return kb.index.Close() }

// Builtin reports whether a document is part of the embedded corpus.
func (kb *KB) Builtin(id string) bool {
	_, ok := kb.parts.Library.Document(id)
	return ok
}

// Ingest reads, tags, stores and indexes one file. Nothing of it stays
// behind when any step fails; the same content twice is ErrDuplicate.
func (kb *KB) Ingest(ctx context.Context, name string, raw []byte) (*corpus.Document, error) {
	name, err := cleanName(name)
	if err != nil {
		return nil, err
	}
	doc, err := corpus.ParseFile(name, raw, corpus.Meta{})
	if err != nil {
		return nil, err
	}
	kb.mu.Lock()
	defer kb.mu.Unlock()
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
	rec := docstore.Record{ID: doc.ID, Name: name, Format: doc.Format, Hash: doc.Hash, Size: int64(len(raw)),
		Title: doc.Title, Added: time.Now().UTC()}
	if err := kb.store.Put(rec, raw); err != nil {
		return nil, fmt.Errorf("store %s: %w", name, err)
	}
	if err := kb.index.AddDocuments(ctx, doc); err != nil {
		if rmErr := kb.store.Delete(doc.ID); rmErr != nil {
			kb.log.Error("could not roll back a stored document", "id", doc.ID, "err", rmErr)
		}
		return nil, fmt.Errorf("index %s: %w", name, err)
	}
	kb.log.Info("document ingested", "id", doc.ID, "name", name, "passages", len(doc.Passages))
	return doc, nil
}

// Delete removes a document users brought from the index and the store.
func (kb *KB) Delete(ctx context.Context, id string) error {
	if kb.Builtin(id) {
		return ErrBuiltin
	}
	kb.mu.Lock()
	defer kb.mu.Unlock()
	if _, ok := kb.index.Library().Document(id); !ok {
		if _, _, err := kb.store.Get(id); err != nil {
			return fmt.Errorf("%s: %w", id, ErrNotFound)
		}
		// Stored but unreadable: deleting it is how a user gets rid of it.
		return kb.store.Delete(id)
	}
	if err := kb.index.RemoveDocument(ctx, id); err != nil {
		return err
	}
	if err := kb.store.Delete(id); err != nil {
		return fmt.Errorf("delete original of %s: %w", id, err)
	}
	kb.log.Info("document deleted", "id", id)
	return nil
}

// Record returns the stored record of a document users brought.
func (kb *KB) Record(id string) (docstore.Record, bool) {
	r, _, err := kb.store.Get(id)
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
