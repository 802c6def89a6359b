package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/shanxi-sme/kb/corpus"
)

// AddDocuments indexes new documents and makes them searchable. It is all
// or nothing: the passages go in batches and the last batch carries the
// new fingerprint, so bleve's atomic batches leave the index either as it
// was or complete. When a batch fails or ctx ends half way, the passages
// already written are deleted again (with the old fingerprint, in one
// batch) before AddDocuments returns. A process killed half way leaves
// passages of a document the library does not hold; Open deletes them
// (see reconcile). Documents already present (same ID) are an error.
func (ix *Index) AddDocuments(ctx context.Context, docs ...*corpus.Document) error {
	return ix.AddDocumentsProgress(ctx, nil, docs...)
}

// AddDocumentsProgress is AddDocuments reporting the passages indexed so far.
func (ix *Index) AddDocumentsProgress(ctx context.Context, progress func(passages int), docs ...*corpus.Document) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	old := ix.Library()
	for _, d := range docs {
		if _, dup := old.Document(d.ID); dup {
			return fmt.Errorf("document %s is already indexed", d.ID)
		}
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("index new documents: %w", err)
	}
	lib := corpus.NewLibrary(append(append([]*corpus.Document{}, old.Documents()...), docs...))
	fp, err := ix.fingerprintOf(lib)
	if err != nil {
		return err
	}
	var passages []*corpus.Passage
	for _, d := range docs {
		passages = append(passages, d.Passages...)
	}
	// Whatever the outcome (passages in, or taken back): the scoring
	// statistics follow the passages, even when ctx ended the update.
	defer ix.refreshScoreStats(context.WithoutCancel(ctx))
	// Index first, then publish the library: a search in between may see
	// hits it cannot resolve yet, which it skips.
	if _, err := indexPassagesFinal(ctx, ix.bleve, docs, fp, progress); err != nil {
		if rbErr := ix.deletePassages(passages, ix.Fingerprint()); rbErr != nil {
			ix.log.Error("could not take back the passages of a failed ingest; the next start removes them", "err", rbErr)
		}
		return fmt.Errorf("index new documents: %w", err)
	}
	if d := ix.dense.Load(); d != nil {
		if err := d.addVectors(ctx, lib, passages); err != nil {
			ix.log.Warn("new passages have no vectors; they are found lexically", "err", err)
		}
	}
	ix.lib.Store(lib)
	ix.fingerprint.Store(&fp)
	// The new segment is left to bleve's merges: scores do not depend on
	// segments (scorestats.go).
	return nil
}

// RemoveDocument takes a document out of the index: its passages and the
// new fingerprint go in one (atomic) batch.
func (ix *Index) RemoveDocument(ctx context.Context, id string) error {
	ix.writeMu.Lock()
	defer ix.writeMu.Unlock()
	old := ix.Library()
	doc, ok := old.Document(id)
	if !ok {
		return fmt.Errorf("document %q: %w", id, ErrNotFound)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("remove document %s: %w", id, err)
	}
	defer ix.refreshScoreStats(context.WithoutCancel(ctx))
	var keep []*corpus.Document
	for _, d := range old.Documents() {
		if d.ID != id {
			keep = append(keep, d)
		}
	}
	lib := corpus.NewLibrary(keep)
	fp, err := ix.fingerprintOf(lib)
	if err != nil {
		return err
	}
	// Unpublish first, then delete: no search resolves a removed passage.
	ix.lib.Store(lib)
	if err := ix.deletePassages(doc.Passages, fp); err != nil {
		ix.lib.Store(old)
		return fmt.Errorf("remove document %s from the index: %w", id, err)
	}
	ix.fingerprint.Store(&fp)
	if d := ix.dense.Load(); d != nil {
		if err := d.removeVectors(old, doc.Passages); err != nil {
			ix.log.Warn("vectors of a removed document stay cached", "err", err)
		}
	}
	return nil
}

// deletePassages deletes passages and records fp, in one batch.
func (ix *Index) deletePassages(passages []*corpus.Passage, fp string) error {
	batch := ix.bleve.NewBatch()
	for _, p := range passages {
		batch.Delete(p.ID)
	}
	batch.SetInternal(fingerprintKey, []byte(fp))
	return ix.bleve.Batch(batch)
}

// indexPassagesFinal indexes the passages of docs in batches; the last
// batch also records fp, so the fingerprint names the new content only
// once all of it is in.
func indexPassagesFinal(ctx context.Context, b bleve.Index, docs []*corpus.Document, fp string, progress func(int)) (int, error) {
	batch := b.NewBatch()
	n := 0
	for _, d := range docs {
		for _, p := range d.Passages {
			if err := ctx.Err(); err != nil {
				return n, err
			}
			if err := batch.Index(p.ID, newDocument(d, p)); err != nil {
				return n, fmt.Errorf("index passage %s: %w", p.ID, err)
			}
			if batch.Size() >= batchSize {
				if err := b.Batch(batch); err != nil {
					return n, err
				}
				n += batch.Size()
				batch.Reset()
				if progress != nil {
					progress(n)
				}
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return n, err
	}
	n += batch.Size()
	batch.SetInternal(fingerprintKey, []byte(fp))
	if err := b.Batch(batch); err != nil {
		return n, err
	}
	if progress != nil {
		progress(n)
	}
	return n, nil
}

// reconcile makes a reused index agree with lib: the passages of documents
// lib does not hold (left by an ingest killed half way, or a deletion whose
// original could not be removed) are deleted. It returns how many
// documents it purged. A document of lib missing from the index shows as a
// fingerprint or count mismatch, which rebuilds the index.
func reconcile(b bleve.Index, lib *corpus.Library) (int, error) {
	dict, err := b.FieldDict("doc")
	if err != nil {
		return 0, fmt.Errorf("list indexed documents: %w", err)
	}
	var foreign []string
	for {
		e, err := dict.Next()
		if err != nil {
			_ = dict.Close()
			return 0, fmt.Errorf("list indexed documents: %w", err)
		}
		if e == nil {
			break
		}
		if _, ok := lib.Document(e.Term); !ok {
			foreign = append(foreign, e.Term)
		}
	}
	if err := dict.Close(); err != nil {
		return 0, fmt.Errorf("list indexed documents: %w", err)
	}
	purged := 0
	for _, id := range foreign {
		n, err := purgeDoc(b, id)
		if err != nil {
			return purged, err
		}
		if n > 0 {
			purged++
		}
	}
	return purged, nil
}

// purgeDoc deletes every passage indexed under document id.
func purgeDoc(b bleve.Index, id string) (int, error) {
	total := 0
	for {
		q := query.NewTermQuery(id)
		q.SetField("doc")
		req := bleve.NewSearchRequestOptions(q, 5000, 0, false)
		res, err := b.Search(req)
		if err != nil {
			return total, fmt.Errorf("find passages of %s: %w", id, err)
		}
		if len(res.Hits) == 0 {
			return total, nil
		}
		batch := b.NewBatch()
		for _, h := range res.Hits {
			batch.Delete(h.ID)
		}
		if err := b.Batch(batch); err != nil {
			return total, fmt.Errorf("delete passages of %s: %w", id, err)
		}
		total += len(res.Hits)
	}
}
