package index

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/shanxi-sme/kb/corpus"
)

// Suggestion is a completion offered while the user types a query.
type Suggestion struct {
	Value string `json:"value"`
	Kind  string `json:"kind"`  // 主题, 县区, 城市, 常用词
	Count int    `json:"count"` // passages with it
}

// Kinds of suggestion, in the order they are offered.
var suggestKinds = map[string]int{"主题": 0, "县区": 1, "城市": 2, "常用词": 3}

// suggestCache holds the candidates of one library; a new library
// (documents added or deleted) rebuilds them.
type suggestCache struct {
	mu    sync.Mutex
	lib   *corpus.Library
	items []Suggestion
}

// Suggest returns at most n completions of typed: the themes, counties
// and cities of the corpus and the thesaurus terms that occur in it,
// containing typed; those that start with it first, then by kind and by
// how many passages have them.
func (ix *Index) Suggest(ctx context.Context, typed string, n int) ([]Suggestion, error) {
	typed = strings.ToLower(strings.TrimSpace(typed))
	out := []Suggestion{}
	if typed == "" || n <= 0 {
		return out, nil
	}
	all, err := ix.suggestions(ctx)
	if err != nil {
		return nil, err
	}
	type cand struct {
		s      Suggestion
		prefix int
	}
	var found []cand
	for _, s := range all {
		at := strings.Index(strings.ToLower(s.Value), typed)
		if at < 0 || s.Value == typed {
			continue
		}
		p := 1
		if at == 0 {
			p = 0
		}
		found = append(found, cand{s, p})
	}
	slices.SortStableFunc(found, func(a, b cand) int {
		if a.prefix != b.prefix {
			return a.prefix - b.prefix
		}
		if ka, kb := suggestKinds[a.s.Kind], suggestKinds[b.s.Kind]; ka != kb {
			return ka - kb
		}
		return b.s.Count - a.s.Count
	})
	for _, c := range found[:min(n, len(found))] {
		out = append(out, c.s)
	}
	return out, nil
}

func (ix *Index) suggestions(ctx context.Context) ([]Suggestion, error) {
	ix.suggest.mu.Lock()
	defer ix.suggest.mu.Unlock()
	lib := ix.Library()
	if ix.suggest.lib == lib && ix.suggest.items != nil {
		return ix.suggest.items, nil
	}
	facets, err := ix.Facets(ctx)
	if err != nil {
		return nil, err
	}
	var items []Suggestion
	seen := map[string]bool{}
	add := func(value, kind string, count int) {
		if value != "" && !seen[value] && count > 0 {
			seen[value] = true
			items = append(items, Suggestion{Value: value, Kind: kind, Count: count})
		}
	}
	for _, f := range []struct{ field, kind string }{{FieldTheme, "主题"}, {FieldCounty, "县区"}, {FieldCity, "城市"}} {
		for _, v := range facets[f.field] {
			add(v.Value, f.kind, v.Count)
		}
	}
	var terms []string
	for _, c := range ix.concepts.Concepts() {
		terms = append(terms, c.Preferred)
		terms = append(terms, c.Synonyms...)
	}
	freq, _, err := ix.DocFreqs(ctx, terms)
	if err != nil {
		return nil, err
	}
	for _, t := range terms {
		if n := len([]rune(t)); n >= 2 && n <= 12 {
			add(t, "常用词", int(freq[t]))
		}
	}
	ix.suggest.lib, ix.suggest.items = lib, items
	return items, nil
}
