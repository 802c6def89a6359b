// Command genidf writes specificity/data/general_idf.txt.gz, the table of
// how common words are in general Chinese: the IDF table jieba's keyword
// extractor uses, as shipped inside gse (data/dict/zh/idf.txt, 270k words,
// MIT/Apache-2.0). Only words below the top of the specificity ramp are
// kept (about 60k): a word above it, like a word missing from the table,
// counts as fully specific, so the rest would only cost load time.
//
// Run it with `go generate ./specificity` after changing the gse version.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// keepBelow is the IDF above which a word is not kept (see Model.General).
const keepBelow = 10.5

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "genidf:", err)
		os.Exit(1)
	}
}

func run() error {
	out, err := exec.Command("go", "list", "-m", "-json", "github.com/go-ego/gse").Output()
	if err != nil {
		return fmt.Errorf("locate gse: %w", err)
	}
	var mod struct{ Dir, Version string }
	if err := json.Unmarshal(out, &mod); err != nil || mod.Dir == "" {
		return fmt.Errorf("locate gse: %v", err)
	}
	src, err := os.Open(filepath.Join(mod.Dir, "data", "dict", "zh", "idf.txt"))
	if err != nil {
		return err
	}
	defer src.Close()
	type entry struct {
		word string
		idf  float64
	}
	var kept []entry
	sc := bufio.NewScanner(src)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil || v >= keepBelow {
			continue
		}
		kept = append(kept, entry{f[0], v})
	}
	if err := sc.Err(); err != nil {
		return err
	}
	sort.Slice(kept, func(i, j int) bool { return kept[i].word < kept[j].word })
	dst, err := os.Create(filepath.Join("data", "general_idf.txt.gz"))
	if err != nil {
		return err
	}
	defer dst.Close()
	zw, _ := gzip.NewWriterLevel(dst, gzip.BestCompression)
	w := bufio.NewWriter(zw)
	fmt.Fprintf(w, "# word idf: general-language IDF from gse %s data/dict/zh/idf.txt, words with idf < %.1f\n", mod.Version, keepBelow)
	for _, e := range kept {
		fmt.Fprintf(w, "%s %.2f\n", e.word, e.idf)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return zw.Close()
}
