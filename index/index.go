package index

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/cespare/xxhash/v2"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/shanxi-sme/kb/atomicfile"
	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/segment"
	"github.com/shanxi-sme/kb/specificity"
)

// Config is what an index is built from.
type Config struct {
	Dir       string             // folder of the index (created if missing)
	Library   *corpus.Library    // the passages to index
	Segmenter *segment.Segmenter // the Chinese analyzer
	Themes    *corpus.Ontology   // recognises themes in queries
	Concepts  *corpus.Thesaurus  // expands queries to related wording
	Places    *corpus.Gazetteer  // recognises places in queries
	Logger    *slog.Logger
	// Embedder, when set, adds dense retrieval (see dense.go); nil keeps
	// search lexical.
	Embedder embedding.Embedder
	// Fusion weighs and floors the vectors; nil means DefaultFusion.
	Fusion *Fusion
	// Specificity tells the telling parts of a query from generic ones
	// (楼宇 from 经济 in 楼宇经济); passages that match only generic parts
	// are weak matches. nil: no match is weak.
	Specificity *specificity.Model
	// BuildBatch is the number of passages of one batch of a full build
	// (one segment each); 0 means defaultBuildBatch.
	BuildBatch int
}

// Index is the open search index over a library of passages.
type Index struct {
	bleve       bleve.Index
	lib         atomic.Pointer[corpus.Library] // swapped whole when documents come and go
	writeMu     sync.Mutex                     // serialises index updates
	seg         *segment.Segmenter
	themes      *corpus.Ontology
	concepts    *corpus.Thesaurus
	places      *corpus.Gazetteer
	placeOrder  map[string]int // place name -> position in the gazetteer (administrative order)
	suggest     suggestCache
	filler      fillerWords
	spec        *specificity.Model    // nil: no weak matches
	dense       atomic.Pointer[dense] // nil: lexical only
	fusion      atomic.Pointer[Fusion]
	log         *slog.Logger
	fingerprint atomic.Pointer[string]
	digests     sync.Map // *corpus.Document -> its digest, see fingerprintOf
	path        string
	facets      facetTables                      // facet values by document, per snapshot (facetcount.go)
	texts       textTables                       // passage texts by document, per snapshot (texttable.go)
	stats       atomic.Pointer[search.BM25Stats] // segment-independent scoring statistics (scorestats.go)
	buildBatch  int
	// phraseRescoreMin: see rescore.go; tests lower it.
	phraseRescoreMin int
	slots            searchSlots // searches running at once (admit.go)
}

// fingerprintKey is where the index keeps the fingerprint of what it holds.
var fingerprintKey = []byte("kb_fingerprint")

// currentFile names the index folder in use; it is replaced atomically.
const currentFile = "CURRENT"

// batchSize bounds the memory of one indexing batch.
const batchSize = 1000

// Open returns the index of lib under dir, building it when the corpus, the
// dictionaries or the mapping have changed since it was built (or when the
// index on disk cannot be opened). A new index is built in a folder of its
// own and swapped in by rewriting CURRENT, so a crash mid-build leaves the
// old index in place.
func Open(ctx context.Context, cfg Config) (*Index, error) {
	dir, lib, seg, log := cfg.Dir, cfg.Library, cfg.Segmenter, cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	if lib == nil || seg == nil || cfg.Themes == nil || cfg.Places == nil || cfg.Concepts == nil {
		return nil, errors.New("index: config needs a library, a segmenter, themes, concepts and places")
	}
	if err := segment.RegisterBleve(seg); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create index folder: %w", err)
	}
	ix := &Index{seg: seg, themes: cfg.Themes, concepts: cfg.Concepts, places: cfg.Places, placeOrder: placeOrder(cfg.Places), filler: loadFiller(), log: log, spec: cfg.Specificity,
		buildBatch: cmp.Or(cfg.BuildBatch, defaultBuildBatch), phraseRescoreMin: defaultPhraseRescoreMin, slots: newSearchSlots()}
	fusion := DefaultFusion()
	if cfg.Fusion != nil {
		fusion = *cfg.Fusion
	}
	if err := ix.SetFusion(fusion); err != nil {
		return nil, err
	}
	fp, err := ix.fingerprintOf(lib)
	if err != nil {
		return nil, err
	}
	ix.lib.Store(lib)
	ix.fingerprint.Store(&fp)
	b, path, err := reuse(dir, fp, lib, log)
	if err != nil {
		return nil, err
	}
	if b != nil {
		ix.bleve, ix.path = b, path
	} else {
		ix.path = filepath.Join(dir, fp)
		if err := ix.build(ctx, dir, log); err != nil {
			return nil, err
		}
	}
	if cfg.Embedder != nil {
		d, err := embedPassages(ctx, cfg.Embedder, lib, log)
		if err != nil {
			// The embedding service is outside the product: without it
			// search still works, lexically, and /healthz says so.
			log.Warn("dense retrieval off: embedding failed", "err", err)
		} else {
			ix.dense.Store(d)
		}
	}
	ix.refreshScoreStats(ctx)
	ix.warmTables()
	return ix, nil
}

// warmTables builds the facet table of the index as opened (facetcount.go)
// and the passage texts phrases are checked against (texttable.go), side
// by side, before the index is handed out: about 0.1 s for both at 10⁵
// passages, 0.8–1.0 s at 10⁶. Built after ready instead, the
// first searches of a server put under load as soon as it was ready
// waited for them: the first eight took 1.0–1.35 s at 10⁶. A failure only
// leaves the work to the first search, which builds the same table.
func (ix *Index) warmTables() {
	r, err := ix.reader()
	if err != nil {
		return
	}
	defer r.Close()
	var wg sync.WaitGroup
	for name, build := range map[string]func() error{
		"facet table":   func() error { _, err := ix.facets.table(r); return err },
		"passage texts": func() error { _, err := ix.passageTexts(r); return err },
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				// Only preparation: whatever goes wrong here is left to the search.
				if p := recover(); p != nil {
					ix.log.Warn(name+" not prepared", "panic", p)
				}
			}()
			started := time.Now()
			if err := build(); err != nil {
				ix.log.Debug(name+" not prepared", "err", err)
				return
			}
			ix.log.Debug(name+" prepared", "ms", time.Since(started).Milliseconds())
		}()
	}
	wg.Wait()
}

// reuse opens the index named in CURRENT when it holds exactly fp (after
// the passages of documents lib does not hold are deleted, see reconcile)
// and as many passages as lib; it returns no index when a rebuild is due,
// and an error when the index is held by another process (rebuilding then
// would pull it from under it).
func reuse(dir, fp string, lib *corpus.Library, log *slog.Logger) (bleve.Index, string, error) {
	cur, err := os.ReadFile(filepath.Join(dir, currentFile))
	if err != nil {
		log.Info("no index yet, building", "fingerprint", fp)
		return nil, "", nil
	}
	name := strings.TrimSpace(string(cur))
	if name == "" || strings.ContainsAny(name, `/\`) || strings.HasPrefix(name, ".") {
		log.Warn("CURRENT names no index folder, rebuilding", "content", name)
		return nil, "", nil
	}
	path := filepath.Join(dir, name)
	b, err := openExisting(path)
	if errors.Is(err, errIndexLocked) {
		return nil, "", err
	}
	if err != nil {
		log.Warn("index unreadable, rebuilding", "path", path, "err", err)
		return nil, "", nil
	}
	if n, err := reconcile(b, lib); err != nil {
		log.Warn("index cannot be checked, rebuilding", "path", path, "err", err)
		_ = b.Close()
		return nil, "", nil
	} else if n > 0 {
		log.Warn("passages of documents the catalog does not hold were deleted from the index", "documents", n)
	}
	stored, err := b.GetInternal(fingerprintKey)
	if err != nil || string(stored) != fp {
		log.Info("index out of date, rebuilding", "fingerprint", fp, "stored", string(stored))
		_ = b.Close()
		return nil, "", nil
	}
	want := uint64(len(lib.Passages()))
	if have, err := b.DocCount(); err != nil || have != want {
		log.Warn("index holds another number of passages than the catalog, rebuilding", "indexed", have, "catalog", want, "err", err)
		_ = b.Close()
		return nil, "", nil
	}
	log.Info("index reused", "path", path)
	return b, path, nil
}

// build indexes every passage into a fresh folder, then swaps it in.
func (ix *Index) build(ctx context.Context, dir string, log *slog.Logger) error {
	started := time.Now()
	tmp, err := os.MkdirTemp(dir, ".building-")
	if err != nil {
		return fmt.Errorf("create build folder: %w", err)
	}
	defer os.RemoveAll(tmp) // a no-op after the rename below
	path := filepath.Join(tmp, "index")
	b, err := newBuildIndex(path, NewMapping(), ix.Library().Len(), ix.buildBatch)
	if err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	n, err := indexAll(ctx, b, ix.Library().Documents(), ix.Fingerprint(), ix.buildBatch, log)
	if cerr := b.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	if err := os.RemoveAll(ix.path); err != nil {
		return fmt.Errorf("remove stale index: %w", err)
	}
	if err := os.Rename(path, ix.path); err != nil {
		return fmt.Errorf("move new index into place: %w", err)
	}
	if err := atomicfile.WriteBytes(filepath.Join(dir, currentFile), []byte(filepath.Base(ix.path)+"\n")); err != nil {
		return err
	}
	removeOthers(dir, filepath.Base(ix.path), log)
	if ix.bleve, err = openExisting(ix.path); err != nil {
		return fmt.Errorf("open new index: %w", err)
	}
	el := time.Since(started)
	log.Info("index built", "path", ix.path, "passages", n, "ms", el.Milliseconds(),
		"passages_per_s", int(float64(n)/max(el.Seconds(), 1e-3)))
	return nil
}

// fingerprint hashes everything the index is derived from: the mapping, the
// dictionaries and the documents as they would be indexed (so a change to
// the corpus, the ontology or the gazetteer shows too). Each document's
// digest is computed once and cached, so adding one document to a large
// library costs little.
func (ix *Index) fingerprintOf(lib *corpus.Library) (string, error) {
	h := sha256.New()
	m, err := json.Marshal(NewMapping())
	if err != nil {
		return "", fmt.Errorf("encode mapping: %w", err)
	}
	fmt.Fprintf(h, "mapping v%d %s\n", mappingVersion, m)
	fmt.Fprintf(h, "digest v%d\n", digestVersion)
	fmt.Fprintf(h, "segmenter %s\n", ix.seg.Fingerprint())
	docs := lib.Documents()
	digests := make([]uint64, len(docs))
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers { // documents digest independently: on all cores
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(docs); i += workers {
				digests[i] = ix.digest(docs[i])
			}
		}()
	}
	wg.Wait()
	for i, d := range docs {
		fmt.Fprintf(h, "%s %016x\n", d.ID, digests[i])
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// digest hashes a document as it is indexed (document.writeDigest).
func (ix *Index) digest(d *corpus.Document) uint64 {
	if v, ok := ix.digests.Load(d); ok {
		return v.(uint64)
	}
	h := xxhash.New()
	for _, p := range d.Passages {
		writeDigestString(h, p.ID)
		newDocument(d, p).writeDigest(h)
	}
	sum := h.Sum64()
	ix.digests.Store(d, sum)
	return sum
}

// removeOthers deletes index folders other than the current one.
func removeOthers(dir, keep string, log *slog.Logger) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == keep {
			continue
		}
		if err := os.RemoveAll(filepath.Join(dir, e.Name())); err != nil {
			log.Warn("remove old index", "path", e.Name(), "err", err)
		}
	}
}

// Close closes the index.
func (ix *Index) Close() error {
	if ix.bleve == nil {
		return nil
	}
	return ix.bleve.Close()
}

// Segments returns the number of segments of the index: 1 after a full
// build, more for a while after updates, until bleve merges them.
func (ix *Index) Segments() uint64 { return segmentsOf(ix.bleve) }

// Fingerprint identifies the corpus, dictionaries and mapping of the index.
func (ix *Index) Fingerprint() string { return *ix.fingerprint.Load() }

// Library returns the passages the index holds now.
func (ix *Index) Library() *corpus.Library { return ix.lib.Load() }

// Count returns the number of indexed passages.
func (ix *Index) Count() (uint64, error) { return ix.bleve.DocCount() }

// lockTimeout bounds the wait for an index another process holds open.
const lockTimeout = "3s"

var errIndexLocked = errors.New("索引正被另一个进程使用（例如正在运行的 kb serve）；请先停止它，或用 --data 指定另一个数据目录")

// openExisting opens an index folder, failing instead of waiting forever
// when another process holds it.
func openExisting(path string) (bleve.Index, error) {
	// unsafe_batch off: updates to a serving index return once on disk,
	// and segments merge as bleve plans by default (a full build changes
	// both for itself, see newBuildIndex, and its index stores them).
	b, err := bleve.OpenUsing(path, map[string]interface{}{
		"bolt_timeout":           lockTimeout,
		"unsafe_batch":           false,
		"scorchMergePlanOptions": map[string]interface{}{"MaxSegmentsPerTier": mergeplan.DefaultMergePlanOptions.MaxSegmentsPerTier},
		"scorchPersisterOptions": servingPersister(),
	})
	if errors.Is(err, bolterrors.ErrTimeout) {
		// bbolt gives up waiting for the lock of root.bolt; bleve passes
		// its error on unwrapped.
		return nil, fmt.Errorf("%s: %w", path, errIndexLocked)
	}
	return b, err
}

// ErrBadRequest marks errors caused by the caller's input.
var ErrBadRequest = errors.New("bad request")

// ErrNotFound is returned for an unknown document.
var ErrNotFound = errors.New("not found")

// Themes returns the theme ontology the index recognises in queries.
func (ix *Index) Themes() *corpus.Ontology { return ix.themes }
