package standin

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/shanxi-sme/kb/corpus"
)

// SemanticConfig is what the Semantic model learns from.
type SemanticConfig struct {
	// Words segments a text into words (the segmenter's coarse words and
	// their sub-words).
	Words func(text string) []string
	// General is a word's specificity in general language in [0, 1] (a
	// real model has read far more text than the corpus); nil counts
	// every word fully.
	General func(word string) float64
	// Thesaurus adds the Concept model's knowledge; nil leaves it out.
	Thesaurus *corpus.Thesaurus
	// Corpus holds the texts whose co-occurrences the model learns.
	Corpus []string
	// Dims is the rank of the latent space (32 when 0).
	Dims int
}

// Shape of the Semantic model's vectors.
const (
	// semCommon is the cosine every pair of texts shares (see Embed).
	semCommon = 0.3
	// semLatent is the share of a known feature's vector that is its
	// meaning learnt from co-occurrence; the rest is its own identity.
	semLatent  = 0.6
	semHashDim = 2048
)

// Semantic is a good model with knowledge the keyword search lacks: it
// embeds each word, and each thesaurus concept a text mentions, by the
// passages it occurs in across the corpus (latent semantic analysis of the
// feature-by-passage matrix), so that words used in the same kind of
// passages land near each other whether or not the thesaurus links them
// (a query may then meet a passage that shares none of its words). A text's vector is the weighted
// sum of its features' vectors: rarer features (in the corpus and, by the
// general-language specificity, in language at large) weigh more, as a
// real model attends to the telling words. A feature the corpus never saw
// keeps only its own identity, so a query about something else
// ("红烧肉的家常做法") stays far from every passage however generic its
// other words. The model learns only from the corpus texts it is given
// (the passages, never queries or judgements), as a real model learns
// from its training text.
func Semantic(cfg SemanticConfig) Model {
	k := cfg.Dims
	if k <= 0 {
		k = 32
	}
	general := cfg.General
	if general == nil {
		general = func(string) float64 { return 1 }
	}
	features := func(text string) map[string]float64 {
		tf := map[string]float64{}
		for _, w := range cfg.Words(text) {
			tf[w]++
		}
		if cfg.Thesaurus != nil {
			for _, m := range cfg.Thesaurus.Find(text) {
				for _, ct := range m.Concepts {
					w := 1.0
					if ct.Relation == corpus.RelNear {
						w = 0.5
					}
					tf["\x00"+ct.Concept.Preferred] += w
				}
			}
		}
		return tf
	}
	var contexts []map[string]float64
	df := map[string]int{}
	for _, text := range cfg.Corpus {
		f := features(text)
		contexts = append(contexts, f)
		for w := range f {
			df[w]++
		}
	}
	n := float64(max(1, len(cfg.Corpus)))
	weight := func(w string) float64 {
		// Rarer features in the corpus and in general language say more.
		idf := math.Log((n + 1) / float64(df[w]+1))
		if df[w] == 0 {
			idf = math.Log(n + 1)
		}
		g := 1.0
		if !strings.HasPrefix(w, "\x00") {
			g = general(w)
		}
		return max(0.05, idf) * (0.2 + 0.8*g)
	}
	vecs := latentFeatures(contexts, weight, k)
	dim := 1 + k + semHashDim
	return Model{Name: "semantic-lsa", Dim: dim, Embed: func(text string) []float32 {
		content := make([]float64, k+semHashDim)
		for w, c := range features(text) {
			x := (1 + math.Log(max(1, c))) * weight(w)
			own := x
			if v, ok := vecs[w]; ok {
				for i, y := range v {
					content[i] += x * math.Sqrt(semLatent) * y
				}
				own *= math.Sqrt(1 - semLatent)
			}
			h := fnv.New32a()
			_, _ = h.Write([]byte(w))
			content[k+int(h.Sum32()%semHashDim)] += own
		}
		// Real models put every text in one narrow cone: unrelated texts
		// still have a cosine of 0.3 or so. The common dimension does the
		// same (cosine = semCommon + (1-semCommon)·cosine of the content),
		// so that the fusion's absolute floor meets similarities on the
		// scale it was made for.
		out := make([]float32, dim)
		out[0] = float32(math.Sqrt(semCommon))
		put(out[1:], content, 1-semCommon)
		return out
	}}
}

// put writes v normalised to length sqrt(share) into dst (nothing for a
// zero v, whose part then adds nothing to any cosine).
func put(dst []float32, v []float64, share float64) {
	var norm float64
	for _, x := range v {
		norm += x * x
	}
	if norm == 0 {
		return
	}
	s := math.Sqrt(share / norm)
	for i, x := range v {
		dst[i] = float32(x * s)
	}
}

// latentFeatures returns unit feature vectors of rank k from the
// feature-by-context matrix A (log tf times weight): the rows of A·V, V the
// top k eigenvectors of AᵀA found by subspace iteration.
func latentFeatures(contexts []map[string]float64, weight func(string) float64, k int) map[string][]float64 {
	type cell struct {
		ctx int
		x   float64
	}
	rows := map[string][]cell{}
	for j, tf := range contexts {
		for w, c := range tf {
			rows[w] = append(rows[w], cell{j, (1 + math.Log(max(1, c))) * weight(w)})
		}
	}
	m := len(contexts)
	k = min(k, m)
	if k == 0 {
		return nil
	}
	// G = AᵀA, contexts by contexts.
	g := make([][]float64, m)
	for i := range g {
		g[i] = make([]float64, m)
	}
	for _, r := range rows {
		for _, a := range r {
			for _, b := range r {
				g[a.ctx][b.ctx] += a.x * b.x
			}
		}
	}
	v := topEigen(g, k)
	out := make(map[string][]float64, len(rows))
	for w, r := range rows {
		vec := make([]float64, k)
		for _, c := range r {
			for i := range k {
				vec[i] += c.x * v[c.ctx][i]
			}
		}
		var norm float64
		for _, x := range vec {
			norm += x * x
		}
		if norm == 0 {
			continue
		}
		norm = math.Sqrt(norm)
		for i := range vec {
			vec[i] /= norm
		}
		out[w] = vec
	}
	return out
}

// topEigen returns the k leading eigenvectors of the symmetric positive
// semi-definite g as the columns of an m×k matrix: subspace iteration with
// a fixed seed (the model must embed the same text the same way every
// run), then Rayleigh–Ritz rotation by Jacobi on the small projected matrix.
func topEigen(g [][]float64, k int) [][]float64 {
	m := len(g)
	p := min(m, k+16)
	rng := rand.New(rand.NewPCG(1, 2))
	q := make([][]float64, m)
	for i := range q {
		q[i] = make([]float64, p)
		for j := range q[i] {
			q[i][j] = rng.NormFloat64()
		}
	}
	orthonormalise(q)
	mul := func(q [][]float64) [][]float64 {
		out := make([][]float64, m)
		for i := range out {
			out[i] = make([]float64, p)
			for l, gil := range g[i] {
				if gil == 0 {
					continue
				}
				for j, x := range q[l] {
					out[i][j] += gil * x
				}
			}
		}
		return out
	}
	for range 30 {
		q = mul(q)
		orthonormalise(q)
	}
	// Rayleigh–Ritz: T = QᵀGQ, T = W Λ Wᵀ, eigenvectors QW.
	gq := mul(q)
	t := make([][]float64, p)
	for a := range t {
		t[a] = make([]float64, p)
		for b := range t[a] {
			for i := range m {
				t[a][b] += q[i][a] * gq[i][b]
			}
		}
	}
	vals, w := jacobi(t)
	order := make([]int, p)
	for i := range order {
		order[i] = i
	}
	for i := range order { // selection sort by eigenvalue, descending
		for j := i + 1; j < p; j++ {
			if vals[order[j]] > vals[order[i]] {
				order[i], order[j] = order[j], order[i]
			}
		}
	}
	out := make([][]float64, m)
	for i := range out {
		out[i] = make([]float64, k)
		for c := range k {
			for a := range p {
				out[i][c] += q[i][a] * w[a][order[c]]
			}
		}
	}
	return out
}

// orthonormalise makes the columns of q orthonormal (modified Gram–Schmidt);
// a column that vanishes is left zero.
func orthonormalise(q [][]float64) {
	if len(q) == 0 {
		return
	}
	p := len(q[0])
	for j := range p {
		for l := range j {
			var d float64
			for i := range q {
				d += q[i][j] * q[i][l]
			}
			for i := range q {
				q[i][j] -= d * q[i][l]
			}
		}
		var norm float64
		for i := range q {
			norm += q[i][j] * q[i][j]
		}
		if norm < 1e-24 {
			for i := range q {
				q[i][j] = 0
			}
			continue
		}
		norm = math.Sqrt(norm)
		for i := range q {
			q[i][j] /= norm
		}
	}
}

// jacobi diagonalises the symmetric matrix a (destroyed): its eigenvalues
// and the eigenvectors as the columns of w.
func jacobi(a [][]float64) ([]float64, [][]float64) {
	n := len(a)
	w := make([][]float64, n)
	for i := range w {
		w[i] = make([]float64, n)
		w[i][i] = 1
	}
	for range 100 {
		var off float64
		for i := range n {
			for j := i + 1; j < n; j++ {
				off += a[i][j] * a[i][j]
			}
		}
		if off < 1e-22 {
			break
		}
		for p := range n {
			for q := p + 1; q < n; q++ {
				if math.Abs(a[p][q]) < 1e-300 {
					continue
				}
				theta := (a[q][q] - a[p][p]) / (2 * a[p][q])
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				s := t * c
				for k := range n {
					akp, akq := a[k][p], a[k][q]
					a[k][p], a[k][q] = c*akp-s*akq, s*akp+c*akq
				}
				for k := range n {
					apk, aqk := a[p][k], a[q][k]
					a[p][k], a[q][k] = c*apk-s*aqk, s*apk+c*aqk
				}
				for k := range n {
					wkp, wkq := w[k][p], w[k][q]
					w[k][p], w[k][q] = c*wkp-s*wkq, s*wkp+c*wkq
				}
			}
		}
	}
	vals := make([]float64, n)
	for i := range vals {
		vals[i] = a[i][i]
	}
	return vals, w
}

// WithCommon puts m's vectors in a narrow cone, as real models are: every
// cosine becomes share + (1-share)·cosine, so a weak model's noise lands
// on the scale of a real model's similarities (above the fusion's absolute
// floor) instead of below it, where the floor alone would silence it.
func WithCommon(m Model, share float64) Model {
	inner := m.Embed
	return Model{Name: fmt.Sprintf("%s-common%.2f", m.Name, share), Dim: m.Dim + 1, Embed: func(text string) []float32 {
		v := inner(text)
		out := make([]float32, len(v)+1)
		out[0] = float32(math.Sqrt(share))
		content := make([]float64, len(v))
		for i, x := range v {
			content[i] = float64(x)
		}
		put(out[1:], content, 1-share)
		return out
	}}
}
