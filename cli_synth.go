package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/shanxi-sme/kb/atomicfile"
	"github.com/shanxi-sme/kb/synth"
)

// synthCmd writes the scale corpus as JSONL: the passages kb serve --synth
// indexes with the same seed, plus (by default) the embedded corpus, which
// the server always holds, so a reference engine can index the same text.
func synthCmd(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("synth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	n := fs.Int("passages", 0, "合成文段数（1 到 10000000）")
	out := fs.String("out", "", "输出文件（.jsonl，每行一个文段：id、county、city、themes、kind、text）")
	seed := fs.Uint64("seed", synthSeedDefault, "随机种子（与 kb serve --synth-seed 相同）")
	builtin := fs.Bool("builtin", true, "同时写出内置语料的文段（kb serve 总是收录它们）")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *n < 1 || *n > 10_000_000 {
		return usagef("--passages 的值 %d 无效：应为 1 到 10000000 之间的整数，如 --passages 100000", *n)
	}
	if *out == "" {
		return usagef("需要 --out 输出文件，如 --out corpus.jsonl")
	}
	parts, err := loadParts("") // the embedded vocabularies: the corpus is for benchmarks
	if err != nil {
		return err
	}
	g, err := synth.New(synth.Sources{Places: parts.Places, Themes: parts.Themes, Concepts: parts.Concepts})
	if err != nil {
		return err
	}
	docs := g.Documents(*seed, *n)
	if *builtin {
		docs = append(parts.Library.Documents(), docs...)
	}
	var written int
	err = atomicfile.Write(*out, func(w io.Writer) error {
		var err error
		written, err = synth.WriteJSONL(w, docs)
		return err
	})
	if err != nil {
		return fmt.Errorf("写入 %s 失败：%w", *out, err)
	}
	fmt.Fprintf(stdout, "已写出 %d 个文段到 %s\n", written, *out)
	return nil
}
