package standin

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

func cosine(a, b []float32) float64 {
	var d, x, y float64
	for i := range a {
		d += float64(a[i]) * float64(b[i])
		x += float64(a[i]) * float64(a[i])
		y += float64(b[i]) * float64(b[i])
	}
	return d / math.Sqrt(x*y)
}

// Two topics whose words co-occur within each topic's passages; no passage
// holds both 并网 and 组件.
var topicCorpus = []string{
	"光伏 电站 并网 发电",
	"光伏 组件 发电 储能",
	"储能 电站 并网",
	"光伏 储能 电站",
	"面粉 烘焙 面包 糕点",
	"面包 糕点 门店 烘焙",
	"门店 连锁 糕点",
	"烘焙 面粉 连锁",
}

func topicModel() Model {
	return Semantic(SemanticConfig{Words: strings.Fields, Corpus: topicCorpus, Dims: 4})
}

func TestSemanticRelatesWordsByCooccurrence(t *testing.T) {
	m := topicModel()
	q := m.Embed("并网")
	near, far := m.Embed("光伏 组件"), m.Embed("面包 门店")
	if strings.Contains("光伏 组件", "并网") {
		t.Fatal("the passage shares the query's word: the test proves nothing")
	}
	// Without the latent part both would be the common share exactly.
	if cn, cf := cosine(q, near), cosine(q, far); cn <= cf+0.05 {
		t.Errorf("并网 ~ 光伏 组件 %.3f, ~ 面包 门店 %.3f: co-occurrence not learnt", cn, cf)
	}
	// A word the corpus never saw relates to nothing: its cosine with any
	// text is the common share of the cone.
	for _, p := range topicCorpus {
		if c := cosine(m.Embed("量子"), m.Embed(p)); math.Abs(c-semCommon) > 1e-6 {
			t.Errorf("unknown word ~ %q = %.4f, want %.2f", p, c, semCommon)
		}
	}
	// The same text, the same vector (up to rounding), whichever model
	// instance embeds it.
	a, b := m.Embed("光伏 储能"), topicModel().Embed("光伏 储能")
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 1e-6 {
			t.Fatalf("dimension %d differs between two builds: %v vs %v", i, a[i], b[i])
		}
	}
}

func TestWithCommonLiftsCosines(t *testing.T) {
	m := Bigram(64)
	c := WithCommon(m, 0.5)
	pairs := [][2]string{{"光伏电站并网发电", "光伏组件发电储能"}, {"光伏电站", "面包门店"}}
	for _, p := range pairs {
		raw := cosine(m.Embed(p[0]), m.Embed(p[1]))
		got := cosine(c.Embed(p[0]), c.Embed(p[1]))
		if want := 0.5 + 0.5*raw; math.Abs(got-want) > 1e-5 {
			t.Errorf("%v: cosine %.4f, want 0.5+0.5·%.4f", p, got, raw)
		}
	}
}

func TestTopEigen(t *testing.T) {
	// A random positive semi-definite matrix B·Bᵀ.
	rng := rand.New(rand.NewPCG(7, 8))
	const m, k = 12, 3
	b := make([][]float64, m)
	for i := range b {
		b[i] = make([]float64, m)
		for j := range b[i] {
			b[i][j] = rng.NormFloat64()
		}
	}
	g := make([][]float64, m)
	for i := range g {
		g[i] = make([]float64, m)
		for j := range g[i] {
			for l := range m {
				g[i][j] += b[i][l] * b[j][l]
			}
		}
	}
	v := topEigen(g, k)
	var prev float64 = math.Inf(1)
	for c := range k {
		// G·v = λ·v with λ = vᵀGv, in descending order.
		gv := make([]float64, m)
		var lambda float64
		for i := range m {
			for j := range m {
				gv[i] += g[i][j] * v[j][c]
			}
			lambda += v[i][c] * gv[i]
		}
		for i := range m {
			if math.Abs(gv[i]-lambda*v[i][c]) > 1e-6*lambda {
				t.Fatalf("vector %d is not an eigenvector: (Gv)[%d] = %g, λv = %g", c, i, gv[i], lambda*v[i][c])
			}
		}
		if lambda > prev+1e-9 {
			t.Errorf("eigenvalue %d = %g above the previous %g", c, lambda, prev)
		}
		prev = lambda
	}
}
