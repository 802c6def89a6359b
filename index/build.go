package index

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"runtime"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/mapping"

	"github.com/shanxi-sme/kb/corpus"
)

// defaultBuildBatch is the number of passages of one batch of a full
// build. Each batch becomes one segment; 1,000 built fastest (2,000 and
// 5,000 were slower at 10⁵ passages: larger segments cost more to build
// than their fewer merges save).
const defaultBuildBatch = 1000

// newBuildIndex creates an empty index for a full build of n passages in
// batches of batch. Batches return once searchable rather than once on
// disk (unsafe_batch): the build waits for persistence once, at its end
// (see indexAll). No segments are merged while it runs: the tiered merges
// rewrote every passage two or three times, and the build ends with one
// merge into a single segment anyway (compact). openExisting restores
// these settings for the updates of a running server.
func newBuildIndex(path string, m mapping.IndexMapping, n, batch int) (bleve.Index, error) {
	cfg := map[string]interface{}{"unsafe_batch": true}
	maps.Copy(cfg, noMerges())
	if n > mergeWidth*batch {
		cfg["scorchPersisterOptions"] = persisterNap()
	}
	return bleve.NewUsing(path, m, scorch.Name, scorch.Name, cfg)
}

// buildNap is how long the persister of a large build waits between
// writes. Without it the persister writes each batch as a file of its own
// as soon as it is searchable: a build of 10⁶ passages left about 1,000
// files and needed two merge rounds. Waiting lets the batches of a few
// seconds pile up in memory, and the persister merges them as it writes
// them (one pass instead of a write and a merge round): 76–105 files of
// about 10,000 passages each at 10⁶, merged in one round. In process at 10⁶
// passages the build went from 4,183 / 4,635 to 4,794 / 5,273 passages/s
// (alternated runs; the final merge from 41 s to 19 s); 10 s built 5,016,
// and two persister workers (parallel flushes of at most 64 MB) 4,375.
//
// Small builds do not wait: the end of a build waits for its last
// persistence, so the nap would add up to its length to the build, and
// up to mergeWidth files merge in one round anyway.
const buildNap = 5 * time.Second

// persisterNap returns the scorch setting of a large build's persister:
// nap buildNap between writes, whatever the number of files on disk
// (PersisterNapUnderNumFiles otherwise also makes it wait for merges that
// a build does not run).
func persisterNap() map[string]interface{} {
	return map[string]interface{}{
		"PersisterNapTimeMSec":      int(buildNap / time.Millisecond),
		"PersisterNapUnderNumFiles": 1 << 30,
	}
}

// servingPersister returns bleve's own persister setting, which an index
// opened for serving restores: the index stores its build's setting and
// bleve applies it again on every open.
func servingPersister() map[string]interface{} {
	return map[string]interface{}{
		"PersisterNapTimeMSec":      scorch.DefaultPersisterNapTimeMSec,
		"PersisterNapUnderNumFiles": scorch.DefaultPersisterNapUnderNumFiles,
	}
}

// noMerges returns the scorch setting under which the merge planner
// leaves segments alone: it merges when there are more segments than its
// budget, which is about the total size over the smallest segment's size
// raised to the floor (2,000 documents by default), and at most
// MaxSegmentsPerTier per tier.
func noMerges() map[string]interface{} {
	return map[string]interface{}{
		"scorchMergePlanOptions": map[string]interface{}{"MaxSegmentsPerTier": 1 << 30, "FloorSegmentSize": 1},
	}
}

// indexAll indexes the passages of docs with one batch per worker in
// flight, so mapping, analysis and segment building keep every core busy,
// records fp, waits until everything is persisted, and merges the
// segments into one.
func indexAll(ctx context.Context, b bleve.Index, docs []*corpus.Document, fp string, batchSize int, log *slog.Logger) (int, error) {
	started := time.Now()
	type item struct {
		d *corpus.Document
		p *corpus.Passage
	}
	chunks := make(chan []item)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	workers := max(2, runtime.GOMAXPROCS(0))
	var (
		wg      sync.WaitGroup
		errOnce sync.Once
		first   error
	)
	fail := func(err error) {
		errOnce.Do(func() { first = err; cancel() })
	}
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for chunk := range chunks {
				batch := b.NewBatch()
				for _, it := range chunk {
					if err := batch.Index(it.p.ID, newDocument(it.d, it.p)); err != nil {
						fail(fmt.Errorf("index passage %s: %w", it.p.ID, err))
						break
					}
				}
				if ctx.Err() != nil {
					continue // drain
				}
				if err := b.Batch(batch); err != nil {
					fail(err)
				}
			}
		}()
	}
	n := 0
	chunk := make([]item, 0, batchSize)
send:
	for _, d := range docs {
		for _, p := range d.Passages {
			chunk = append(chunk, item{d, p})
			n++
			if len(chunk) == batchSize {
				select {
				case chunks <- chunk:
				case <-ctx.Done():
					break send
				}
				chunk = make([]item, 0, batchSize)
			}
		}
	}
	if len(chunk) > 0 && ctx.Err() == nil {
		select {
		case chunks <- chunk:
		case <-ctx.Done():
		}
	}
	close(chunks)
	wg.Wait()
	if first != nil {
		return n, first
	}
	if err := ctx.Err(); err != nil {
		return n, err
	}
	// The last batch carries the fingerprint; its persistence implies that
	// of every earlier segment (the persister writes whole snapshots).
	if err := persist(ctx, b, fp); err != nil {
		return n, err
	}
	log.Info("passages indexed", "passages", n, "segments", segmentsOf(b), "ms", time.Since(started).Milliseconds())
	// One segment instead of one per batch: each search opens a reader per
	// term and per segment (a mix of queries over 10⁵ passages ran 20%
	// faster on one). Scores do not depend on it (scorestats.go). Merging
	// after ready would make the server ready sooner, but its first minute
	// at 10⁶ passages would search about a hundred segments while bleve's own
	// planner, which runs beside a forced merge, rewrote them in tiers.
	// Once persisted, merging works on files; the fingerprint is written
	// again so that the persisted snapshot is the merged one.
	merging := time.Now()
	if err := compact(ctx, b); err != nil {
		return n, err
	}
	log.Info("segments merged", "segments", segmentsOf(b), "ms", time.Since(merging).Milliseconds())
	return n, persist(ctx, b, fp)
}

// compact merges the segments of a built index into one. One forced
// merge plans a single round of tasks of at most SegmentsPerMergeTask
// segments each, so it is repeated until one segment is left: a build of
// 10⁵ passages leaves about 100 segments, one of 10⁶ about 80–100 (see
// buildNap).
func compact(ctx context.Context, b bleve.Index) error {
	adv, err := b.Advanced()
	if err != nil {
		return fmt.Errorf("compact index: %w", err)
	}
	s, ok := adv.(*scorch.Scorch)
	if !ok {
		return nil
	}
	opts := mergeplan.SingleSegmentMergePlanOptions
	opts.SegmentsPerMergeTask = mergeWidth
	for range maxMergeRounds {
		if segments(s) <= 1 {
			return nil
		}
		if err := s.ForceMerge(ctx, &opts); err != nil {
			return fmt.Errorf("compact index: %w", err)
		}
	}
	return nil // not reached below 200⁴ segments
}

// mergeWidth is the number of segments one merge task joins: a build of
// up to mergeWidth batches merges in one round, and so does a larger one,
// whose persister writes fewer, larger files (buildNap).
const (
	mergeWidth     = 200
	maxMergeRounds = 4
)

// segmentsOf is the number of segments of b, 0 when it is not scorch.
func segmentsOf(b bleve.Index) uint64 {
	adv, err := b.Advanced()
	if err != nil {
		return 0
	}
	if s, ok := adv.(*scorch.Scorch); ok {
		return segments(s)
	}
	return 0
}

// segments is the number of segments of s's current snapshot.
func segments(s *scorch.Scorch) uint64 {
	st := s.StatsMap()
	n, _ := st["num_root_filesegments"].(uint64)
	m, _ := st["num_root_memorysegments"].(uint64)
	return n + m
}

// persist records fp in a batch and waits until that batch, and so every
// earlier change, is on disk.
func persist(ctx context.Context, b bleve.Index, fp string) error {
	done := make(chan error, 1)
	last := b.NewBatch()
	last.SetInternal(fingerprintKey, []byte(fp))
	last.SetPersistedCallback(func(err error) {
		select {
		case done <- err:
		default:
		}
	})
	if err := b.Batch(last); err != nil {
		return err
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}
