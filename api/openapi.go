package api

import (
	"bytes"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/goccy/go-yaml"
)

// openapiYAML is the OpenAPI 3 document of the HTTP API, kept by hand
// beside the handlers (openapi_test.go checks it against them).
//
//go:embed openapi.yaml
var openapiYAML []byte

// openapiJSON returns openapiYAML as compact JSON, with its ETag (the key
// order of the YAML is kept). Converted once, when first asked for: not at
// every start of the program (44 ms of the 110 ms before main; kb health
// runs as a container health check).
var openapiJSON = sync.OnceValues(func() ([]byte, string) {
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
})

// OpenAPI returns the OpenAPI 3 document of the API as JSON.
func OpenAPI() []byte {
	doc, _ := openapiJSON()
	return bytes.Clone(doc)
}

// openapi answers GET /openapi.json: public like /healthz, revalidated
// with its ETag (304 when unchanged).
func (s *Server) openapi(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	doc, etag := openapiJSON()
	h.Set("ETag", etag)
	http.ServeContent(c.Writer, c.Request, "openapi.json", time.Time{}, bytes.NewReader(doc))
}
