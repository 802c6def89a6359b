package embedding

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Defaults applied when the environment leaves a setting empty.
const (
	DefaultBatchSize = 32
	DefaultTimeout   = 30 * time.Second
)

// Config says how to reach an embedding server.
type Config struct {
	URL        string        // base URL of the server, with or without a trailing /v1
	Model      string        // model name as the server knows it
	APIKey     string        // sent as a bearer token when set
	Dimensions int           // requested vector length; 0 keeps the model's native length
	BatchSize  int           // texts per request; 0 means DefaultBatchSize
	Timeout    time.Duration // per-request timeout; 0 means DefaultTimeout

	// envErr keeps what ConfigFromEnv could not parse, so that Validate
	// reports it instead of a bad value silently becoming a default.
	envErr error
}

// ConfigFromEnv reads the configuration from KB_EMBED_URL, KB_EMBED_MODEL,
// KB_EMBED_KEY, KB_EMBED_DIM, KB_EMBED_BATCH (default 32) and
// KB_EMBED_TIMEOUT (a Go duration such as "45s", default 30s). getenv is
// usually os.Getenv; it is a parameter so that tests need not touch the
// process environment. Unparseable numbers are reported by Validate.
func ConfigFromEnv(getenv func(string) string) Config {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	c := Config{
		URL:       get("KB_EMBED_URL"),
		Model:     get("KB_EMBED_MODEL"),
		APIKey:    get("KB_EMBED_KEY"),
		BatchSize: DefaultBatchSize,
		Timeout:   DefaultTimeout,
	}
	var errs []error
	if s := get("KB_EMBED_DIM"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("KB_EMBED_DIM %q is not an integer", s))
		} else {
			c.Dimensions = n
		}
	}
	if s := get("KB_EMBED_BATCH"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("KB_EMBED_BATCH %q is not an integer", s))
		} else {
			c.BatchSize = n
		}
	}
	if s := get("KB_EMBED_TIMEOUT"); s != "" {
		d, err := time.ParseDuration(s)
		if err != nil {
			errs = append(errs, fmt.Errorf("KB_EMBED_TIMEOUT %q is not a duration such as 30s", s))
		} else {
			c.Timeout = d
		}
	}
	c.envErr = errors.Join(errs...)
	return c
}

// Enabled reports whether dense retrieval is configured at all: both a
// server and a model are needed.
func (c Config) Enabled() bool {
	return c.URL != "" && c.Model != ""
}

// Validate reports every problem of the configuration at once, so that an
// operator fixes them in one round.
func (c Config) Validate() error {
	var errs []error
	if c.envErr != nil {
		errs = append(errs, c.envErr)
	}
	if c.URL == "" {
		errs = append(errs, errors.New("embedding URL (KB_EMBED_URL) is not set"))
	} else if _, err := endpoint(c.URL); err != nil {
		errs = append(errs, err)
	}
	if c.Model == "" {
		errs = append(errs, errors.New("embedding model (KB_EMBED_MODEL) is not set"))
	}
	if c.Dimensions < 0 {
		errs = append(errs, fmt.Errorf("embedding dimensions %d must not be negative", c.Dimensions))
	}
	if c.BatchSize < 0 {
		errs = append(errs, fmt.Errorf("embedding batch size %d must not be negative", c.BatchSize))
	}
	if c.Timeout < 0 {
		errs = append(errs, fmt.Errorf("embedding timeout %s must not be negative", c.Timeout))
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("invalid embedding configuration: %w", err)
	}
	return nil
}

// withDefaults fills the zero values that mean "use the default", so that a
// Config literal in code behaves like one read from an empty environment.
func (c Config) withDefaults() Config {
	if c.BatchSize == 0 {
		c.BatchSize = DefaultBatchSize
	}
	if c.Timeout == 0 {
		c.Timeout = DefaultTimeout
	}
	return c
}

// endpoint turns the configured base URL into the embeddings endpoint.
// Servers document their base URL either as http://host:port or as
// http://host:port/v1, and some users paste the full endpoint, so all three
// are accepted.
func endpoint(base string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil {
		return "", fmt.Errorf("embedding URL %q: %w", base, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return "", fmt.Errorf("embedding URL %q must start with http:// or https://", base)
	}
	if u.Host == "" {
		return "", fmt.Errorf("embedding URL %q has no host", base)
	}
	p := strings.TrimRight(u.Path, "/")
	p = strings.TrimSuffix(p, "/embeddings")
	p = strings.TrimSuffix(p, "/v1")
	u.Path = p + "/v1/embeddings"
	u.RawPath = ""
	u.Fragment = ""
	return u.String(), nil
}
