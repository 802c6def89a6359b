package segment

import (
	"unicode"
	"unicode/utf8"
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
	norm, narrowed, spans := s.scan(nil, text, mode)
	out := make([]Token, len(spans))
	for i, sp := range spans {
		out[i] = Token{Term: string(norm[sp.start:sp.end]), Start: origin(sp.start, narrowed), End: origin(sp.end, narrowed),
			Position: sp.position, Sub: sp.sub, POS: s.lattice.tokens.pos(sp.token)}
	}
	return out
}

// span is a token as scan finds it: byte offsets into the narrowed text
// and no term of its own. Building an index analyses every passage, and
// a string per token (then a copy of it for bleve) was a quarter of all
// the memory a build allocated.
type span struct {
	start, end int // into the narrowed text
	position   int
	sub        bool
	token      int // its dictionary token's number (dictTokens), for its part of speech
}

// scan appends the tokens of text to dst. It returns the narrowed text
// the spans index into, and the positions narrow gives for mapping those
// offsets back into text (origin; nil when text had no full-width rune).
func (s *Segmenter) scan(dst []span, text []byte, mode Mode) (norm []byte, narrowed []int, spans []span) {
	norm, narrowed, _ = narrow(text)
	pos := 0
	l := s.lattice.segment(norm)
	defer s.lattice.release(l)
	for _, p := range l.pieces {
		if !hasLetterOrDigit(norm[p.start:p.end]) {
			continue
		}
		pos++
		dst = append(dst, span{start: p.start, end: p.end, position: pos, token: p.token})
		if mode == WithSubwords {
			// The dictionary words inside the word, stacked on its position.
			for _, sub := range s.lattice.tokens.subwords(p.token) {
				dst = append(dst, span{start: p.start + sub.start, end: p.start + sub.end, position: pos, sub: true, token: sub.token})
			}
		}
	}
	return norm, narrowed, dst
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

func hasLetterOrDigit(b []byte) bool {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
		b = b[size:]
	}
	return false
}
