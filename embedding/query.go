package embedding

import (
	"container/list"
	"context"
	"fmt"
	"slices"
	"sync"
)

// queryCacheSize bounds the vectors of recent queries kept in memory.
const queryCacheSize = 1024

// queryCache keeps the vectors of recent queries, least recently used out
// first. Queries are what users type: they are never written to disk and
// never mixed with the passage cache, which persists.
type queryCache struct {
	mu    sync.Mutex
	order *list.List // of cacheKey, most recent first
	items map[cacheKey]*list.Element
	vecs  map[cacheKey][]float32
}

func (q *queryCache) get(k cacheKey) ([]float32, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.items == nil {
		return nil, false
	}
	e, ok := q.items[k]
	if !ok {
		return nil, false
	}
	q.order.MoveToFront(e)
	return slices.Clone(q.vecs[k]), true
}

func (q *queryCache) put(k cacheKey, v []float32) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.items == nil {
		q.order, q.items, q.vecs = list.New(), map[cacheKey]*list.Element{}, map[cacheKey][]float32{}
	}
	if e, ok := q.items[k]; ok {
		q.order.MoveToFront(e)
		return
	}
	q.items[k] = q.order.PushFront(k)
	q.vecs[k] = slices.Clone(v)
	for q.order.Len() > queryCacheSize {
		last := q.order.Back()
		old := last.Value.(cacheKey)
		q.order.Remove(last)
		delete(q.items, old)
		delete(q.vecs, old)
	}
}

func (q *queryCache) len() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.items)
}

// EmbedQuery embeds a search query. Its vector is kept in a bounded
// in-memory cache of recent queries, never in the passage cache and never
// on disk.
func (c *Cached) EmbedQuery(ctx context.Context, text string) ([]float32, error) {
	k := keyOf(c.inner.Model(), text)
	if v, ok := c.queries.get(k); ok {
		return v, nil
	}
	vecs, err := c.inner.Embed(ctx, []string{text})
	if err != nil {
		return nil, fmt.Errorf("embed query: %w", err)
	}
	if len(vecs) != 1 {
		return nil, fmt.Errorf("%w: embedder returned %d vectors for one query", ErrCount, len(vecs))
	}
	c.queries.put(k, vecs[0])
	return slices.Clone(vecs[0]), nil
}

// QueryCacheLen returns the number of query vectors held in memory.
func (c *Cached) QueryCacheLen() int { return c.queries.len() }

// Forget drops the cached vectors of texts (the passages of a deleted
// document), so the cache file does not keep them.
func (c *Cached) Forget(texts []string) {
	model := c.inner.Model()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, t := range texts {
		delete(c.vecs, keyOf(model, t))
	}
}
