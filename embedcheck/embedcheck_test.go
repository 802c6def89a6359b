package embedcheck_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/shanxi-sme/kb/embedcheck"
	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/embedding/standin"
	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/kbase"
)

var (
	loadParts = sync.OnceValues(kbase.Load)
	quiet     = slog.New(slog.NewTextHandler(io.Discard, nil))
)

// openWith opens the embedded corpus with the stand-in model m served by
// an httptest double of the OpenAI-compatible embeddings API.
func openWith(t *testing.T, m func(*kbase.Parts) standin.Model) *index.Index {
	t.Helper()
	parts, err := loadParts()
	if err != nil {
		t.Fatal(err)
	}
	model := m(parts)
	srv := httptest.NewServer(standin.Handler(model))
	t.Cleanup(srv.Close)
	ix, err := parts.OpenIndexWith(context.Background(), t.TempDir(), quiet,
		embedding.Config{URL: srv.URL + "/v1", Model: model.Name})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	if ix.Retrieval() != "hybrid" {
		t.Fatalf("retrieval %s with a stand-in embedding server", ix.Retrieval())
	}
	return ix
}

func bigram(*kbase.Parts) standin.Model { return standin.Bigram(256) }

func concept(p *kbase.Parts) standin.Model { return standin.ConceptOf(p) }

func semantic(p *kbase.Parts) standin.Model { return standin.SemanticOf(p) }

// bigramCone is the weak model on a real model's similarity scale: its
// noise clears the absolute floor, so only the fusion's weights keep it
// from reshuffling the ranking.
func bigramCone(*kbase.Parts) standin.Model { return standin.WithCommon(standin.Bigram(256), 0.5) }

func TestUnrelatedQueryFindsNothing(t *testing.T) {
	ctx := context.Background()
	for name, m := range map[string]func(*kbase.Parts) standin.Model{"bigram": bigram, "concept": concept, "semantic": semantic} {
		t.Run(name, func(t *testing.T) {
			ix := openWith(t, m)
			zero := 0.0
			for _, q := range []string{"量子计算", "红烧肉"} {
				lex, err := ix.Search(ctx, index.Request{Query: q, SemanticRatio: &zero})
				if err != nil || lex.Total != 0 {
					t.Fatalf("%s matches keywords (%v), the test proves nothing", q, err)
				}
				res, err := ix.Search(ctx, index.Request{Query: q})
				if err != nil {
					t.Fatal(err)
				}
				if res.Total != 0 || len(res.Hits) != 0 {
					t.Errorf("hybrid %s: %d results, want none", q, res.Total)
				}
				for f, vals := range res.Facets {
					if len(vals) != 0 {
						t.Errorf("hybrid %s: facet %s %v", q, f, vals)
					}
				}
			}
		})
	}
}

func TestFacetsCountRealCandidates(t *testing.T) {
	ctx := context.Background()
	// The concept model finds nothing the keywords miss (keyword search
	// expands by the same thesaurus), so this model knows a word the
	// corpus lacks: 星光 means 光伏.
	ix := openWith(t, func(*kbase.Parts) standin.Model {
		return standin.Model{Name: "solar", Dim: 2, Embed: func(text string) []float32 {
			n := strings.Count(text, "光伏") + strings.Count(text, "星光")
			return []float32{float32(n), 0.05}
		}}
	})
	zero, ratio := 0.0, 0.5
	const q = "星光 储能"
	lex, err := ix.Search(ctx, index.Request{Query: q, Size: index.MaxPageSize, SemanticRatio: &zero})
	if err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, index.Request{Query: q, Size: index.MaxPageSize, SemanticRatio: &ratio})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != uint64(len(res.Hits)) || res.Total >= 84 {
		t.Fatalf("total %d, %d hits (of 84 passages)", res.Total, len(res.Hits))
	}
	var denseOnly int
	for _, h := range res.Hits {
		if !slices.ContainsFunc(lex.Hits, func(l index.Hit) bool { return l.Passage.ID == h.Passage.ID }) {
			denseOnly++
		}
	}
	if denseOnly == 0 || res.Total != lex.Total+uint64(denseOnly) {
		t.Fatalf("total %d = %d keyword + %d vector-only?", res.Total, lex.Total, denseOnly)
	}
	want := map[string]int{}
	for _, h := range res.Hits {
		for _, c := range h.Passage.Counties {
			want[c]++
		}
	}
	got := map[string]int{}
	for _, v := range res.Facets[index.FieldCounty] {
		got[v.Value] = v.Count
	}
	if len(got) != len(want) {
		t.Errorf("county facets %v, candidates %v", got, want)
	}
	for c, n := range want {
		if got[c] != n {
			t.Errorf("county %s: facet %d, candidates %d", c, got[c], n)
		}
	}
}

// At the default weight, weak models (hashed bigrams, below and above the
// absolute floor) cost the built-in questions at most 0.01 nDCG@10, and
// models that know something the keywords do not (the thesaurus concepts;
// co-occurrence learnt from the corpus) raise it. The weights were chosen
// on evaluate.py's dev queries (README), not on these questions.
func TestModelEffectAtDefaultRatio(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		m    func(*kbase.Parts) standin.Model
		good bool
	}{{"bigram", bigram, false}, {"bigram-cone", bigramCone, false}, {"concept", concept, true}, {"semantic", semantic, true}} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := embedcheck.Run(ctx, openWith(t, tc.m))
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s:\n%s", tc.name, r)
			if r.Hybrid.NDCG < r.Keyword.NDCG-0.01 {
				t.Errorf("nDCG@10 falls from %.3f to %.3f", r.Keyword.NDCG, r.Hybrid.NDCG)
			}
			if tc.good && r.Effect() != 1 {
				t.Errorf("a good model does not raise nDCG@10 by more than %.2f: %.3f → %.3f", embedcheck.Margin, r.Keyword.NDCG, r.Hybrid.NDCG)
			}
		})
	}
}
