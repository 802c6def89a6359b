package embedding

import (
	"strings"
	"testing"
	"time"
)

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		want    Config
		enabled bool
		errLike string // substring of Validate's error; "" means valid
	}{
		{
			name:    "empty environment disables",
			env:     map[string]string{},
			want:    Config{BatchSize: 32, Timeout: 30 * time.Second},
			errLike: "KB_EMBED_URL",
		},
		{
			name: "all set",
			env: map[string]string{
				"KB_EMBED_URL": " http://127.0.0.1:11434/v1 ", "KB_EMBED_MODEL": "bge-m3",
				"KB_EMBED_KEY": "sk-1", "KB_EMBED_DIM": "1024", "KB_EMBED_BATCH": "8", "KB_EMBED_TIMEOUT": "1m",
			},
			want: Config{URL: "http://127.0.0.1:11434/v1", Model: "bge-m3", APIKey: "sk-1",
				Dimensions: 1024, BatchSize: 8, Timeout: time.Minute},
			enabled: true,
		},
		{
			name:    "unparseable numbers are reported",
			env:     map[string]string{"KB_EMBED_URL": "http://h", "KB_EMBED_MODEL": "m", "KB_EMBED_DIM": "big", "KB_EMBED_TIMEOUT": "30"},
			want:    Config{URL: "http://h", Model: "m", BatchSize: 32, Timeout: 30 * time.Second},
			enabled: true,
			errLike: "KB_EMBED_DIM",
		},
		{
			name:    "negative batch",
			env:     map[string]string{"KB_EMBED_URL": "http://h", "KB_EMBED_MODEL": "m", "KB_EMBED_BATCH": "-1"},
			want:    Config{URL: "http://h", Model: "m", BatchSize: -1, Timeout: 30 * time.Second},
			enabled: true,
			errLike: "batch size",
		},
		{
			name:    "URL without scheme",
			env:     map[string]string{"KB_EMBED_URL": "localhost:11434", "KB_EMBED_MODEL": "m"},
			want:    Config{URL: "localhost:11434", Model: "m", BatchSize: 32, Timeout: 30 * time.Second},
			enabled: true,
			errLike: "http://",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ConfigFromEnv(func(k string) string { return tt.env[k] })
			gotPlain := got
			gotPlain.envErr = nil
			if gotPlain != tt.want {
				t.Errorf("config = %+v, want %+v", gotPlain, tt.want)
			}
			if got.Enabled() != tt.enabled {
				t.Errorf("Enabled() = %v, want %v", got.Enabled(), tt.enabled)
			}
			err := got.Validate()
			switch {
			case tt.errLike == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.errLike != "" && (err == nil || !strings.Contains(err.Error(), tt.errLike)):
				t.Errorf("Validate() = %v, want an error mentioning %q", err, tt.errLike)
			}
		})
	}
}

func TestEndpoint(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"http://h:11434", "http://h:11434/v1/embeddings"},
		{"http://h:11434/", "http://h:11434/v1/embeddings"},
		{"http://h:11434/v1", "http://h:11434/v1/embeddings"},
		{"http://h:11434/v1/", "http://h:11434/v1/embeddings"},
		{"http://h:11434/v1/embeddings", "http://h:11434/v1/embeddings"},
		{"https://gw.example/xinference/v1", "https://gw.example/xinference/v1/embeddings"},
		{"ftp://h", ""},
		{"http://", ""},
		{"localhost:11434", ""},
	}
	for _, tt := range tests {
		got, err := endpoint(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("endpoint(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("endpoint(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
