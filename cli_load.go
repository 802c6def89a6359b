package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/shanxi-sme/kb/loadgen"
)

// loadCmd drives a running server on this machine with the default query mix.
func loadCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	c := loadgen.Config{Queries: loadgen.DefaultMix()}
	fs.StringVar(&c.BaseURL, "url", "http://127.0.0.1:8080", "服务地址（只允许本机回环地址）")
	fs.IntVar(&c.Concurrency, "concurrency", 8, "并发客户端数")
	fs.DurationVar(&c.Duration, "duration", 30*time.Second, "最长运行时间")
	fs.IntVar(&c.MaxRequests, "requests", 100000, "最多请求数")
	queries := fs.String("queries", "", "查询文件（每行一个查询词，轮流发送）；不设则用内置的查询组合")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *queries != "" {
		raw, err := os.ReadFile(*queries)
		if err != nil {
			return fmt.Errorf("无法读取查询文件 %s：%s", *queries, osReason(err))
		}
		c.Queries = nil
		for _, line := range strings.Split(string(raw), "\n") {
			if q := strings.TrimSpace(line); q != "" {
				c.Queries = append(c.Queries, loadgen.Query{Q: q})
			}
		}
		if len(c.Queries) == 0 {
			return usagef("查询文件 %s 中没有查询词", *queries)
		}
	}
	rep, err := loadgen.Run(ctx, c)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "并发 %d：%s\n", c.Concurrency, rep)
	return nil
}
