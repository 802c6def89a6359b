// Package specificity judges how telling a word is: whether sharing it
// says that two texts are about the same thing (法兰, 楼宇, 承诺制) or
// nothing at all (企业, 公司, 发展, 合作).
//
// A knowledge base of a few hundred passages cannot tell this by itself:
// in 84 passages 有限公司 or 山西 look as rare as 紫砂. So a word's weight
// combines two views:
//   - General: how unusual the word is in general Chinese, from an IDF
//     table computed over a large general corpus (jieba's, shipped with
//     gse). Words missing from the table (小升规, 专精特新, most
//     concept names) are rare in general text by definition.
//   - Local: how it is spread over the knowledge base. A word in a large
//     share of the passages (中小企业 in a report on SMEs) selects
//     nothing there, however rare it is elsewhere.
//
// Everything that judges relatedness (linking, similar practices, weak
// search matches, indicator questions) asks this one model.
package specificity

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:generate go run ./internal/genidf

//go:embed data/general_idf.txt.gz
var generalIDF []byte

// Ramp of general-language IDF: at or below Low a word is generic (合作
// 5.5, 山西 6.3: weight 0), at or above High it is fully specific (楼宇
// 10.4, 紫砂 10.2: weight 1). Between, the weight rises linearly.
const (
	DefaultLow  = 6.0
	DefaultHigh = 10.0
)

// localMinDocs: below this many passages, how a word is spread over
// them means little, and Local leaves every word at 1.
const localMinDocs = 20

// Model is the general-language side of term specificity; it is
// read-only and safe for concurrent use.
type Model struct {
	idf       map[string]float32
	low, high float64
}

// Default returns the model of the table embedded in the binary.
func Default() (*Model, error) {
	zr, err := gzip.NewReader(bytes.NewReader(generalIDF))
	if err != nil {
		return nil, fmt.Errorf("general idf table: %w", err)
	}
	defer zr.Close()
	return Parse(zr, "general_idf.txt")
}

// Parse reads a table of "word idf" lines (# starts a comment), as a
// deployment may supply to replace the embedded one; name is used in
// error messages, which give the line.
func Parse(r io.Reader, name string) (*Model, error) {
	m := &Model{idf: make(map[string]float32, 64<<10), low: DefaultLow, high: DefaultHigh}
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		f := strings.Fields(s)
		if len(f) != 2 {
			return nil, fmt.Errorf("%s 第 %d 行：应为“词 IDF值”两列", name, line)
		}
		v, err := strconv.ParseFloat(f[1], 32)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			return nil, fmt.Errorf("%s 第 %d 行：IDF 值 %q 不是非负数", name, line, f[1])
		}
		m.idf[strings.ToLower(f[0])] = float32(v)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(m.idf) == 0 {
		return nil, fmt.Errorf("%s：没有任何词条", name)
	}
	return m, nil
}

// General returns how unusual term is in general Chinese, in [0, 1].
// Numbers and single characters say nothing (0); a word the table lacks
// is fully specific (1), except Latin-letter words, which the table
// barely covers and which are often generic (app, pc): 0.5.
func (m *Model) General(term string) float64 {
	term = strings.ToLower(term)
	if utf8.RuneCountInString(term) < 2 || !hasLetter(term) {
		return 0
	}
	v, ok := m.idf[term]
	if !ok {
		if isLatin(term) {
			return 0.5
		}
		return 1
	}
	return clamp((float64(v) - m.low) / (m.high - m.low))
}

// IDF returns the general-language IDF of term and whether the table has it.
func (m *Model) IDF(term string) (float64, bool) {
	v, ok := m.idf[strings.ToLower(term)]
	return float64(v), ok
}

// Local returns how much a word that df of n passages contain still
// selects in this knowledge base, in (0, 1]: its inverse document
// frequency over the knowledge base, scaled so that a word of one passage
// weighs 1. A word of every passage keeps about 0.15 at 100 passages and
// 0.06 at 100,000: the general-language view then decides.
func Local(df, n uint64) float64 {
	if n < localMinDocs || df <= 1 {
		return 1
	}
	return clamp(math.Log(1+float64(n)/float64(df)) / math.Log(1+float64(n)))
}

// POSFactor says how much a word of a part of speech (gse's tags) tells
// what a text is about: nouns, domain terms and verbal nouns fully; plain
// verbs (摸清, 搭建, 撬动: rare in general text, common in any report)
// half; other words little.
func POSFactor(pos string) float64 {
	switch {
	case pos == "vn" || pos == "an" || pos == "eng" || pos == "x" || pos == "":
		return 1
	case len(pos) > 0 && pos[0] == 'n':
		return 1
	case pos == "v":
		return 0.5
	}
	return 0.3
}

// Weight combines both views: how much sharing term is evidence that two
// texts are about the same thing.
func (m *Model) Weight(term string, df, n uint64) float64 {
	return m.General(term) * Local(df, n)
}

func clamp(x float64) float64 { return math.Max(0, math.Min(1, x)) }

func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

func isLatin(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}
