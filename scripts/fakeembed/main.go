// Command fakeembed serves a stand-in embedding model over the
// OpenAI-compatible /v1/embeddings API on loopback, to measure hybrid
// search with evaluate.py without a real model:
//
//	go run ./scripts/fakeembed -mode bigram -addr 127.0.0.1:18190
//	go run ./scripts/fakeembed -mode concept -addr 127.0.0.1:18191
//	go run ./scripts/fakeembed -mode semantic -addr 127.0.0.1:18192
//	go run ./scripts/fakeembed -mode bigram -common 0.5 -addr 127.0.0.1:18193
//
// bigram is weak, concept knows only the project's own thesaurus, and
// semantic adds what the keyword side does not have: word meanings learnt
// from co-occurrence in the embedded corpus (see standin.Semantic).
// -common lifts every similarity onto a real model's scale, so that a weak
// model is not silenced by the absolute floor alone.
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/shanxi-sme/kb/embedding/standin"
	"github.com/shanxi-sme/kb/kbase"
)

func main() {
	mode := flag.String("mode", "bigram", "stand-in model: bigram (weak), concept or semantic (good)")
	addr := flag.String("addr", "127.0.0.1:18190", "listen address")
	dim := flag.Int("dim", 256, "dimensions of the bigram model")
	common := flag.Float64("common", 0, "cosine every pair of texts shares (0–1), as in real models' narrow cone; see standin.WithCommon")
	flag.Parse()
	m, err := model(*mode, *dim)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if *common > 0 {
		m = standin.WithCommon(m, *common)
	}
	log.Printf("fakeembed %s (%d dims) on http://%s/v1", m.Name, m.Dim, *addr)
	log.Fatal(http.ListenAndServe(*addr, standin.Handler(m)))
}

func model(mode string, dim int) (standin.Model, error) {
	if mode == "bigram" {
		return standin.Bigram(dim), nil
	}
	p, err := kbase.Load()
	if err != nil {
		return standin.Model{}, fmt.Errorf("load vocabularies and seed corpus: %w", err)
	}
	switch mode {
	case "concept":
		return standin.ConceptOf(p), nil
	case "semantic":
		return standin.SemanticOf(p), nil
	}
	return standin.Model{}, fmt.Errorf("unknown mode %q (bigram, concept or semantic)", mode)
}
