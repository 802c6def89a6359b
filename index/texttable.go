package index

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/blevesearch/bleve/v2/index/scorch"
	index "github.com/blevesearch/bleve_index_api"

	"github.com/shanxi-sme/kb/corpus"
)

// textTable holds the text of every passage of one snapshot by the
// snapshot's internal document number, for the phrase check (phrase.go):
// a phrase over common words checks tens of thousands of candidates, too
// many to look up one by one through the index's stored ids. The strings
// are the library's own; the table adds one string header per passage.
type textTable struct {
	snap  index.IndexReader
	lib   *corpus.Library
	texts []string // "" for a number whose passage the library does not hold
}

// text returns the text of document number n.
func (t *textTable) text(n uint64) string {
	if n >= uint64(len(t.texts)) {
		return ""
	}
	return t.texts[n]
}

// textTables caches the table of the snapshot and library searched last.
type textTables struct {
	mu  sync.Mutex
	cur *textTable
}

// errNotScorch is returned for an index reader that is not a scorch
// snapshot: its document numbers cannot be enumerated.
var errNotScorch = errors.New("index reader is not a scorch snapshot")

// table returns the text table of snapshot r over lib, building it when
// either is new (after an update both are; about 0.1 s at 10⁵ passages).
func (tt *textTables) table(r index.IndexReader, lib *corpus.Library) (*textTable, error) {
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || snap == nil {
		return nil, errNotScorch
	}
	tt.mu.Lock()
	defer tt.mu.Unlock()
	if c := tt.cur; c != nil && c.snap == r && c.lib == lib {
		return c, nil
	}
	maxDoc := documentNumbers(snap)
	t := &textTable{snap: r, lib: lib, texts: make([]string, maxDoc)}
	// Reading the ids is a small part (90 ms at 10⁶ passages); most of
	// the time goes to finding each passage in the library's map, whose
	// lookups miss the processor's caches: one range per core.
	workers := uint64(max(1, runtime.GOMAXPROCS(0)))
	per := (maxDoc + workers - 1) / workers
	var (
		wg   sync.WaitGroup
		errs = make([]error, workers)
	)
	for w := range workers {
		from, to := min(w*per, maxDoc), min((w+1)*per, maxDoc)
		wg.Go(func() {
			errs[w] = t.fill(snap, lib, from, to)
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	tt.cur = t
	return t, nil
}

// fill sets the texts of documents from to to-1.
func (t *textTable) fill(snap *scorch.IndexSnapshot, lib *corpus.Library, from, to uint64) error {
	id := index.NewIndexInternalID(nil, 0)
	for d := from; d < to; d++ {
		id.SetValue(d)
		ext, err := snap.ExternalID(id)
		if err != nil {
			return fmt.Errorf("passage texts: document %d: %w", d, err)
		}
		if p, ok := lib.Passage(ext); ok {
			t.texts[d] = p.Text
		}
	}
	return nil
}
