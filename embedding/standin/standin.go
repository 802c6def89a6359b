// Package standin provides stand-in embedding models and an in-process
// server speaking the OpenAI-compatible /v1/embeddings protocol, to test and
// measure hybrid search without a real model (which lives outside the
// product). Two models bracket what a deployment may meet:
//
//   - Bigram hashes character bigrams into a few dimensions: a weak model
//     whose similarities mostly reflect shared characters and collisions.
//   - Concept maps text to the concepts of the thesaurus
//     (corpus/data/concepts.txt): a good model of the domain, for which
//     "写字楼" and "商务楼宇" mean the same.
package standin

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math"
	"net/http"
	"unicode"

	"github.com/shanxi-sme/kb/corpus"
)

// Model turns one text into a vector.
type Model struct {
	Name  string
	Dim   int
	Embed func(text string) []float32
}

// Bigram is the weak model: the counts of the text's character bigrams
// (letters and digits only), hashed into dim dimensions.
func Bigram(dim int) Model {
	return Model{Name: fmt.Sprintf("bigram-%d", dim), Dim: dim, Embed: func(text string) []float32 {
		v := make([]float32, dim)
		var prev rune
		for _, r := range text {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				prev = 0
				continue
			}
			if prev != 0 {
				h := fnv.New32a()
				_, _ = h.Write([]byte(string([]rune{prev, r})))
				v[h.Sum32()%uint32(dim)]++
			}
			prev = r
		}
		return nonZero(v)
	}}
}

// Concept is the good model: one dimension per concept of the thesaurus,
// counting the concept's preferred terms and synonyms fully and its near
// terms by half, weighted by the concept's rarity (inverse document
// frequency) among the texts of corpus, so that generic concepts
// ("中小企业") say less than specific ones ("法兰"). corpus may be empty.
func Concept(t *corpus.Thesaurus, corpusTexts []string) Model {
	index := map[*corpus.Concept]int{}
	for i, c := range t.Concepts() {
		index[c] = i
	}
	const residual = 64 // dimensions of hashed bigrams, the text's own direction
	dim := len(index) + residual
	hashed := Bigram(residual).Embed
	counts := func(text string) []float32 {
		v := make([]float32, dim)
		for _, m := range t.Find(text) {
			for _, ct := range m.Concepts {
				w := float32(1)
				if ct.Relation == corpus.RelNear {
					w = 0.5
				}
				v[index[ct.Concept]] += w
			}
		}
		return v
	}
	idf := make([]float32, len(index))
	df := make([]int, len(index))
	for _, text := range corpusTexts {
		for i, x := range counts(text)[:len(index)] {
			if x > 0 {
				df[i]++
			}
		}
	}
	n := float64(len(corpusTexts))
	for i := range idf {
		idf[i] = float32(math.Log((n + 1) / float64(df[i]+1)))
		if idf[i] <= 0 || len(corpusTexts) == 0 {
			idf[i] = 1
		}
	}
	return Model{Name: "concepts", Dim: dim, Embed: func(text string) []float32 {
		v := counts(text)
		var norm float64
		for i, x := range v {
			if x > 0 {
				v[i] = (1 + float32(math.Log(float64(x)))) * idf[i]
				norm += float64(v[i]) * float64(v[i])
			}
		}
		// A text without concepts still has a direction of its own (its
		// bigrams), never shared by every other such text; with concepts
		// the bigrams are a faint tenth of the vector.
		r := hashed(text)
		var rnorm float64
		for _, x := range r {
			rnorm += float64(x) * float64(x)
		}
		scale := float32(1)
		if norm > 0 {
			scale = float32(0.1 * math.Sqrt(norm) / math.Sqrt(rnorm))
		}
		for i, x := range r {
			v[len(index)+i] = x * scale
		}
		return v
	}}
}

// nonZero gives a text without features a tiny vector of its own
// dimension, as a real model never returns a zero vector.
func nonZero(v []float32) []float32 {
	for _, x := range v {
		if x != 0 {
			return v
		}
	}
	v[len(v)-1] = 1e-3
	return v
}

// Handler serves POST /v1/embeddings with m.
func Handler(m Model) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/embeddings" {
			http.Error(w, "no such endpoint "+r.Method+" "+r.URL.Path, http.StatusNotFound)
			return
		}
		var body struct {
			Input json.RawMessage `json:"input"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			http.Error(w, "decode request: "+err.Error(), http.StatusBadRequest)
			return
		}
		var input []string
		if err := json.Unmarshal(body.Input, &input); err != nil {
			var one string
			if err := json.Unmarshal(body.Input, &one); err != nil {
				http.Error(w, "input must be a string or a list of strings", http.StatusBadRequest)
				return
			}
			input = []string{one}
		}
		type item struct {
			Object    string    `json:"object"`
			Index     int       `json:"index"`
			Embedding []float32 `json:"embedding"`
		}
		out := struct {
			Object string `json:"object"`
			Model  string `json:"model"`
			Data   []item `json:"data"`
		}{Object: "list", Model: m.Name}
		for i, text := range input {
			out.Data = append(out.Data, item{Object: "embedding", Index: i, Embedding: m.Embed(text)})
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(out)
	})
}
