package api

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"
)

// openapiYAML is the OpenAPI 3 document of the HTTP API, kept by hand
// beside the handlers (openapi_test.go checks it against them).
//
//go:embed openapi.yaml
var openapiYAML []byte

// openapiJSON is openapiYAML as compact JSON, with its ETag; converted
// once, at start-up (the key order of the YAML is kept).
var openapiJSON, openapiETag = func() ([]byte, string) {
	raw, err := yaml.YAMLToJSON(openapiYAML)
	if err != nil {
		panic("api/openapi.yaml: " + err.Error())
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		panic("api/openapi.yaml: " + err.Error())
	}
	sum := sha256.Sum256(buf.Bytes())
	return buf.Bytes(), `"` + hex.EncodeToString(sum[:8]) + `"`
}()

// OpenAPI returns the OpenAPI 3 document of the API as JSON.
func OpenAPI() []byte { return bytes.Clone(openapiJSON) }

// openapi answers GET /openapi.json: public like /healthz, revalidated
// with its ETag (304 when unchanged).
func (s *Server) openapi(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", openapiETag)
	http.ServeContent(c.Writer, c.Request, "openapi.json", time.Time{}, bytes.NewReader(openapiJSON))
}
