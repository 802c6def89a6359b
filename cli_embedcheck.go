package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"github.com/shanxi-sme/kb/embedcheck"
)

// embedCheckCmd runs the built-in questions with the vectors off and on
// and says whether the configured embedding model helps search.
func embedCheckCmd(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("embed-check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./data", "数据目录（存放索引和向量缓存）")
	emb := embedFlags(fs)
	fusion := fusionFlags(fs)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("embed-check 不接受位置参数：%v", fs.Args())
	}
	if err := fusion.err(); err != nil {
		return err
	}
	if !emb.Enabled() {
		return errors.New("请用 --embed-url 和 --embed-model（或 KB_EMBED_URL、KB_EMBED_MODEL）指定向量模型服务")
	}
	if err := emb.Validate(); err != nil {
		return fmt.Errorf("向量检索设置有误：%w", err)
	}
	kb, err := openKB(ctx, *data, log, *emb)
	if err != nil {
		return err
	}
	defer kb.Close()
	ix := kb.Index()
	if ix.Retrieval() != "hybrid" {
		return errors.New("向量模型服务不可用，无法检查（详见上面的日志）")
	}
	if err := ix.SetFusion(fusion.Fusion); err != nil {
		return fmt.Errorf("apply fusion settings: %w", err)
	}
	report, err := embedcheck.Run(ctx, ix)
	if err != nil {
		return fmt.Errorf("embed-check: %w", err)
	}
	fmt.Fprintf(stdout, "模型 %s，内置问题 %d 个\n%s", emb.Model, report.Questions, report)
	return nil
}
