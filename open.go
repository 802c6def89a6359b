package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/embedding"
	"github.com/shanxi-sme/kb/kbase"
	"github.com/shanxi-sme/kb/synth"
)

// loaded holds the dictionaries of this process: the segmenter is bound
// to bleve's process-wide registry and cannot be loaded twice.
var loaded struct {
	sync.Mutex
	done  bool
	dir   string // the vocabulary folder they came from ("" for none)
	parts *kbase.Parts
	err   error
}

// loadParts loads the dictionaries with the vocabulary files of the data
// folder's vocab folder (kbase.VocabDir; none for ""), once per process.
func loadParts(dataDir string) (*kbase.Parts, error) { return loadPartsAlongside(dataDir, nil) }

// loadPartsAlongside is loadParts that runs alongside (when not nil) with
// the vocabularies while the dictionaries load (kbase.LoadVocabAlongside),
// or after, when they were loaded before.
func loadPartsAlongside(dataDir string, alongside func(*kbase.Parts)) (*kbase.Parts, error) {
	dir := ""
	if dataDir != "" {
		dir = filepath.Join(dataDir, kbase.VocabDir)
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			dir = ""
		}
	}
	loaded.Lock()
	defer loaded.Unlock()
	if !loaded.done {
		loaded.done, loaded.dir = true, dir
		loaded.parts, loaded.err = kbase.LoadVocabAlongside(dir, alongside)
		return loaded.parts, loaded.err
	}
	if loaded.err == nil && loaded.dir != dir {
		return nil, fmt.Errorf("本进程已按词表目录 %q 加载了词典，不能再按 %q 加载；请分别运行", loaded.dir, dir)
	}
	if loaded.err == nil && alongside != nil {
		alongside(loaded.parts)
	}
	return loaded.parts, loaded.err
}

// openKB loads the knowledge base with its stored documents under dataDir.
func openKB(ctx context.Context, dataDir string, log *slog.Logger, emb embedding.Config, synthPassages ...int) (*kbase.KB, error) {
	return openKBSeed(ctx, dataDir, log, emb, synthSeedDefault, synthPassages...)
}

// synthSeedDefault is the seed of --synth unless --synth-seed says otherwise.
const synthSeedDefault = 1

// openKBSeed is openKB with the seed of the synthetic corpus.
func openKBSeed(ctx context.Context, dataDir string, log *slog.Logger, emb embedding.Config, seed uint64, synthPassages ...int) (*kbase.KB, error) {
	start := time.Now()
	if err := checkDataDir(dataDir); err != nil {
		return nil, err
	}
	// The stored documents and a synthetic corpus need only the
	// vocabularies: they are loaded and generated while the dictionaries
	// load, so that a start takes the longer of the two, not their sum.
	var (
		extra     []*corpus.Document
		stored    *kbase.Stored
		aloneErr  error
		alongside = func(p *kbase.Parts) {
			if len(synthPassages) > 0 && synthPassages[0] > 0 {
				g, err := synth.New(synth.Sources{Places: p.Places, Themes: p.Themes, Concepts: p.Concepts})
				if err != nil {
					aloneErr = err
					return
				}
				extra = g.Documents(seed, synthPassages[0])
				log.Info("synthetic corpus generated", "documents", len(extra), "ms", time.Since(start).Milliseconds())
			}
			stored, aloneErr = p.OpenStored(ctx, dataDir, log)
			if aloneErr == nil {
				log.Info("stored documents loaded", "ms", time.Since(start).Milliseconds())
			}
		}
	)
	parts, err := loadPartsAlongside(dataDir, alongside)
	if aloneErr != nil {
		return nil, aloneErr
	}
	if err != nil {
		if stored != nil {
			_ = stored.Close()
		}
		return nil, err
	}
	log.Info("dictionaries loaded", "domain_words", parts.Segmenter.DomainWords(), "ms", time.Since(start).Milliseconds())
	kb, err := parts.OpenIndexOver(ctx, stored, emb, extra...)
	if err != nil {
		return nil, err
	}
	log.Info("knowledge base ready", "documents", len(kb.Index().Library().Documents()),
		"retrieval", kb.Index().Retrieval(), "ms", time.Since(start).Milliseconds())
	return kb, nil
}

// checkDataDir makes sure the data folder exists and is writable, and
// otherwise says in Chinese what is wrong and how to fix it.
func checkDataDir(dir string) error {
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return fmt.Errorf("数据目录 %s 是一个文件，不是目录：请用 --data 指定一个目录", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("无法创建数据目录 %s（%s）：请用 --data 指定可写的目录，或修改上级目录的权限", dir, osReason(err))
	}
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return fmt.Errorf("数据目录 %s 不可写（%s）：请用 --data 指定可写的目录，或修改目录权限", dir, osReason(err))
	}
	name := f.Name()
	f.Close()
	return os.Remove(name)
}

// osReason names the cause of a file system error in Chinese.
func osReason(err error) string {
	switch {
	case errors.Is(err, fs.ErrPermission):
		return "没有权限"
	case errors.Is(err, fs.ErrNotExist):
		return "路径不存在"
	case errors.Is(err, syscall.EROFS):
		return "文件系统只读"
	case errors.Is(err, syscall.ENOSPC):
		return "磁盘空间不足"
	case errors.Is(err, syscall.ENOTDIR):
		return "路径中有一段是文件而不是目录"
	}
	return "系统错误"
}
