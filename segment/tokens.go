package segment

import (
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// Token is a word of the text with its byte offsets and position.
type Token struct {
	Term       string
	Start, End int    // byte offsets into the segmented text
	Position   int    // 1-based; sub-words share their compound's position
	Sub        bool   // a dictionary word inside the previous coarse word
	POS        string // part of speech from the dictionary (n, v, nz …; x when unknown)
}

// Mode selects how finely text is split.
type Mode int

const (
	// Coarse yields the dictionary's longest words only: 知识产权质押.
	Coarse Mode = iota
	// WithSubwords also yields the dictionary words inside each word
	// (知识产权, 质押), stacked on the word's position so that phrase
	// queries over coarse tokens keep working.
	WithSubwords
)

// Tokens segments text. Punctuation and symbols are dropped without leaving
// a position gap; offsets always index into text, while terms of
// full-width letters and digits come out narrowed (ＧＤＰ -> GDP).
func (s *Segmenter) Tokens(text []byte, mode Mode) []Token {
	norm, narrowed, changed := narrow(text)
	var out []Token
	pos := 0
	for _, seg := range s.gse.Segment(norm) {
		start, end := seg.Start(), seg.End()
		term := string(norm[start:end])
		if !hasLetterOrDigit(term) {
			continue
		}
		pos++
		out = append(out, Token{Term: term, Start: start, End: end, Position: pos, POS: seg.Token().Pos()})
		if mode == WithSubwords {
			out = subwords(out, norm, seg.Token(), start, pos)
		}
	}
	if changed {
		for i := range out {
			out[i].Start, out[i].End = origin(out[i].Start, narrowed), origin(out[i].End, narrowed)
		}
	}
	return out
}

// subwords appends the nested dictionary words of tk (offsets in gse are
// relative to the parent word).
func subwords(out []Token, text []byte, tk *gse.Token, base, pos int) []Token {
	for _, c := range tk.Segments() {
		st, en := base+c.Start(), base+c.End()
		if en > len(text) || st >= en {
			continue
		}
		term := string(text[st:en])
		if utf8.RuneCountInString(term) >= 2 && hasLetterOrDigit(term) {
			out = append(out, Token{Term: term, Start: st, End: en, Position: pos, Sub: true, POS: c.Token().Pos()})
		}
		out = subwords(out, text, c.Token(), st, pos)
	}
	return out
}

// IsNominal reports whether a part-of-speech tag marks a noun-like word
// (nouns, proper and domain nouns, verbal nouns, foreign words): the words
// that say what a text is about.
func IsNominal(pos string) bool {
	switch {
	case pos == "vn" || pos == "an" || pos == "eng":
		return true
	case len(pos) > 0 && pos[0] == 'n':
		return true
	}
	return false
}

// Words returns the coarse words of text, for callers that need no offsets.
func (s *Segmenter) Words(text string) []string {
	toks := s.Tokens([]byte(text), Coarse)
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Term
	}
	return out
}

func hasLetterOrDigit(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}
