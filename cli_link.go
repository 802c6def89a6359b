package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/export"
	"github.com/shanxi-sme/kb/ingest"
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
		return usagef("请指定草稿文件：kb link 文件 [--format md|html|docx|json]")
	case len(files) > 1:
		return usagef("一次只能关联一个文件")
	}
	file := files[0]
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "format" })
	if !given && *out != "" {
		// The output file's extension says the format (x.docx is Word).
		switch ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(*out), ".")); ext {
		case "md", "html", "docx", "json":
			*format = ext
		case "htm", "markdown":
			*format = map[string]string{"htm": "html", "markdown": "md"}[ext]
		}
	}
	switch *format {
	case "md", "html", "json":
	case "docx":
		if *out == "" {
			return usagef("docx 格式请用 --out 指定输出文件，如 --out 草稿-关联.docx")
		}
	default:
		return usagef("不支持的输出格式 %q（可用 md、html、docx、json）", *format)
	}
	raw, err := readLimited(file)
	if err != nil {
		return err
	}
	// Ctrl-C stops a long parse too; a hostile file stops at the deadline.
	pctx, cancel := context.WithTimeout(ctx, ingest.DefaultTimeout)
	text, err := ingest.PlainTextContext(pctx, filepath.Base(file), raw)
	cancel()
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
		// The draft's own title, when it starts with one; else the file's name.
		title := strings.TrimSuffix(filepath.Base(file), filepath.Ext(file))
		if len(paras) > 0 && paras[0].Heading {
			title = paras[0].Text
		}
		return export.HTML(w, title, ex)
	case "docx":
		return export.Docx(w, ex)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(ex)
}
