package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"time"

	"github.com/shanxi-sme/kb/api"
	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/webui"
)

func serveCmd(ctx context.Context, args []string, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "监听地址")
	data := fs.String("data", "./data", "数据目录（存放索引）")
	synthN := fs.Int("synth", 0, "基准测试用：另加约 N 个合成文段（由内置语料的句子重组，不写入文档库）")
	readToken := fs.String("read-token", os.Getenv("KB_READ_TOKEN"), "访问令牌（或环境变量 KB_READ_TOKEN）；设置后检索接口也需要令牌")
	rateLimit := fs.Float64("rate-limit", 0, "每个客户端每秒最多请求数（0 表示不限）")
	rateBurst := fs.Int("rate-burst", 0, "限流时允许的突发请求数（默认与每秒请求数相同）")
	adminToken := fs.String("admin-token", os.Getenv("KB_ADMIN_TOKEN"), "管理令牌（或环境变量 KB_ADMIN_TOKEN）；设置后才能上传、删除文档")
	emb := embedFlags(fs)
	fusion := fusionFlags(fs)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("serve 不接受位置参数：%v", fs.Args())
	}
	if err := fusion.err(); err != nil {
		return err
	}
	if os.Getenv("GOGC") == "" {
		// The heap is mostly the dictionary and the index's caches, which
		// live for the whole run: collecting at 1.5× (not 2×) the live heap
		// keeps a busy server on the embedded corpus under 150 MB resident
		// for about 15% of throughput (BENCHMARKS.md). GOGC overrides it.
		debug.SetGCPercent(50)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	srv := api.New(api.Options{Logger: log, UI: webui.FS(), AdminToken: *adminToken, ReadToken: *readToken,
		RateLimit: *rateLimit, RateBurst: *rateBurst})
	httpSrv := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(ln) }()
	log.Info("listening", "addr", "http://"+ln.Addr().String())

	// The listener is up before the index: /healthz says 503 until it is ready.
	if emb.URL != "" || emb.Model != "" {
		if err := emb.Validate(); err != nil {
			return fmt.Errorf("向量检索设置有误：%w", err)
		}
	}
	kb, err := openKB(ctx, *data, log, *emb, *synthN) // the API key comes only from KB_EMBED_KEY, never a flag
	if err != nil {
		_ = httpSrv.Close()
		return err
	}
	defer kb.Close()
	if err := kb.Index().SetFusion(fusion.Fusion); err != nil {
		return fmt.Errorf("apply fusion settings: %w", err)
	}
	srv.SetKB(kb)
	if *adminToken == "" {
		log.Info("no admin token: uploads and deletions are off")
	}

	select {
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
		return nil
	case <-ctx.Done():
	}
	log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	return httpSrv.Shutdown(shutdownCtx)
}

// embedFlags registers the embedding service flags (defaults from the
// KB_EMBED_* environment) shared by serve and embed-check.
func embedFlags(fs *flag.FlagSet) *embedding.Config {
	emb := embedding.ConfigFromEnv(os.Getenv)
	fs.StringVar(&emb.URL, "embed-url", emb.URL, "向量模型服务地址（OpenAI 兼容 /v1/embeddings，可用环境变量 KB_EMBED_URL）；不设则只用关键词检索")
	fs.StringVar(&emb.Model, "embed-model", emb.Model, "向量模型名称（KB_EMBED_MODEL），如 bge-m3")
	fs.IntVar(&emb.Dimensions, "embed-dim", emb.Dimensions, "向量维数（KB_EMBED_DIM），0 表示按服务返回")
	fs.IntVar(&emb.BatchSize, "embed-batch", emb.BatchSize, "每批向量化的文段数（KB_EMBED_BATCH）")
	fs.DurationVar(&emb.Timeout, "embed-timeout", emb.Timeout, "单次向量请求超时（KB_EMBED_TIMEOUT）")
	return &emb
}
