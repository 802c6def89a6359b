package index_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/ingest"
)

// topicEmbedder stands in for an embedding server (a service outside the
// product): each text becomes a vector of topic counts, with 星光 meaning
// the same as 光伏 so that a query can match by meaning alone.
type topicEmbedder struct {
	fail  bool
	calls int
}

var topics = [][]string{{"光伏", "星光"}, {"贷款", "融资"}, {"楼宇"}, {"人才"}}

func (e *topicEmbedder) Embed(_ context.Context, texts []string) ([][]float32, error) {
	e.calls++
	if e.fail {
		return nil, errors.New("connection refused")
	}
	out := make([][]float32, len(texts))
	for i, t := range texts {
		v := make([]float32, len(topics)+1)
		v[len(topics)] = 0.01 // never a zero vector
		for d, words := range topics {
			for _, w := range words {
				v[d] += float32(strings.Count(t, w))
			}
		}
		out[i] = v
	}
	return out, nil
}
func (e *topicEmbedder) Dimensions() int { return len(topics) + 1 }
func (e *topicEmbedder) Model() string   { return "topics" }

func openDense(t *testing.T, e *topicEmbedder) *index.Index {
	t.Helper()
	ix, err := index.Open(context.Background(), index.Config{Dir: t.TempDir(), Library: parts.Library, Segmenter: parts.Segmenter,
		Themes: parts.Themes, Concepts: parts.Concepts, Places: parts.Places, Logger: quiet, Embedder: e})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func TestHybridFindsByMeaning(t *testing.T) {
	ctx := context.Background()
	lexical, err := shared.Search(ctx, index.Request{Query: "星光"})
	if err != nil {
		t.Fatal(err)
	}
	ix := openDense(t, &topicEmbedder{})
	if ix.Retrieval() != "hybrid" || shared.Retrieval() != "lexical" {
		t.Fatalf("retrieval modes: %s / %s", ix.Retrieval(), shared.Retrieval())
	}
	res, err := ix.Search(ctx, index.Request{Query: "星光"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Hits) == 0 || !strings.Contains(res.Hits[0].Passage.Text, "光伏") {
		t.Fatalf("hybrid top hit for 星光 is not a 光伏 passage: %+v", res.Hits)
	}
	for _, h := range lexical.Hits {
		if h.Passage.ID == res.Hits[0].Passage.ID {
			t.Fatalf("the lexical search found it too; the test proves nothing")
		}
	}
	if m := res.Hits[0].Matched; len(m) == 0 || m[0].Kind != index.MatchVector {
		t.Errorf("dense-only hit explanation: %+v", m)
	}
	// Filters apply to the vector side too.
	res, err = ix.Search(ctx, index.Request{Query: "星光", Filters: map[string][]string{index.FieldCounty: {"小店区"}}})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range res.Hits {
		if !slices.Contains(h.Passage.Counties, "小店区") {
			t.Errorf("filtered hybrid search returned %s (%v)", h.Passage.ID, h.Passage.Counties)
		}
	}
	// A literal query keeps its literal top hit.
	res, err = ix.Search(ctx, index.Request{Query: "楼宇经济"})
	if err != nil || res.Hits[0].Passage.Case == nil || res.Hits[0].Passage.Case.County != "小店区" {
		t.Errorf("hybrid 楼宇经济: %v", err)
	}
}

func TestEmbedderDownMeansLexical(t *testing.T) {
	e := &topicEmbedder{fail: true}
	ix := openDense(t, e)
	if ix.Retrieval() != "lexical" || e.calls == 0 {
		t.Errorf("retrieval %s after a failing embedder (%d calls)", ix.Retrieval(), e.calls)
	}
	res, err := ix.Search(context.Background(), index.Request{Query: "楼宇经济"})
	if err != nil || res.Total == 0 {
		t.Errorf("lexical search broken: %v", err)
	}
}

func TestNewDocumentsGetVectors(t *testing.T) {
	ctx := context.Background()
	ix := openDense(t, &topicEmbedder{})
	d, err := ingest.ParseText("n.txt", []byte("介休市建设屋顶光伏电站，推动分布式光伏整县推进。"), ingest.Meta{})
	if err != nil {
		t.Fatal(err)
	}
	parts.Tagger.Tag(d)
	if err := ix.AddDocuments(ctx, d); err != nil {
		t.Fatal(err)
	}
	res, err := ix.Search(ctx, index.Request{Query: "星光", Filters: map[string][]string{index.FieldCounty: {"介休市"}}})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].Passage.DocID != d.ID {
		t.Errorf("new passage not found by meaning: %+v %v", res, err)
	}
}

// The default semantic weight yields to the keywords where they hold the
// whole query: a literal query gets no passage only the vectors found (its
// hits and total are the keyword ones, at most reordered), while an
// explicit semantic_ratio is applied as given.
func TestKeywordConfidenceCapsTheVectors(t *testing.T) {
	ctx := context.Background()
	ix := openDense(t, &topicEmbedder{})
	ids := func(r *index.Result) []string {
		var out []string
		for _, h := range r.Hits {
			out = append(out, h.Passage.ID)
		}
		return out
	}
	const q = "贷款"
	lexical, err := shared.Search(ctx, index.Request{Query: q, Size: index.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	byDefault, err := ix.Search(ctx, index.Request{Query: q, Size: index.MaxPageSize})
	if err != nil {
		t.Fatal(err)
	}
	one := 1.0
	explicit, err := ix.Search(ctx, index.Request{Query: q, Size: index.MaxPageSize, SemanticRatio: &one})
	if err != nil {
		t.Fatal(err)
	}
	if explicit.Total <= lexical.Total {
		t.Fatalf("an explicit ratio adds no vector-only passage (%d vs %d): the test proves nothing", explicit.Total, lexical.Total)
	}
	if byDefault.Total != lexical.Total {
		t.Errorf("a literal query counts %d results with the default weight, %d by keywords", byDefault.Total, lexical.Total)
	}
	a, b := ids(lexical), ids(byDefault)
	slices.Sort(a)
	slices.Sort(b)
	if !slices.Equal(a, b) {
		t.Errorf("a literal query got other passages by the default weight:\n lexical %v\n hybrid  %v", a, b)
	}
}
