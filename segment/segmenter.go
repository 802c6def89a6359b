// Package segment is the Chinese word segmenter of the knowledge base: gse
// with its embedded dictionary plus a domain dictionary, so that terms such
// as 专精特新, 小升规, 楼宇经济 and place names stay whole. It is exposed to
// bleve as a tokenizer and analyzers (see bleve.go).
package segment

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	_ "embed"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

//go:generate go run ./internal/gendict

//go:embed data/domain.dict
var domainDict string

// generalDict is gse's simplified-Chinese dictionary without its rarest
// entries (see internal/gendict), gzip-compressed.
//
//go:embed data/zh_s.dict.gz
var generalDict []byte

// gseVersion goes into the fingerprint: a new gse or general dictionary can split differently.
const gseVersion = "gse v0.80.3 zh_s freq>=5"

// Default frequencies for domain words. Words of three or more characters
// get a high one so they win over the splits of the general dictionary; two-
// character words only fill gaps and never override the general dictionary,
// where common words (人才, 融资) already have good frequencies.
const (
	longWordFreq  = 2000
	shortWordFreq = 300
)

// Segmenter splits Chinese text into words with byte offsets. Build it once
// per process with New (loading takes about a second) and share it: it is
// safe for concurrent use.
type Segmenter struct {
	gse         gse.Segmenter
	lattice     *latticeSegmenter // segments with gse's dictionary (lattice.go)
	fingerprint string
	words       int
}

// Options configures New.
type Options struct {
	// Words are extra domain words (ontology terms, place names, concepts).
	Words []string
	// DomainDict replaces the embedded domain dictionary ("word [freq]"
	// lines) when not empty; DomainSource names it in error messages.
	DomainDict, DomainSource string
}

// New loads the general dictionary and the domain words in one pass (one
// CalcToken over the merged dictionary, which is most of the load time).
func New(opts Options) (*Segmenter, error) {
	s := &Segmenter{}
	s.gse.SkipLog = true
	s.gse.NotLoadHMM = true // HMM is not used; its loader rewrites gse's package globals
	general, err := gunzip(generalDict)
	if err != nil {
		return nil, fmt.Errorf("general dictionary: %w", err)
	}
	dict, source := domainDict, "domain.dict"
	if opts.DomainDict != "" {
		dict, source = opts.DomainDict, opts.DomainSource
	}
	words, err := parseDict(dict)
	if err != nil {
		return nil, fmt.Errorf("%s %w", source, err)
	}
	for _, w := range opts.Words {
		if w = strings.TrimSpace(w); w != "" {
			words = append(words, dictWord{text: w})
		}
	}
	words = normaliseWords(words)
	merged := merge(general, words)
	// gse appends each entry to its token table and, on its own, grows
	// it from nothing: a fifth of the load went to copying it. Create the
	// dictionary with room for every line (what LoadDictStr would do on
	// a nil dictionary, plus the capacity).
	s.gse.Dict = gse.NewDict()
	s.gse.Init()
	s.gse.Dict.Tokens = make([]gse.Token, 0, strings.Count(merged, "\n")+1)
	if err := s.gse.LoadDictStr(merged); err != nil {
		return nil, fmt.Errorf("load dictionary: %w", err)
	}
	s.lattice = newLatticeSegmenter(s.gse.Dict)
	s.words = len(words)

	h := sha256.New()
	fmt.Fprintln(h, gseVersion)
	for _, w := range words {
		fmt.Fprintf(h, "%s %g\n", w.text, w.freq)
	}
	s.fingerprint = hex.EncodeToString(h.Sum(nil))[:16]
	return s, nil
}

// merge writes one dictionary of the general one and the domain words.
// A domain word of three or more characters (or with its own frequency)
// replaces the general entry, so 高新区 and 知识产权质押 win their splits;
// a two-character domain word only fills a gap, because the general
// dictionary's frequencies for common words (人才, 融资) are good.
func merge(general string, words []dictWord) string {
	override := map[string]bool{}
	for _, w := range words {
		if utf8.RuneCountInString(w.text) >= 3 || w.freq > 0 {
			override[strings.ToLower(w.text)] = true
		}
	}
	var b strings.Builder
	b.Grow(len(general) + 32*len(words))
	inGeneral := map[string]bool{}
	for line := range strings.Lines(general) {
		word, _, _ := strings.Cut(line, " ")
		if override[word] {
			continue
		}
		inGeneral[word] = true
		b.WriteString(line)
	}
	for _, w := range words {
		text := strings.ToLower(w.text)
		freq := w.freq
		switch {
		case freq == 0 && override[text]:
			freq = longWordFreq
		case freq == 0 && inGeneral[text]:
			continue
		case freq == 0:
			freq = shortWordFreq
		}
		fmt.Fprintf(&b, "%s %g nz\n", text, freq)
	}
	return b.String()
}

type dictWord struct {
	text string
	freq float64
}

func gunzip(b []byte) (string, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return "", err
	}
	defer zr.Close()
	var sb strings.Builder
	if len(b) >= 4 {
		// The gzip trailer holds the uncompressed size (mod 2³²): grow once.
		sb.Grow(int(binary.LittleEndian.Uint32(b[len(b)-4:])))
	}
	if _, err := io.Copy(&sb, zr); err != nil {
		return "", err
	}
	return sb.String(), nil
}

// parseDict reads "word [freq]" lines; # starts a comment.
func parseDict(src string) ([]dictWord, error) {
	var out []dictWord
	sc := bufio.NewScanner(strings.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		w := dictWord{text: f[0]}
		if len(f) > 1 {
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil || v <= 0 {
				return nil, fmt.Errorf("第 %d 行：词频 %q 应为正数", n, f[1])
			}
			w.freq = v
		}
		out = append(out, w)
	}
	return out, sc.Err()
}

// normaliseWords drops single characters and words with spaces, removes
// duplicates (the first frequency wins) and sorts, so the fingerprint only
// depends on the set of words.
func normaliseWords(in []dictWord) []dictWord {
	seen := map[string]bool{}
	var out []dictWord
	for _, w := range in {
		if utf8.RuneCountInString(w.text) < 2 || strings.ContainsFunc(w.text, unicode.IsSpace) || seen[w.text] {
			continue
		}
		seen[w.text] = true
		out = append(out, w)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].text < out[j].text })
	return out
}

// Fingerprint identifies the dictionaries; an index built with another
// fingerprint must be rebuilt.
func (s *Segmenter) Fingerprint() string { return s.fingerprint }

// DomainWords is the number of domain words loaded on top of gse's dictionary.
func (s *Segmenter) DomainWords() int { return s.words }

// GeneralDictionary returns the gzip-compressed general dictionary ("word
// freq pos" lines) the segmenter is built from; package synth draws the
// vocabulary of its scale corpus from it.
func GeneralDictionary() []byte { return generalDict }
