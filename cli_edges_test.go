package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestExitCodes(t *testing.T) {
	var stderr bytes.Buffer
	if c := exitCode(nil, &stderr); c != 0 {
		t.Errorf("success: exit %d", c)
	}
	if c := exitCode(usagef("x"), &stderr); c != 2 {
		t.Errorf("usage error: exit %d", c)
	}
	if c := exitCode(errUsage, &stderr); c != 2 {
		t.Errorf("bare usage error: exit %d", c)
	}
	if c := exitCode(errors.New("断了"), &stderr); c != 1 || !strings.Contains(stderr.String(), "错误：断了") {
		t.Errorf("runtime error: exit %d, stderr %q", c, stderr.String())
	}
}

// Every subcommand answers -h and --help with its Chinese usage on stdout
// and success, without loading anything.
func TestRunSubcommandHelp(t *testing.T) {
	for _, cmd := range []string{"serve", "index", "search", "ingest", "link", "load", "health", "version"} {
		for _, h := range []string{"-h", "--help"} {
			var stdout, stderr bytes.Buffer
			if err := run(context.Background(), []string{cmd, h}, &stdout, &stderr); err != nil {
				t.Errorf("kb %s %s: %v", cmd, h, err)
				continue
			}
			out := stdout.String()
			if !strings.Contains(out, "用法：kb "+cmd) || !strings.Contains(out, "--help") {
				t.Errorf("kb %s %s printed: %s", cmd, h, out)
			}
		}
	}
	var stdout, stderr bytes.Buffer
	run(context.Background(), []string{"serve", "--help"}, &stdout, &stderr)
	for _, flag := range []string{"--trusted-proxies", "--rate-limit", "--log-format", "--log-level", "--shutdown-timeout"} {
		if !strings.Contains(stdout.String(), flag) {
			t.Errorf("serve --help does not list %s", flag)
		}
	}
	// Tokens default to environment variables; help must not show them.
	t.Setenv("KB_ADMIN_TOKEN", "s3cret-token")
	stdout.Reset()
	run(context.Background(), []string{"serve", "--help"}, &stdout, &stderr)
	if strings.Contains(stdout.String(), "s3cret-token") {
		t.Error("serve --help prints the admin token")
	}
}

// Bad serve flags are usage errors (exit 2) that name the flag and the
// fix, found before anything is loaded or listened on.
func TestServeFlagValidation(t *testing.T) {
	data := t.TempDir()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--rate-limit", "NaN"}, "--rate-limit"},
		{[]string{"--rate-limit", "Inf"}, "--rate-limit"},
		{[]string{"--rate-limit", "-1"}, "--rate-limit"},
		{[]string{"--rate-limit", "1e-10"}, "--rate-limit"},
		{[]string{"--rate-limit", "1e12"}, "--rate-limit"},
		{[]string{"--rate-limit", "abc"}, "--rate-limit"},
		{[]string{"--rate-limit", "5", "--rate-burst", "0"}, "--rate-burst"},
		{[]string{"--rate-limit", "5", "--rate-burst", "-3"}, "--rate-burst"},
		{[]string{"--rate-burst", "3"}, "--rate-limit"},
		{[]string{"--trusted-proxies", "10.0.0.1,proxy.local"}, "--trusted-proxies"},
		{[]string{"--trusted-proxies", "10.0.0.0/99"}, "--trusted-proxies"},
		{[]string{"--shutdown-timeout", "0s"}, "--shutdown-timeout"},
		{[]string{"--shutdown-timeout", "1h"}, "--shutdown-timeout"},
		{[]string{"--log-format", "xml"}, "--log-format"},
		{[]string{"--log-level", "loud"}, "--log-level"},
		{[]string{"--addr", "8080"}, "--addr"},
		{[]string{"--addr", "127.0.0.1:99999"}, "--addr"},
		{[]string{"--addr"}, "--addr"},
		{[]string{"--nope"}, "--nope"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"serve", "--data", data}, tc.args...)
			err := run(context.Background(), args, &stdout, &stderr)
			if !errors.Is(err, errUsage) {
				t.Fatalf("error %v, want a usage error", err)
			}
			msg := stderr.String()
			if !strings.Contains(msg, tc.want) || !strings.HasPrefix(msg, "错误：") {
				t.Errorf("message does not name %s: %q", tc.want, msg)
			}
			if strings.Contains(msg, "invalid") || strings.Contains(msg, "flag provided") {
				t.Errorf("raw Go text in %q", msg)
			}
			noIndex(t, data)
		})
	}
}

func TestServePortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"serve", "--addr", ln.Addr().String(), "--data", t.TempDir()}, &stdout, &stderr)
	if err == nil || errors.Is(err, errUsage) {
		t.Fatalf("serve on a taken port: %v", err)
	}
	if want := "端口 " + port + " 已被占用，可用 --addr 指定其他端口"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q, want %q", err, want)
	}
	if c := exitCode(err, io.Discard); c != 1 {
		t.Errorf("exit %d", c)
	}
}

func TestDataDirAndMissingFileErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "f")
	os.WriteFile(file, nil, 0o644)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"search", "楼宇", "--data", file}, "不是目录"},
		{[]string{"index", "--data", filepath.Join(file, "sub")}, "无法创建数据目录"},
		{[]string{"ingest", "--data", t.TempDir(), filepath.Join(t.TempDir(), "nope.docx")}, "找不到文件或目录"},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), tc.args, &stdout, &stderr)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %s", tc.args, err, tc.want)
		}
		if c := exitCode(err, io.Discard); c != 1 {
			t.Errorf("%q: exit %d, want 1", tc.args, c)
		}
	}
}

func TestHealthCommand(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		w.Write([]byte(`{"status":"ok","passages":84,"documents":1,"retrieval":"lexical"}`))
	}))
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"health", "--url", srv.URL}, &stdout, &stderr); err != nil {
		t.Fatalf("healthy server: %v", err)
	}
	if !strings.Contains(stdout.String(), "就绪") {
		t.Errorf("stdout %q", stdout.String())
	}
	status = http.StatusServiceUnavailable
	err := run(context.Background(), []string{"health", "--url", srv.URL + "/"}, &stdout, &stderr)
	if err == nil || exitCode(err, io.Discard) != 1 || !strings.Contains(err.Error(), "503") {
		t.Errorf("starting server: %v", err)
	}
	srv.Close()
	err = run(context.Background(), []string{"health", "--url", srv.URL, "--timeout", "2s"}, &stdout, &stderr)
	if err == nil || exitCode(err, io.Discard) != 1 || !strings.Contains(err.Error(), "无法连接") {
		t.Errorf("no server: %v", err)
	}
	if err := run(context.Background(), []string{"health", "--url", "ftp://x"}, &stdout, &stderr); !errors.Is(err, errUsage) {
		t.Errorf("bad --url: %v", err)
	}
}

func TestVersionCommand(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"version"}, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	if out := stdout.String(); !strings.HasPrefix(out, "kb ") || !strings.Contains(out, "提交") || !strings.Contains(out, "Go ") {
		t.Errorf("version printed %q", out)
	}
	if err := run(context.Background(), []string{"version", "extra"}, &stdout, &stderr); !errors.Is(err, errUsage) {
		t.Errorf("version with an argument: %v", err)
	}
}

// On a signal the server stops accepting work but finishes the requests
// in flight within the grace period, and reports a clean stop.
func TestShutdownWaitsForRequestsInFlight(t *testing.T) {
	for _, tc := range []struct {
		name    string
		grace   time.Duration
		wantErr bool
	}{
		{"within grace", 10 * time.Second, false},
		{"grace exceeded", 100 * time.Millisecond, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			started := make(chan struct{})
			httpSrv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				close(started)
				time.Sleep(time.Second)
				w.Write([]byte("done"))
			})}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			serveErr := make(chan error, 1)
			go func() { serveErr <- httpSrv.Serve(ln) }()
			ctx, cancel := context.WithCancel(context.Background())
			stopped := make(chan error, 1)
			go func() {
				stopped <- serveUntilDone(ctx, httpSrv, serveErr, tc.grace, slog.New(slog.NewTextHandler(io.Discard, nil)))
			}()
			answer := make(chan string, 1)
			go func() {
				resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
				if err != nil {
					answer <- "error: " + err.Error()
					return
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				answer <- string(b)
			}()
			<-started
			cancel() // the signal
			err = <-stopped
			got := <-answer
			if tc.wantErr {
				if !errors.Is(err, errShutdownTimeout) || exitCode(err, io.Discard) != 1 {
					t.Errorf("grace exceeded: %v", err)
				}
				return
			}
			if err != nil || got != "done" {
				t.Errorf("shutdown returned %v; the request in flight got %q", err, got)
			}
		})
	}
}

func TestParseInterleaved(t *testing.T) {
	newFS := func() (*flag.FlagSet, *int, *bool) {
		fs := flag.NewFlagSet("search", flag.ContinueOnError)
		return fs, fs.Int("size", 10, ""), fs.Bool("json", false, "")
	}
	fs, size, asJSON := newFS()
	pos, err := parseInterleaved(fs, []string{"楼宇", "-json", "--size=3", "经济", "--", "--size"})
	if err != nil || *size != 3 || !*asJSON || strings.Join(pos, "|") != "楼宇|经济|--size" {
		t.Errorf("pos %q size %d json %v err %v", pos, *size, *asJSON, err)
	}
	fs, size, _ = newFS()
	if _, err := parseInterleaved(fs, []string{"--size", "-1"}); err != nil || *size != -1 {
		t.Errorf("negative value: size %d err %v", *size, err)
	}
	for _, args := range [][]string{{"--nope"}, {"--size"}, {"--size", "x"}, {"--json=maybe"}} {
		fs, _, _ := newFS()
		if _, err := parseInterleaved(fs, args); !errors.Is(err, errUsage) {
			t.Errorf("%q: %v, want a usage error", args, err)
		}
	}
	fs, _, _ = newFS()
	var help *helpRequest
	if _, err := parseInterleaved(fs, []string{"x", "-h"}); !errors.As(err, &help) {
		t.Errorf("-h: %v", err)
	}
}

func TestLogFormatAndLevel(t *testing.T) {
	var buf bytes.Buffer
	level, err := parseLogLevel("WARN")
	if err != nil {
		t.Fatal(err)
	}
	log := newLogger(&buf, "json", level)
	log.Info("hidden")
	log.Warn("shown", "k", 1)
	if out := buf.String(); strings.Contains(out, "hidden") || !json.Valid([]byte(out)) || !strings.Contains(out, `"msg":"shown"`) {
		t.Errorf("json logger at warn wrote %q", out)
	}
	if _, err := parseLogLevel("verbose"); !errors.Is(err, errUsage) {
		t.Errorf("bad level: %v", err)
	}
}
