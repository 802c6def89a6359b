// Command fakeembed serves a stand-in embedding model over the
// OpenAI-compatible /v1/embeddings API on loopback, to measure hybrid
// search with evaluate.py without a real model:
//
//	go run ./scripts/fakeembed -mode bigram -addr 127.0.0.1:18190
//	go run ./scripts/fakeembed -mode concept -addr 127.0.0.1:18191
package main

import (
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/embedding/standin"
	"github.com/shanxi-sme/kb/ingest"
)

func main() {
	mode := flag.String("mode", "bigram", "stand-in model: bigram (weak) or concept (good)")
	addr := flag.String("addr", "127.0.0.1:18190", "listen address")
	dim := flag.Int("dim", 256, "dimensions of the bigram model")
	flag.Parse()
	m, err := model(*mode, *dim)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	log.Printf("fakeembed %s (%d dims) on http://%s/v1", m.Name, m.Dim, *addr)
	log.Fatal(http.ListenAndServe(*addr, standin.Handler(m)))
}

func model(mode string, dim int) (standin.Model, error) {
	switch mode {
	case "bigram":
		return standin.Bigram(dim), nil
	case "concept":
		themes, err := corpus.DefaultOntology()
		if err != nil {
			return standin.Model{}, fmt.Errorf("load ontology: %w", err)
		}
		t, err := corpus.DefaultThesaurus(themes)
		if err != nil {
			return standin.Model{}, fmt.Errorf("load thesaurus: %w", err)
		}
		places, err := corpus.DefaultGazetteer()
		if err != nil {
			return standin.Model{}, fmt.Errorf("load gazetteer: %w", err)
		}
		docs, err := ingest.LoadSeed(&corpus.Tagger{Places: places, Themes: themes})
		if err != nil {
			return standin.Model{}, fmt.Errorf("load seed corpus: %w", err)
		}
		var texts []string
		for _, p := range corpus.NewLibrary(docs).Passages() {
			texts = append(texts, p.Text)
		}
		return standin.Concept(t, texts), nil
	}
	return standin.Model{}, fmt.Errorf("unknown mode %q (bigram or concept)", mode)
}
