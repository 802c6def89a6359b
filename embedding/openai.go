package embedding

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"
)

// maxResponseBytes caps how much of a reply is read: a batch of 32 vectors
// of 4096 dimensions is about 3 MiB of JSON, so 64 MiB leaves ample room
// while a misbehaving server cannot exhaust memory.
const maxResponseBytes = 64 << 20

// defaultRetryWait is the pause before the single retry when the server
// gives no Retry-After; long enough for a restarting server or a rate
// limiter window, short enough not to stall indexing.
const defaultRetryWait = time.Second

// OpenAI is an Embedder for the OpenAI-compatible POST /v1/embeddings API.
// It is safe for concurrent use.
type OpenAI struct {
	cfg      Config
	endpoint string
	client   *http.Client

	// observedDim is the dimension of the first vector received when
	// none is configured; every later vector must match it.
	observedDim atomic.Int64

	// retryWait is the pause before a retry; tests shorten it.
	retryWait time.Duration
}

var _ Embedder = (*OpenAI)(nil)

// NewOpenAI returns a client for the embedding server of c. A nil client
// uses a fresh http.Client; timeouts come from c.Timeout per request, so the
// client needs none of its own. Zero BatchSize and Timeout take the
// defaults.
func NewOpenAI(c Config, client *http.Client) (*OpenAI, error) {
	c = c.withDefaults()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	ep, err := endpoint(c.URL)
	if err != nil {
		return nil, err
	}
	if client == nil {
		client = &http.Client{}
	}
	return &OpenAI{cfg: c, endpoint: ep, client: client, retryWait: defaultRetryWait}, nil
}

// Model returns the configured model name.
func (o *OpenAI) Model() string { return o.cfg.Model }

// Dimensions returns the configured dimension, or when none is configured
// the one the server revealed on the first successful call (0 before it).
func (o *OpenAI) Dimensions() int {
	if o.cfg.Dimensions > 0 {
		return o.cfg.Dimensions
	}
	return int(o.observedDim.Load())
}

// Embed embeds texts in batches of Config.BatchSize, one request at a time
// so that a local server is not overwhelmed while it also serves queries.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	out := make([][]float32, 0, len(texts))
	for i, start := 0, 0; start < len(texts); i, start = i+1, start+o.cfg.BatchSize {
		end := min(start+o.cfg.BatchSize, len(texts))
		vecs, err := o.embedBatch(ctx, texts[start:end])
		if err != nil {
			return nil, fmt.Errorf("embed batch %d (texts %d-%d of %d) with %s: %w",
				i, start, end-1, len(texts), o.cfg.Model, err)
		}
		out = append(out, vecs...)
	}
	return out, nil
}
