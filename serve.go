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
	"runtime/metrics"
	"strconv"
	"syscall"
	"time"

	"github.com/shanxi-sme/kb/api"
	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/webui"
)

// Bounds of --shutdown-timeout.
const maxShutdownGrace = 10 * time.Minute

func serveCmd(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "监听地址（主机:端口；0.0.0.0:8080 接受所有网卡的连接）")
	data := fs.String("data", "./data", "数据目录（存放索引）")
	synthN := fs.Int("synth", 0, "基准测试用：另加 N 个合成文段（按真实报告的词频生成，不写入文档库；与 kb synth 相同）")
	synthSeed := fs.Uint64("synth-seed", synthSeedDefault, "合成文段的随机种子（与 kb synth --seed 相同时两者文段完全一致）")
	readToken := fs.String("read-token", os.Getenv("KB_READ_TOKEN"), "访问令牌（或环境变量 KB_READ_TOKEN）；设置后检索接口也需要令牌")
	rateLimit := fs.Float64("rate-limit", 0, "每个客户端每秒最多请求数（0 表示不限；0.001 到 1000000）")
	rateBurst := fs.Int("rate-burst", 0, "限流时允许的突发请求数（1 到 1000000；默认与每秒请求数相同）")
	proxies := fs.String("trusted-proxies", "", "可信的反向代理（逗号分隔的 IP 或 CIDR，如 10.0.0.1,192.168.0.0/16）；只有来自它们的 X-Forwarded-For、X-Real-IP 才用来识别客户端")
	grace := fs.Duration("shutdown-timeout", 30*time.Second, "停止时等待进行中请求的最长时间")
	logFormat := fs.String("log-format", "text", "日志格式：text 或 json")
	logLevel := fs.String("log-level", "info", "日志级别：debug、info、warn 或 error")
	adminToken := fs.String("admin-token", os.Getenv("KB_ADMIN_TOKEN"), "管理令牌（或环境变量 KB_ADMIN_TOKEN）；设置后才能上传、删除文档")
	emb := embedFlags(fs)
	fusion := fusionFlags(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if err := api.CheckRateLimit(*rateLimit, *rateBurst); errors.Is(err, api.ErrRateLimit) {
		return usagef("--rate-limit 的值 %v 无效：应为 0（不限流）或 %v 到 %v 之间的数字，如 --rate-limit 5", *rateLimit, api.MinRateLimit, api.MaxRateLimit)
	}
	if err := fusion.err(); err != nil {
		return usagef("%v", err)
	}
	if set["rate-burst"] {
		switch {
		case *rateBurst < 1 || *rateBurst > api.MaxRateBurst:
			return usagef("--rate-burst 的值 %d 无效：应为 1 到 %d 之间的整数（不设则与每秒请求数相同）", *rateBurst, api.MaxRateBurst)
		case *rateLimit == 0:
			return usagef("--rate-burst 需要与 --rate-limit 一起使用，如 --rate-limit 5 --rate-burst 10")
		}
	}
	trusted, err := api.ParseTrustedProxies(*proxies)
	var pe *api.ProxyError
	if errors.As(err, &pe) {
		return usagef("--trusted-proxies 中的 %q 不是 IP 地址或 CIDR 网段：应写成逗号分隔的列表，如 --trusted-proxies 10.0.0.1,192.168.0.0/16", pe.Entry)
	}
	if *grace <= 0 || *grace > maxShutdownGrace {
		return usagef("--shutdown-timeout 的值 %v 无效：应在 1s 到 %v 之间，如 --shutdown-timeout 30s", *grace, maxShutdownGrace)
	}
	if *logFormat != "text" && *logFormat != "json" {
		return usagef("--log-format 的值 %q 无效：可用 text 或 json", *logFormat)
	}
	level, err := parseLogLevel(*logLevel)
	if err != nil {
		return err
	}
	if err := checkListenAddr(*addr); err != nil {
		return err
	}
	if emb.URL != "" || emb.Model != "" {
		if err := emb.Validate(); err != nil {
			return usagef("向量检索设置有误：%v", err)
		}
	}
	log := newLogger(stderr, *logFormat, level)
	if err := checkDataDir(*data); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return listenError(*addr, err)
	}
	srv := api.New(api.Options{Logger: log, UI: webui.FS(), AdminToken: *adminToken, ReadToken: *readToken,
		RateLimit: *rateLimit, RateBurst: *rateBurst, TrustedProxies: trusted})
	httpSrv := srv.HTTPServer()
	serveErr := make(chan error, 1)
	go func() { serveErr <- httpSrv.Serve(ln) }()
	log.Info("listening", "addr", "http://"+ln.Addr().String())

	// The listener is up before the index: /healthz says 503 until it is ready.
	kb, err := openKBSeed(ctx, *data, log, *emb, *synthSeed, *synthN) // the API key comes only from KB_EMBED_KEY, never a flag
	if err != nil {
		_ = httpSrv.Close()
		return err
	}
	defer kb.Close()
	if os.Getenv("GOGC") == "" {
		// The heap is mostly the dictionary and the index's caches, which
		// live for the whole run: collecting at 1.5× (not 2×) the live heap
		// keeps a busy server on the embedded corpus under 150 MB resident
		// for about 15% of throughput (BENCHMARKS.md). GOGC overrides it.
		// Only from here: building an index allocates at a high rate, and
		// at 50 it spent most of its time collecting (668 against 2,120
		// passages/s at 10⁵ passages).
		debug.SetGCPercent(50)
	}
	if err := kb.Index().SetFusion(fusion.Fusion); err != nil {
		return fmt.Errorf("apply fusion settings: %w", err)
	}
	// Building or opening the index leaves much garbage (the analysis of
	// every passage on a fresh build): return it to the system rather than
	// keep it resident for the life of the server.
	if heap := heapInUse(); heap >= collectBeforeReady {
		// A large heap is collected before the first request: its
		// marking takes a quarter of the CPU for seconds (2 s at 10⁶
		// passages), and requests in the meantime took up to 1 s. The
		// start is long anyway (11 s or more).
		started := time.Now()
		debug.FreeOSMemory()
		log.Info("garbage of the start collected", "heap_mb", heap>>20, "ms", time.Since(started).Milliseconds())
	} else {
		// A small one in the background: a start of 10⁵ passages took
		// 0.3–0.4 s longer waiting for it.
		go debug.FreeOSMemory()
	}
	srv.SetKB(kb)
	if *adminToken == "" {
		log.Info("no admin token: uploads and deletions are off")
	}
	return serveUntilDone(ctx, httpSrv, serveErr, *grace, log)
}

// collectBeforeReady is the heap, in bytes, from which serve collects
// the garbage of the start before it answers (see serveCmd).
const collectBeforeReady = 512 << 20

// heapInUse returns the bytes of the heap's objects, garbage included.
func heapInUse() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// errShutdownTimeout: requests were still running when the grace period ended.
var errShutdownTimeout = errors.New("停止超时")

// serveUntilDone waits until the server fails or ctx ends (a signal); then
// it stops accepting connections and waits up to grace for the requests
// in flight, which get their answers. It returns nil after a clean stop.
func serveUntilDone(ctx context.Context, httpSrv *http.Server, serveErr <-chan error, grace time.Duration, log *slog.Logger) error {
	select {
	case err := <-serveErr:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("服务意外停止：%w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down: waiting for requests in flight", "grace", grace.String())
	shutdownCtx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := httpSrv.Shutdown(shutdownCtx); err != nil {
		_ = httpSrv.Close()
		return fmt.Errorf("%w：等待 %v 后仍有请求未完成，已强制断开（可用 --shutdown-timeout 延长等待时间）", errShutdownTimeout, grace)
	}
	log.Info("stopped")
	return nil
}

// checkListenAddr refuses an --addr that is not host:port.
func checkListenAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("监听地址 %q 无效：应写成 主机:端口，如 --addr 127.0.0.1:8080 或 --addr 0.0.0.0:8080", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return usagef("监听地址 %q 的端口无效：应为 0 到 65535 之间的数字，如 --addr 127.0.0.1:8080", addr)
	}
	return nil
}

// listenError explains in Chinese why the server cannot listen on addr.
func listenError(addr string, err error) error {
	host, port, _ := net.SplitHostPort(addr)
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, syscall.EADDRINUSE):
		return fmt.Errorf("端口 %s 已被占用，可用 --addr 指定其他端口（如 --addr %s）", port, net.JoinHostPort(host, "8081"))
	case errors.Is(err, syscall.EACCES):
		return fmt.Errorf("没有权限监听端口 %s（1024 以下的端口需要管理员权限），可用 --addr 指定 1024 以上的端口", port)
	case errors.Is(err, syscall.EADDRNOTAVAIL):
		return fmt.Errorf("本机没有地址 %s，可用 --addr 127.0.0.1:%s（只接受本机连接）或 --addr 0.0.0.0:%s（接受所有网卡的连接）", host, port, port)
	case errors.As(err, &dnsErr):
		return fmt.Errorf("无法解析监听地址中的主机名 %s：请改用 IP 地址，如 --addr 127.0.0.1:%s", host, port)
	}
	return fmt.Errorf("无法监听 %s：请检查 --addr", addr)
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
