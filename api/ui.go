package api

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"

	"github.com/gin-gonic/gin"
)

// uiRoutes serves the embedded web UI: index.html at / and the assets
// under /static/. Each file carries an ETag (a hash of its content) and
// Cache-Control: no-cache, so browsers keep their copy and revalidate it
// with a cheap 304 instead of downloading it again.
func (s *Server) uiRoutes() {
	if s.ui == nil {
		return
	}
	etags := map[string]string{}
	_ = fs.WalkDir(s.ui, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if b, err := fs.ReadFile(s.ui, name); err == nil {
			sum := sha256.Sum256(b)
			etags["/"+name] = `"` + hex.EncodeToString(sum[:8]) + `"`
		}
		return nil
	})
	fsys := http.FS(s.ui)
	serve := func(c *gin.Context, name string) {
		if tag, ok := etags[name]; ok {
			c.Header("ETag", tag)
			c.Header("Cache-Control", "no-cache")
		}
		c.FileFromFS(name, fsys)
	}
	s.engine.GET("/", func(c *gin.Context) { serve(c, "/") })
	s.engine.HEAD("/", func(c *gin.Context) { serve(c, "/") })
	etags["/"] = etags["/index.html"]
	static := func(c *gin.Context) { serve(c, path.Clean("/"+c.Param("file"))) }
	s.engine.GET("/static/*file", static)
	s.engine.HEAD("/static/*file", static)
}
