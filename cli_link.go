package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/export"
	"github.com/shanxi-sme/kb/relate"
)

func linkCmd(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("link", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./data", "数据目录")
	format := fs.String("format", "md", "输出格式：md、html、docx 或 json")
	out := fs.String("out", "", "输出文件（docx 必须指定；其他格式默认输出到屏幕）")
	files, err := parseInterleaved(fs, args)
	switch {
	case err != nil:
		return err
	case len(files) == 0:
		return errors.New("请指定草稿文件：kb link 文件 [--format md|html|docx|json]")
	case len(files) > 1:
		return errors.New("一次只能关联一个文件")
	}
	file := files[0]
	switch *format {
	case "md", "html", "json":
	case "docx":
		if *out == "" {
			return errors.New("docx 格式请用 --out 指定输出文件")
		}
	default:
		return fmt.Errorf("不支持的输出格式 %q（可用 md、html、docx、json）", *format)
	}
	raw, err := readLimited(file)
	if err != nil {
		return err
	}
	text, err := corpus.PlainText(filepath.Base(file), raw)
	if err != nil {
		return err
	}
	kb, err := openKB(ctx, *data, quietLogger(log), embedding.ConfigFromEnv(os.Getenv))
	if err != nil {
		return err
	}
	defer kb.Close()
	ix := kb.Index()
	paras, err := kb.Relate().Link(ctx, text)
	if err != nil {
		return err
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			return fmt.Errorf("创建输出文件：%w", err)
		}
		defer f.Close()
		w = f
	}
	cite := func(l relate.Link) string { return ix.Library().Citation(l.Passage) }
	ex := export.FromLinks(paras, cite)
	switch *format {
	case "md":
		return export.Markdown(w, ex)
	case "html":
		return export.HTML(w, strings.TrimSuffix(filepath.Base(file), filepath.Ext(file)), ex)
	case "docx":
		return export.Docx(w, ex)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(ex)
}
