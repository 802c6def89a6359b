// Package api is the JSON HTTP API of the knowledge base on gin; it also
// serves the embedded web UI.
package api

import (
	"io/fs"
	"log/slog"
	"net/http"
	"sync/atomic"

	"github.com/gin-gonic/gin"

	"github.com/shanxi-sme/kb/index"
)

// Server answers HTTP requests. It starts before the index is ready (so a
// load balancer can see it starting) and serves searches once SetIndex is called.
type Server struct {
	ix     atomic.Pointer[index.Index]
	log    *slog.Logger
	ui     fs.FS
	engine *gin.Engine
}

// Options configures a Server.
type Options struct {
	Logger *slog.Logger
	UI     fs.FS // the static web UI (index.html, app.js, style.css); nil serves none
}

// New returns a server with its routes. Call SetIndex once the index is open.
func New(opts Options) *Server {
	gin.SetMode(gin.ReleaseMode)
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Server{log: log, ui: opts.UI, engine: gin.New()}
	s.engine.HandleMethodNotAllowed = true
	s.engine.Use(s.recovery(), s.requestLog(), securityHeaders())
	s.routes()
	return s
}

// SetIndex makes the server ready to answer searches.
func (s *Server) SetIndex(ix *index.Index) { s.ix.Store(ix) }

// Handler returns the http.Handler of the server.
func (s *Server) Handler() http.Handler { return s.engine }

func (s *Server) routes() {
	e := s.engine
	e.GET("/healthz", s.health)
	a := e.Group("/api", s.requireIndex)
	a.GET("/search", s.search)
	a.GET("/facets", s.facets)
	a.GET("/passages/:id", s.passage)
	a.GET("/passages/:id/similar", s.similar)
	a.GET("/indicators", s.indicators)
	a.GET("/counties", s.counties)
	a.GET("/counties/:name", s.county)
	s.uiRoutes()
	e.NoRoute(func(c *gin.Context) { fail(c, http.StatusNotFound, "未找到：%s", c.Request.URL.Path) })
	e.NoMethod(func(c *gin.Context) {
		fail(c, http.StatusMethodNotAllowed, "不支持的请求方法：%s", c.Request.Method)
	})
}

// requireIndex answers 503 until the index is ready.
func (s *Server) requireIndex(c *gin.Context) {
	if s.ix.Load() == nil {
		fail(c, http.StatusServiceUnavailable, "索引尚未就绪，请稍后再试")
		return
	}
	c.Next()
}

func (s *Server) index() *index.Index { return s.ix.Load() }
