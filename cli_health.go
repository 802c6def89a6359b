package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3";
// otherwise the module version of the build info is shown.
var version = ""

// versionCmd prints the version, the source commit and the Go version.
func versionCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("version", flag.ContinueOnError)
	fs.SetOutput(stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	v, goVersion, settings := version, "", map[string]string{}
	if info, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = info.Main.Version
		}
		goVersion = info.GoVersion
		for _, s := range info.Settings {
			settings[s.Key] = s.Value
		}
	}
	if v == "" || v == "(devel)" {
		v = "开发版"
	}
	fmt.Fprintf(stdout, "kb %s\n", v)
	if rev := settings["vcs.revision"]; rev != "" {
		dirty := ""
		if settings["vcs.modified"] == "true" {
			dirty = "（含未提交的修改）"
		}
		fmt.Fprintf(stdout, "提交 %s%s", rev, dirty)
		if t := settings["vcs.time"]; t != "" {
			fmt.Fprintf(stdout, "，%s", t)
		}
		fmt.Fprintln(stdout)
	} else {
		fmt.Fprintln(stdout, "提交 未知（构建时没有版本控制信息）")
	}
	if goVersion != "" {
		fmt.Fprintf(stdout, "Go %s\n", strings.TrimPrefix(goVersion, "go"))
	}
	return nil
}

// healthCmd asks a running server's /healthz whether it is ready: nil
// (exit 0) on 200, an error (exit 1) otherwise. Docker's HEALTHCHECK
// uses it, since the image has no curl.
func healthCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("health", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("url", "http://127.0.0.1:8080", "服务地址")
	timeout := fs.Duration("timeout", 5*time.Second, "最长等待时间")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *timeout <= 0 {
		return usagef("--timeout 的值 %v 无效：应大于 0，如 --timeout 5s", *timeout)
	}
	target := strings.TrimSuffix(*base, "/")
	if !strings.HasSuffix(target, "/healthz") {
		target += "/healthz"
	}
	if !strings.HasPrefix(target, "http://") && !strings.HasPrefix(target, "https://") {
		return usagef("--url 的值 %q 无效：应以 http:// 或 https:// 开头，如 --url http://127.0.0.1:8080", *base)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return usagef("--url 的值 %q 无效：应写成 http://主机:端口", *base)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("%s 在 %v 内没有应答：服务可能卡住了", target, *timeout)
		}
		return fmt.Errorf("无法连接 %s：服务没有运行，或地址有误（可用 --url 指定）", target)
	}
	defer resp.Body.Close()
	var body struct {
		Status    string `json:"status"`
		Passages  uint64 `json:"passages"`
		Documents int    `json:"documents"`
		Retrieval string `json:"retrieval"`
	}
	_ = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&body)
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("服务未就绪：%s 返回 %d（%s）", target, resp.StatusCode, body.Status)
	}
	fmt.Fprintf(stdout, "就绪：%d 个文档，%d 个文段，检索方式 %s\n", body.Documents, body.Passages, body.Retrieval)
	return nil
}
