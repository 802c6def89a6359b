package embedding

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// embedResponse is the body of a successful POST /v1/embeddings.
type embedResponse struct {
	Data []struct {
		// Index is a pointer so that a missing index is told apart
		// from index 0.
		Index *int `json:"index"`
		// Embedding is decoded as float64 so that values beyond the
		// float32 range are caught as infinities below rather than
		// surfacing as an obscure decoding error.
		Embedding []float64 `json:"embedding"`
	} `json:"data"`
	// Error is set by some servers that report failures with status 200.
	Error json.RawMessage `json:"error"`
}

// decode parses and checks the reply to a batch of n texts, returning the
// vectors in the order of the texts.
func (o *OpenAI) decode(data []byte, n int) ([][]float32, error) {
	var r embedResponse
	if err := json.Unmarshal(data, &r); err != nil {
		var syn *json.SyntaxError
		if errors.As(err, &syn) && (bytes.Contains(data, []byte("NaN")) || bytes.Contains(data, []byte("Infinity"))) {
			// Python servers serialise NaN as a bare token, which
			// is not JSON; say so rather than just "invalid".
			return nil, fmt.Errorf("%w: %w: the server sent NaN or Infinity, which JSON cannot carry",
				ErrMalformedResponse, ErrNonFinite)
		}
		return nil, fmt.Errorf("%w: %v (body starts %q)", ErrMalformedResponse, err, preview(data, bodyPreview))
	}
	if len(r.Error) > 0 && !bytes.Equal(r.Error, []byte("null")) {
		return nil, fmt.Errorf("%w: the server reported an error: %s", ErrMalformedResponse, preview(r.Error, bodyPreview))
	}
	if len(r.Data) != n {
		return nil, fmt.Errorf("%w: got %d for %d texts", ErrCount, len(r.Data), n)
	}
	// Servers may answer out of order (batched GPU inference), so each
	// vector goes where its index says, never where it stands.
	out := make([][]float32, n)
	for pos, d := range r.Data {
		if d.Index == nil {
			return nil, fmt.Errorf("%w: item %d has no index", ErrMalformedResponse, pos)
		}
		i := *d.Index
		if i < 0 || i >= n {
			return nil, fmt.Errorf("%w: index %d out of range for %d texts", ErrMalformedResponse, i, n)
		}
		if out[i] != nil {
			return nil, fmt.Errorf("%w: index %d appears twice", ErrMalformedResponse, i)
		}
		v, err := o.vector(d.Embedding)
		if err != nil {
			return nil, fmt.Errorf("embedding of text %d: %w", i, err)
		}
		out[i] = v
	}
	return out, nil
}

// vector converts one embedding and checks its length and values.
func (o *OpenAI) vector(raw []float64) ([]float32, error) {
	if len(raw) == 0 {
		return nil, fmt.Errorf("%w: empty vector", ErrDimension)
	}
	want := o.cfg.Dimensions
	if want == 0 {
		// The first vector ever received fixes the dimension, so that
		// every vector of this model can share one store.
		o.observedDim.CompareAndSwap(0, int64(len(raw)))
		want = int(o.observedDim.Load())
	}
	if len(raw) != want {
		return nil, fmt.Errorf("%w: got %d, want %d", ErrDimension, len(raw), want)
	}
	v := make([]float32, len(raw))
	for j, x := range raw {
		f := float32(x)
		if math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
			return nil, fmt.Errorf("%w: component %d is %g, beyond float32", ErrNonFinite, j, x)
		}
		v[j] = f
	}
	return v, nil
}
