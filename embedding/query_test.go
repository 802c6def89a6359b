package embedding

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
)

// Queries are embedded apart from passages: they never reach the
// persistent cache, and the memory kept for them is bounded.
func TestQueriesStayOutOfThePassageCache(t *testing.T) {
	ctx := context.Background()
	f := newFake(t, 4)
	path := filepath.Join(t.TempDir(), "embeddings.bin")
	c, err := NewCached(f.client(t, f.config()), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Embed(ctx, []string{"passage one", "passage two"}); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < queryCacheSize+50; i++ {
		v, err := c.EmbedQuery(ctx, fmt.Sprintf("query %d", i))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(v, fakeVector(fmt.Sprintf("query %d", i), 4)) {
			t.Fatalf("query %d: wrong vector", i)
		}
	}
	if c.Len() != 2 {
		t.Errorf("passage cache holds %d vectors after queries, want 2", c.Len())
	}
	if n := c.QueryCacheLen(); n != queryCacheSize {
		t.Errorf("query cache holds %d, want the bound %d", n, queryCacheSize)
	}
	// A repeated recent query is answered from memory.
	before := len(f.requests())
	if _, err := c.EmbedQuery(ctx, fmt.Sprintf("query %d", queryCacheSize+49)); err != nil {
		t.Fatal(err)
	}
	if len(f.requests()) != before {
		t.Error("a recent query was sent again")
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	reloaded, err := NewCached(f.client(t, f.config()), path)
	if err != nil {
		t.Fatal(err)
	}
	if reloaded.Len() != 2 {
		t.Errorf("the saved cache holds %d vectors, want the 2 passages only", reloaded.Len())
	}
	// The passages of a deleted document leave the cache.
	reloaded.Forget([]string{"passage one"})
	if reloaded.Len() != 1 {
		t.Errorf("after Forget the cache holds %d, want 1", reloaded.Len())
	}
}
