// Command kb is the knowledge base of county SME development practice:
// it indexes the embedded corpus and serves search over HTTP.
//
//	kb serve  [--addr 127.0.0.1:8080] [--data ./data]
//	kb index  [--data ./data]
//	kb search "查询词" [--county …] [--city …] [--theme …] [--kind …] [--size 10] [--json] [--data ./data]
//	kb ingest FILE|DIR… [--data ./data]
//	kb link FILE [--format md|html|docx|json] [--out FILE] [--data ./data]
//	kb backup --out FILE [--data ./data]
//	kb restore FILE [--data ./data] [--force]
//	kb embed-check --embed-url URL --embed-model MODEL [--semantic-ratio R] [--data ./data]
//	kb health [--url http://127.0.0.1:8080]
//	kb version
//
// Exit codes: 0 success, 1 runtime failure, 2 usage error.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `用法：
  kb serve  [--addr 127.0.0.1:8080] [--data ./data]   启动服务（网页与 JSON 接口）
  kb index  [--data ./data]                           建立或检查索引
  kb search "查询词" [--county 县区] [--city 城市] [--theme 主题] [--kind 类型] [--size 10] [--json] [--data ./data]
  kb ingest 文件或目录… [--data ./data]              收录文档（.txt .md .html .docx .odt .pdf）
  kb link 草稿文件 [--format md|html|docx|json] [--out 输出文件] [--data ./data]
                                                      为草稿逐段关联知识库中的案例
  kb backup --out 备份.tar.gz [--data ./data]         备份原件、解析结果与上传任务（服务运行时也可备份）
  kb restore 备份.tar.gz [--data ./data] [--force]    从备份恢复；下次启动时重建索引
  kb embed-check --embed-url 地址 --embed-model 模型 [--semantic-ratio 0.45] [--data ./data]
                                                      用内置问题检查向量模型对检索是否有帮助
  kb load [--url http://127.0.0.1:8080] [--concurrency 8] [--duration 30s] [--requests 100000]
                                                      对本机运行的服务做压力测试
  kb synth --passages N --out 文件.jsonl [--seed 1]  生成规模测试用的合成语料（每行一个文段）
  kb health [--url http://127.0.0.1:8080]             检查服务是否就绪（退出码 0 表示就绪）
  kb version                                          显示版本

每个命令都可加 --help 查看其全部选项。退出码：0 成功，1 运行失败，2 用法错误。
`

// Exit codes.
const (
	exitOK      = 0
	exitFailure = 1
	exitUsage   = 2
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// After the first signal, a second one stops the process at once.
	go func() { <-ctx.Done(); stop() }()
	os.Exit(exitCode(run(ctx, os.Args[1:], os.Stdout, os.Stderr), os.Stderr))
}

// exitCode reports a runtime error (usage errors run has reported) and
// returns the exit code for err.
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errUsage):
		return exitUsage
	}
	fmt.Fprintf(stderr, "错误：%v\n", err)
	return exitFailure
}

// run dispatches a subcommand; it is main without the process around it.
// It prints help and usage errors itself; runtime errors are returned
// for the caller to report.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, stdout, stderr)
	var help *helpRequest
	var ue *usageError
	switch {
	case errors.As(err, &help):
		printUsage(stdout, help.fs)
		return nil
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "错误：%s\n", ue.msg)
	}
	return err
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	// Commands other than serve log warnings and errors only: their output
	// is the result, not a server's diary.
	log := newLogger(stderr, "text", slog.LevelWarn)
	switch args[0] {
	case "serve":
		return serveCmd(ctx, args[1:], stderr)
	case "index":
		return indexCmd(ctx, args[1:], stdout, stderr, log)
	case "search":
		return searchCmd(ctx, args[1:], stdout, stderr, log)
	case "ingest":
		return ingestCmd(ctx, args[1:], stdout, stderr, log)
	case "link":
		return linkCmd(ctx, args[1:], stdout, stderr, log)
	case "backup":
		return backupCmd(ctx, args[1:], stdout, stderr)
	case "restore":
		return restoreCmd(ctx, args[1:], stdout, stderr)
	case "embed-check":
		return embedCheckCmd(ctx, args[1:], stdout, stderr, log)
	case "load":
		return loadCmd(ctx, args[1:], stdout, stderr)
	case "synth":
		return synthCmd(args[1:], stdout, stderr)
	case "health":
		return healthCmd(ctx, args[1:], stdout, stderr)
	case "version":
		return versionCmd(args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "未知命令 %q\n%s", args[0], usage)
	return errUsage
}
