package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"
)

// errUsage marks a usage error (exit code 2): a wrong command, flag or
// argument. Its message, if any, says what to fix.
var errUsage = errors.New("usage")

// usageError is a usage error with a message for the user.
type usageError struct{ msg string }

func (e *usageError) Error() string        { return e.msg }
func (e *usageError) Is(target error) bool { return target == errUsage }

// usagef returns a usage error with a formatted Chinese message.
func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

// helpRequest is returned when -h or --help was given: run prints the
// usage of the flag set on stdout and exits 0.
type helpRequest struct{ fs *flag.FlagSet }

func (h *helpRequest) Error() string { return "help requested" }

// commandHelp is the synopsis and description of each subcommand, for --help.
var commandHelp = map[string][2]string{
	"serve":   {"kb serve [选项]", "启动服务：网页界面与 JSON 接口。收到 SIGTERM 或 Ctrl-C 时等进行中的请求处理完再退出。"},
	"index":   {"kb index [选项]", "建立或检查索引。"},
	"search":  {`kb search "查询词" [选项]`, "检索知识库，结果输出到屏幕。"},
	"ingest":  {"kb ingest 文件或目录… [选项]", "收录文档（.txt .md .html .docx .odt .pdf）。服务运行时数据目录被它占用，请通过网页或接口上传，或先停止服务。"},
	"backup":  {"kb backup --out 备份.tar.gz [选项]", "备份原件、解析结果与上传任务（不含可重建的索引）；服务运行时也可备份。"},
	"restore": {"kb restore 备份.tar.gz [选项]", "从备份恢复数据目录；目录中已有文档时需加 --force。下次启动时重建索引。"},
	"link":    {"kb link 草稿文件 [选项]", "为草稿逐段关联知识库中的案例，引用写成脚注。"},
	"load":    {"kb load [选项]", "对本机运行的服务做压力测试。"},
	"health":  {"kb health [选项]", "检查服务是否就绪：/healthz 返回 200 时退出码为 0，否则为 1（供 Docker HEALTHCHECK 使用）。"},
	"version": {"kb version", "显示版本、源码提交与 Go 版本。"},
}

// parseInterleaved parses flags that may stand before, between or after
// the positional arguments (kb search 楼宇经济 --json), and returns the
// positional arguments. Errors are usage errors with a Chinese message
// naming the flag; -h/--help returns a *helpRequest.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(positional, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' || strings.HasPrefix(a, "---") {
			positional = append(positional, a)
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "h" || name == "help" {
			return nil, &helpRequest{fs}
		}
		f := fs.Lookup(name)
		if f == nil {
			return nil, usagef("未知选项 --%s：kb %s 没有这个选项，用 kb %s --help 查看可用选项", name, fs.Name(), fs.Name())
		}
		if !hasValue {
			if isBoolFlag(f) {
				value = "true"
			} else if i+1 < len(args) {
				i++
				value = args[i]
			} else {
				return nil, usagef("选项 --%s 缺少取值（%s）", name, valueHint(f))
			}
		}
		if err := fs.Set(name, value); err != nil {
			return nil, usagef("选项 --%s 的值 %q 无效：%s", name, value, valueHint(f))
		}
	}
	return positional, nil
}

// parseFlags parses a command that takes no positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) error {
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usagef("kb %s 不接受位置参数 %q：选项要以 -- 开头，用 kb %s --help 查看用法", fs.Name(), rest, fs.Name())
	}
	return nil
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// valueHint describes the values a flag takes, from its type.
func valueHint(f *flag.Flag) string {
	if g, ok := f.Value.(flag.Getter); ok {
		switch g.Get().(type) {
		case bool:
			return "应为 true 或 false"
		case int, int64, uint, uint64:
			return "应为整数"
		case float64:
			return "应为数字"
		case time.Duration:
			return "应为时长，如 30s、2m"
		}
	}
	return "应为文本"
}

// printUsage prints the Chinese usage of a subcommand and its flags.
func printUsage(w io.Writer, fs *flag.FlagSet) {
	h, ok := commandHelp[fs.Name()]
	if !ok {
		h = [2]string{"kb " + fs.Name() + " [选项]", ""}
	}
	fmt.Fprintf(w, "用法：%s\n", h[0])
	if h[1] != "" {
		fmt.Fprintf(w, "%s\n", h[1])
	}
	fmt.Fprintln(w, "\n选项：")
	fs.VisitAll(func(f *flag.Flag) {
		arg := ""
		if !isBoolFlag(f) {
			arg = " 值"
		}
		def := ""
		// Token flags default to environment variables: never print them.
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" && f.DefValue != "0s" && !strings.Contains(f.Name, "token") {
			def = "（默认 " + f.DefValue + "）"
		}
		fmt.Fprintf(w, "  --%s%s\n      %s%s\n", f.Name, arg, f.Usage, def)
	})
	fmt.Fprintln(w, "  -h, --help\n      显示本说明")
}

// newLogger returns the logger of a command: text or JSON lines on w from
// the given level up.
func newLogger(w io.Writer, format string, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// parseLogLevel reads --log-level.
func parseLogLevel(s string) (slog.Level, error) {
	switch strings.ToLower(s) {
	case "debug":
		return slog.LevelDebug, nil
	case "info":
		return slog.LevelInfo, nil
	case "warn", "warning":
		return slog.LevelWarn, nil
	case "error":
		return slog.LevelError, nil
	}
	return 0, usagef("--log-level 的值 %q 无效：可用 debug、info、warn、error", s)
}
