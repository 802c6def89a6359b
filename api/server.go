// Package api is the JSON HTTP API of the knowledge base on gin; it also
// serves the embedded web UI.
package api

import (
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"runtime"
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
	heavy         chan struct{} // slots of heavy requests (concurrency.go)
	handler       http.Handler  // engine behind the request-size guard
	metrics       *metrics
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
	// TrustedProxies are the addresses and CIDR ranges of reverse proxies
	// whose X-Forwarded-For / X-Real-IP headers name the client (see
	// ParseTrustedProxies). Empty: no proxy is trusted and the client is
	// always the connection's address, whatever headers it sends.
	TrustedProxies []string
	// RequestTimeout bounds the work of one API request (default 15 s).
	RequestTimeout time.Duration
	// MaxHeavy bounds the heavy requests (uploads, linking) running at once
	// (default 2 × GOMAXPROCS); more are answered 503 "overloaded".
	MaxHeavy int
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
	if err := s.engine.SetTrustedProxies(opts.TrustedProxies); err != nil {
		// The CLI validates the list first; a bad list from elsewhere
		// trusts no proxy rather than every one.
		log.Error("invalid trusted proxies; trusting none", "err", err)
		_ = s.engine.SetTrustedProxies(nil)
	}
	heavy := opts.MaxHeavy
	if heavy <= 0 {
		heavy = 2 * runtime.GOMAXPROCS(0)
	}
	s.heavy = make(chan struct{}, heavy)
	s.metrics = newMetrics(s)
	s.engine.Use(s.recovery(), s.requestLog(), s.metrics.observe(), securityHeaders(), compress())
	timeout := opts.RequestTimeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	s.apiMiddleware = []gin.HandlerFunc{noStore, requestTimeout(timeout), checkQueryEncoding}
	if opts.RateLimit > 0 && !math.IsInf(opts.RateLimit, 1) {
		s.apiMiddleware = append(s.apiMiddleware, s.rateLimit(newLimiter(opts.RateLimit, opts.RateBurst)))
	}
	s.routes()
	s.handler = s.guardRequestSize(s.engine)
	return s
}

// SetIndex makes the server ready to answer searches (read-only); rel
// answers the relatedness questions (links, similar practices) over ix.
func (s *Server) SetIndex(ix *index.Index, rel *relate.Engine) {
	s.rel.Store(rel)
	s.ix.Store(ix)
}

// SetKB makes the server ready, with ingestion and deletion of documents;
// it starts the catalog's upload worker (kb.Close stops it).
func (s *Server) SetKB(kb *kbase.KB) {
	kb.StartTasks()
	s.kb.Store(kb)
	s.rel.Store(kb.Relate())
	s.ix.Store(kb.Index())
}

// Routes lists the method and path of every route the server answers
// (the web UI's included), as gin registered them.
func (s *Server) Routes() gin.RoutesInfo { return s.engine.Routes() }

// Handler returns the http.Handler of the server.
func (s *Server) Handler() http.Handler { return s.handler }

func (s *Server) routes() {
	e := s.engine
	e.GET("/healthz", noStore, s.health)
	e.HEAD("/healthz", noStore, s.health)
	e.GET("/metrics", noStore, s.requireReader, s.metrics.handler())
	e.GET("/openapi.json", s.openapi)
	a := e.Group("/api", append(s.apiMiddleware, s.requireReader, s.requireIndex)...)
	a.GET("/search", s.search)
	a.GET("/facets", s.facets)
	a.GET("/suggest", s.suggest)
	a.GET("/themes", s.themes)
	a.GET("/passages/:id", s.passage)
	a.GET("/passages/:id/similar", s.similar)
	a.GET("/indicators", s.indicators)
	a.GET("/counties", s.counties)
	a.GET("/counties/:name", s.county)
	a.POST("/link", s.limitHeavy, limitBody(maxLinkBody), s.link)
	a.POST("/link/export", s.limitHeavy, limitBody(maxExportBody), s.linkExport)
	a.GET("/documents", s.documents)
	a.POST("/documents", s.requireAdmin, s.limitHeavy, limitBody(maxUploadBody), s.upload)
	a.DELETE("/documents/:id", s.requireAdmin, s.deleteDocument)
	a.GET("/tasks", s.tasks)
	a.GET("/tasks/:id", s.task)
	s.uiRoutes()
	e.NoRoute(func(c *gin.Context) {
		failCode(c, http.StatusNotFound, CodeNotFound, "未找到：%s", c.Request.URL.Path)
	})
	e.NoMethod(func(c *gin.Context) {
		failCode(c, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "不支持的请求方法：%s", c.Request.Method)
	})
}

// requireIndex answers 503 until the index is ready.
func (s *Server) requireIndex(c *gin.Context) {
	if s.ix.Load() == nil {
		c.Header("Retry-After", "5")
		failCode(c, http.StatusServiceUnavailable, CodeIndexNotReady, "索引尚未就绪，请稍后再试")
		return
	}
	c.Next()
}

func (s *Server) index() *index.Index { return s.ix.Load() }

func (s *Server) relate() *relate.Engine { return s.rel.Load() }
