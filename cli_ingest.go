package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/kbase"
)

// ingestable are the file extensions ingest picks up when walking a folder.
var ingestable = map[string]bool{".txt": true, ".md": true, ".markdown": true, ".html": true, ".htm": true, ".docx": true, ".pdf": true}

func ingestCmd(ctx context.Context, args []string, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := flag.NewFlagSet("ingest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "./data", "数据目录")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usagef("请指定要收录的文件或目录：kb ingest 文件或目录…")
	}
	files, err := collectFiles(paths)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		return errors.New("没有找到可收录的文件（支持 .txt .md .html .docx .pdf）")
	}
	kb, err := openKB(ctx, *data, quietLogger(log), embedding.ConfigFromEnv(os.Getenv))
	if err != nil {
		return err
	}
	defer kb.Close()
	bar := newProgress(stderr, len(files))
	var added, dup int
	var failures []string
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		raw, err := readLimited(f)
		if err == nil {
			_, err = kb.Ingest(ctx, filepath.Base(f), raw)
		}
		switch {
		case err == nil:
			added++
		case errors.Is(err, kbase.ErrDuplicate):
			dup++
		default:
			failures = append(failures, fmt.Sprintf("%s：%v", f, err))
		}
		bar.step(filepath.Base(f))
	}
	fmt.Fprintf(stdout, "收录 %d 个，重复跳过 %d 个，失败 %d 个\n", added, dup, len(failures))
	for _, f := range failures {
		fmt.Fprintln(stdout, "  失败：", f)
	}
	if len(failures) > 0 {
		return fmt.Errorf("%d 个文件未能收录", len(failures))
	}
	return nil
}

// collectFiles expands folders into their ingestable files, sorted.
func collectFiles(args []string) ([]string, error) {
	var out []string
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil {
			return nil, fileError(a, err)
		}
		if !info.IsDir() {
			out = append(out, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && ingestable[strings.ToLower(filepath.Ext(p))] {
				out = append(out, p)
			}
			return nil
		})
		if err != nil {
			return nil, fileError(a, err)
		}
	}
	sort.Strings(out)
	return out, nil
}

// readLimited reads a file, refusing ones over the size limit before reading them.
func readLimited(path string) ([]byte, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	if info.IsDir() {
		return nil, fmt.Errorf("%s 是目录，不是文件：请指定一个文件", path)
	}
	if info.Size() > corpus.MaxFileSize {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), corpus.ErrTooLarge)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	return raw, nil
}

// fileError explains in Chinese why a file or folder named on the command
// line cannot be read, and how to fix it.
func fileError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("找不到文件或目录 %s：请检查路径是否正确（相对路径从当前目录算起）", path)
	case errors.Is(err, fs.ErrPermission):
		return fmt.Errorf("没有权限读取 %s：请检查文件权限", path)
	}
	return fmt.Errorf("无法读取 %s：%s", path, osReason(err))
}

// quietLogger keeps info logs out of the way of a progress bar.
func quietLogger(log *slog.Logger) *slog.Logger {
	return slog.New(&levelHandler{log.Handler(), slog.LevelWarn})
}

type levelHandler struct {
	slog.Handler
	min slog.Level
}

func (h *levelHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.min && h.Handler.Enabled(ctx, l)
}
