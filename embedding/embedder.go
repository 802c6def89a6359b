// Package embedding turns texts into dense vectors for semantic retrieval. It
// speaks the OpenAI-compatible embeddings API, which self-hosted servers
// (Ollama, Xinference, vLLM, text-embeddings-inference) also serve, so the
// knowledge base can run entirely on local infrastructure. Dense retrieval is
// optional: nothing here is used unless an embedding server is configured.
package embedding

import "context"

// Embedder maps texts to vectors of a fixed dimension.
type Embedder interface {
	// Embed returns one vector per text, in the order of texts. Empty input
	// returns nil without contacting the model.
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Dimensions is the length of the vectors, or 0 while it is not yet
	// known (a model whose dimension is not configured reveals it on the
	// first call).
	Dimensions() int
	// Model names the embedding model; vectors from different models are
	// not comparable, so stores and caches are keyed by it.
	Model() string
}
