package embedding

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"sync"
	"sync/atomic"
)

// cacheKey identifies a text embedded by a model.
type cacheKey [sha256.Size]byte

// keyOf hashes (model, text); the model's length comes first so that no
// pair of model and text can collide with another by shifting bytes.
func keyOf(model, text string) cacheKey {
	h := sha256.New()
	_, _ = h.Write(binary.AppendUvarint(nil, uint64(len(model))))
	_, _ = h.Write([]byte(model))
	_, _ = h.Write([]byte(text))
	var k cacheKey
	h.Sum(k[:0])
	return k
}

// Cached wraps an Embedder with a persistent cache of passage vectors, so
// that re-indexing an unchanged corpus does not embed it again: embedding
// is by far the slowest step of building a dense index. Entries leave with
// their documents (Forget); deleting the file resets the cache. Queries go
// through EmbedQuery, which keeps them apart and in memory only. It is
// safe for concurrent use.
type Cached struct {
	inner Embedder
	path  string

	mu   sync.RWMutex
	vecs map[cacheKey][]float32

	// seenDim is the length of the vectors last returned: when every text
	// is a hit the inner Embedder is never called and may not know it.
	seenDim atomic.Int64

	queries queryCache // recent queries, in memory only (see EmbedQuery)
}

var _ Embedder = (*Cached)(nil)

// NewCached wraps inner with the cache stored at path, loading it when the
// file exists. A file that cannot be read back is an error wrapping
// ErrCorruptCache; the caller decides whether to delete it and start empty.
func NewCached(inner Embedder, path string) (*Cached, error) {
	if inner == nil {
		return nil, errors.New("embedding cache: no embedder to wrap")
	}
	if path == "" {
		return nil, errors.New("embedding cache: no file path")
	}
	vecs, err := readCache(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		vecs = map[cacheKey][]float32{}
	case err != nil:
		return nil, fmt.Errorf("load embedding cache %s: %w", path, err)
	}
	return &Cached{inner: inner, path: path, vecs: vecs}, nil
}

// Model returns the model of the wrapped Embedder.
func (c *Cached) Model() string { return c.inner.Model() }

// Dimensions returns the dimension of the wrapped Embedder or, while that
// does not know it yet, the length of the vectors last returned.
func (c *Cached) Dimensions() int {
	if d := c.inner.Dimensions(); d > 0 {
		return d
	}
	return int(c.seenDim.Load())
}

// Len returns the number of cached vectors.
func (c *Cached) Len() int {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.vecs)
}

// Embed returns cached vectors and sends only the other texts, each once
// even when repeated, to the wrapped Embedder. The returned vectors are
// copies, so callers may modify them.
func (c *Cached) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	model := c.inner.Model()
	dim := c.inner.Dimensions()
	out := make([][]float32, len(texts))
	keys := make([]cacheKey, len(texts))
	missing := map[cacheKey]int{} // key → position in toEmbed
	var toEmbed []string

	c.mu.RLock()
	for i, t := range texts {
		k := keyOf(model, t)
		keys[i] = k
		// A vector of another length was made with a different
		// dimensions setting under the same model name: not a hit.
		if v, ok := c.vecs[k]; ok && (dim == 0 || len(v) == dim) {
			out[i] = slices.Clone(v)
			continue
		}
		if _, ok := missing[k]; !ok {
			missing[k] = len(toEmbed)
			toEmbed = append(toEmbed, t)
		}
	}
	c.mu.RUnlock()

	if len(toEmbed) > 0 {
		vecs, err := c.inner.Embed(ctx, toEmbed)
		if err != nil {
			return nil, fmt.Errorf("embed %d uncached of %d texts: %w", len(toEmbed), len(texts), err)
		}
		if len(vecs) != len(toEmbed) {
			return nil, fmt.Errorf("%w: embedder returned %d for %d texts", ErrCount, len(vecs), len(toEmbed))
		}
		c.mu.Lock()
		for k, j := range missing {
			c.vecs[k] = vecs[j]
		}
		c.mu.Unlock()
		for i := range out {
			if out[i] == nil {
				out[i] = slices.Clone(vecs[missing[keys[i]]])
			}
		}
	}
	// Before the first call an embedder may not know its dimension, so
	// hits were accepted at any length; catch a stale cache now.
	for i, v := range out {
		if len(v) != len(out[0]) {
			return nil, fmt.Errorf("%w: text %d has %d dimensions but text 0 has %d; the cache at %s predates a change of KB_EMBED_DIM, delete it",
				ErrDimension, i, len(v), len(out[0]), c.path)
		}
	}
	c.seenDim.Store(int64(len(out[0])))
	return out, nil
}

// Save writes the cache to its file atomically.
func (c *Cached) Save() error {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if err := writeCache(c.path, c.vecs); err != nil {
		return fmt.Errorf("save embedding cache %s: %w", c.path, err)
	}
	return nil
}
