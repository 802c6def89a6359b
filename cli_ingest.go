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

	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/ingest"
	"github.com/shanxi-sme/kb/kbase"
)

// ingestable are the file extensions ingest picks up when walking a folder.
// The old Word formats and OpenDocument are picked up too, so that the
// summary says how to convert them instead of passing over them.
var ingestable = map[string]bool{".txt": true, ".md": true, ".markdown": true, ".html": true, ".htm": true, ".docx": true, ".pdf": true,
	".doc": true, ".wps": true, ".odt": true}

// skipped counts the files of a folder that ingest passes over, by extension.
type skipped map[string]int

// String lists them: ".xlsx 2 个、.jpg 1 个、无扩展名 1 个", most frequent first.
func (s skipped) String() string {
	exts := make([]string, 0, len(s))
	for e := range s {
		exts = append(exts, e)
	}
	sort.Slice(exts, func(i, j int) bool {
		if s[exts[i]] != s[exts[j]] {
			return s[exts[i]] > s[exts[j]]
		}
		return exts[i] < exts[j]
	})
	parts := make([]string, len(exts))
	for i, e := range exts {
		parts[i] = fmt.Sprintf("%s %d 个", e, s[e])
	}
	return strings.Join(parts, "、")
}

func (s skipped) total() int {
	n := 0
	for _, c := range s {
		n += c
	}
	return n
}

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
	files, skip, err := collectFiles(paths)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		if skip.total() > 0 {
			return fmt.Errorf("没有找到可收录的文件（支持 .txt .md .html .docx .odt .pdf）；跳过 %d 个：%s", skip.total(), skip)
		}
		return errors.New("没有找到可收录的文件（支持 .txt .md .html .docx .odt .pdf）")
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
	fmt.Fprintf(stdout, "收录 %d 个，重复跳过 %d 个，格式不支持跳过 %d 个，失败 %d 个\n", added, dup, skip.total(), len(failures))
	if skip.total() > 0 {
		fmt.Fprintf(stdout, "  跳过：%s（支持 .txt .md .html .docx .odt .pdf）\n", skip)
	}
	for _, f := range failures {
		fmt.Fprintln(stdout, "  失败：", f)
	}
	if len(failures) > 0 {
		return fmt.Errorf("%d 个文件未能收录", len(failures))
	}
	return nil
}

// collectFiles expands folders into their ingestable files, sorted, and
// counts the files it passes over by extension. Files named on the command
// line are always tried, whatever their extension, so that their failure is
// explained; hidden files and Word's lock files (~$报告.docx) in a folder
// are passed over as 隐藏或临时文件.
func collectFiles(args []string) ([]string, skipped, error) {
	var out []string
	skip := skipped{}
	for _, a := range args {
		info, err := os.Stat(a)
		if err != nil {
			return nil, nil, fileError(a, err)
		}
		if !info.IsDir() {
			out = append(out, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			name := d.Name()
			if d.IsDir() {
				if p != a && strings.HasPrefix(name, ".") {
					return filepath.SkipDir
				}
				return nil
			}
			ext := strings.ToLower(filepath.Ext(name))
			switch {
			case strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$"):
				skip["隐藏或临时文件"]++
			case ingestable[ext]:
				out = append(out, p)
			case ext == "":
				skip["无扩展名"]++
			default:
				skip[ext]++
			}
			return nil
		})
		if err != nil {
			return nil, nil, fileError(a, err)
		}
	}
	sort.Strings(out)
	return out, skip, nil
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
	if info.Size() > ingest.MaxFileSize {
		return nil, fmt.Errorf("%s: %w", filepath.Base(path), ingest.ErrTooLarge)
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
