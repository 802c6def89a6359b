// Package api is the JSON HTTP API of the knowledge base on gin; it also
// serves the embedded web UI.
package api

import (
	"io/fs"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/shanxi-sme/kb/index"
	"github.com/shanxi-sme/kb/kbase"
	"github.com/shanxi-sme/kb/relate"
)

// Server answers HTTP requests. It starts before the index is ready (so a
// load balancer can see it starting) and serves searches once SetIndex is called.
type Server struct {
	ix         atomic.Pointer[index.Index]
	rel        atomic.Pointer[relate.Engine] // set with ix
	kb         atomic.Pointer[kbase.KB]      // nil: read-only (no ingestion)
	adminToken string
	readToken  string
	// apiMiddleware runs before every /api handler (timeouts, rate limits).
	apiMiddleware []gin.HandlerFunc
	log           *slog.Logger
	ui            fs.FS
	engine        *gin.Engine
}

// Options configures a Server.
type Options struct {
	Logger *slog.Logger
	UI     fs.FS // the static web UI (index.html, app.js, style.css); nil serves none
	// AdminToken guards the write endpoints; empty turns them off.
	AdminToken string
	// ReadToken, when set, is required (or the admin token) for reading too.
	ReadToken string
	// RateLimit is the requests per second allowed per client address on
	// /api (0: no limit), with bursts of RateBurst.
	RateLimit float64
	RateBurst int
	// RequestTimeout bounds the work of one API request (default 15 s).
	RequestTimeout time.Duration
}

// New returns a server with its routes. Call SetIndex once the index is open.
func New(opts Options) *Server {
	gin.SetMode(gin.ReleaseMode)
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	s := &Server{log: log, ui: opts.UI, engine: gin.New(), adminToken: opts.AdminToken, readToken: opts.ReadToken}
	s.engine.HandleMethodNotAllowed = true
	s.engine.Use(s.recovery(), s.requestLog(), securityHeaders())
	timeout := opts.RequestTimeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	s.apiMiddleware = []gin.HandlerFunc{requestTimeout(timeout)}
	if opts.RateLimit > 0 {
		s.apiMiddleware = append(s.apiMiddleware, s.rateLimit(newLimiter(opts.RateLimit, opts.RateBurst)))
	}
	s.routes()
	return s
}

// SetIndex makes the server ready to answer searches (read-only); rel
// answers the relatedness questions (links, similar practices) over ix.
func (s *Server) SetIndex(ix *index.Index, rel *relate.Engine) {
	s.rel.Store(rel)
	s.ix.Store(ix)
}

// SetKB makes the server ready, with ingestion and deletion of documents.
func (s *Server) SetKB(kb *kbase.KB) {
	s.kb.Store(kb)
	s.rel.Store(kb.Relate())
	s.ix.Store(kb.Index())
}

// Handler returns the http.Handler of the server.
func (s *Server) Handler() http.Handler { return s.engine }

func (s *Server) routes() {
	e := s.engine
	e.GET("/healthz", s.health)
	a := e.Group("/api", append(s.apiMiddleware, s.requireReader, s.requireIndex)...)
	a.GET("/search", s.search)
	a.GET("/facets", s.facets)
	a.GET("/themes", s.themes)
	a.GET("/passages/:id", s.passage)
	a.GET("/passages/:id/similar", s.similar)
	a.GET("/indicators", s.indicators)
	a.GET("/counties", s.counties)
	a.GET("/counties/:name", s.county)
	a.POST("/link", limitBody(maxLinkBody), s.link)
	a.GET("/documents", s.documents)
	a.POST("/documents", s.requireAdmin, limitBody(maxUploadBody), s.upload)
	a.DELETE("/documents/:id", s.requireAdmin, s.deleteDocument)
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

func (s *Server) relate() *relate.Engine { return s.rel.Load() }
