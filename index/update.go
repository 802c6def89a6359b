package index

import (
	"context"
	"fmt"

	"github.com/shanxi-sme/kb/corpus"
)

// AddDocuments indexes new documents and makes them searchable. The
// index's fingerprint follows, so the next start reuses the index instead
// of rebuilding it. Documents already present (same ID) are an error.
func (ix *Index) AddDocuments(ctx context.Context, docs ...*corpus.Document) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	old := ix.Library()
	for _, d := range docs {
		if _, dup := old.Document(d.ID); dup {
			return fmt.Errorf("document %s is already indexed", d.ID)
		}
	}
	lib := corpus.NewLibrary(append(append([]*corpus.Document{}, old.Documents()...), docs...))
	var passages []*corpus.Passage
	for _, d := range docs {
		passages = append(passages, d.Passages...)
	}
	// Index first, then publish the library: a search in between may see
	// hits it cannot resolve yet, which it skips.
	if _, err := indexPassages(ctx, ix.bleve, docs); err != nil {
		return fmt.Errorf("index new documents: %w", err)
	}
	if d := ix.dense.Load(); d != nil {
		if err := d.addVectors(ctx, lib, passages); err != nil {
			ix.log.Warn("new passages have no vectors; they are found lexically", "err", err)
		}
	}
	return ix.publish(lib)
}

// RemoveDocument takes a document out of the index.
func (ix *Index) RemoveDocument(ctx context.Context, id string) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	old := ix.Library()
	doc, ok := old.Document(id)
	if !ok {
		return fmt.Errorf("document %q: %w", id, ErrNotFound)
	}
	var keep []*corpus.Document
	for _, d := range old.Documents() {
		if d.ID != id {
			keep = append(keep, d)
		}
	}
	lib := corpus.NewLibrary(keep)
	// Unpublish first, then delete: no search resolves a removed passage.
	ix.lib.Store(lib)
	batch := ix.bleve.NewBatch()
	for _, p := range doc.Passages {
		batch.Delete(p.ID)
	}
	if err := ix.bleve.Batch(batch); err != nil {
		return fmt.Errorf("remove document %s from the index: %w", id, err)
	}
	if d := ix.dense.Load(); d != nil {
		if err := d.removeVectors(old, doc.Passages); err != nil {
			ix.log.Warn("vectors of a removed document stay cached", "err", err)
		}
	}
	return ix.publish(lib)
}

// publish records the fingerprint of lib in the index and swaps lib in.
func (ix *Index) publish(lib *corpus.Library) error {
	fp, err := ix.fingerprintOf(lib)
	if err != nil {
		return err
	}
	if err := ix.bleve.SetInternal(fingerprintKey, []byte(fp)); err != nil {
		return fmt.Errorf("record fingerprint: %w", err)
	}
	ix.lib.Store(lib)
	ix.fingerprint.Store(&fp)
	return nil
}
