// Package segment is the Chinese word segmenter of the knowledge base: gse
// with its embedded dictionary plus a domain dictionary, so that terms such
// as 专精特新, 小升规, 楼宇经济 and place names stay whole. It is exposed to
// bleve as a tokenizer and analyzers (see bleve.go).
package segment

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

//go:embed data/domain.dict
var domainDict string

// gseVersion goes into the fingerprint: a new gse can split differently.
const gseVersion = "gse v0.80.3 zh_s"

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
	fingerprint string
	words       int
}

// Options configures New.
type Options struct {
	// Words are extra domain words (ontology terms, place names, concepts).
	Words []string
}

// New loads gse's embedded simplified-Chinese dictionary and the domain words.
func New(opts Options) (*Segmenter, error) {
	s := &Segmenter{}
	s.gse.SkipLog = true
	s.gse.NotLoadHMM = true // HMM is not used; its loader rewrites gse's package globals
	if err := s.gse.LoadDictEmbed("zh_s"); err != nil {
		return nil, fmt.Errorf("load gse dictionary: %w", err)
	}
	words, err := parseDict(domainDict)
	if err != nil {
		return nil, fmt.Errorf("domain dictionary: %w", err)
	}
	for _, w := range opts.Words {
		if w = strings.TrimSpace(w); w != "" {
			words = append(words, dictWord{text: w})
		}
	}
	words = normaliseWords(words)
	for _, w := range words {
		if err := s.addWord(w); err != nil {
			return nil, fmt.Errorf("add %q: %w", w.text, err)
		}
	}
	s.gse.CalcToken()
	s.words = len(words)

	h := sha256.New()
	fmt.Fprintln(h, gseVersion)
	for _, w := range words {
		fmt.Fprintf(h, "%s %g\n", w.text, w.freq)
	}
	s.fingerprint = hex.EncodeToString(h.Sum(nil))[:16]
	return s, nil
}

type dictWord struct {
	text string
	freq float64
}

func (s *Segmenter) addWord(w dictWord) error {
	text := strings.ToLower(w.text)
	_, _, exists := s.gse.Find(text)
	freq := w.freq
	switch {
	case freq == 0 && utf8.RuneCountInString(text) >= 3:
		freq = longWordFreq
	case freq == 0 && exists:
		return nil // a short general word keeps its general frequency
	case freq == 0:
		freq = shortWordFreq
	}
	if exists {
		// ReAddToken, not AddToken: AddToken keeps the existing entry's frequency.
		return s.gse.ReAddToken(text, freq, "nz")
	}
	return s.gse.AddToken(text, freq, "nz")
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
				return nil, fmt.Errorf("line %d: bad frequency %q", n, f[1])
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
