package segment

import (
	"math"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"

	"github.com/go-ego/gse"
)

// noToken is the token number of a piece that is no dictionary word: a
// character the dictionary lacks (gse makes up a token for it, part of
// speech "x").
const noToken = -1

// dictTokens knows, per dictionary token, what segmenting needs and gse
// keeps unexported or scattered: the token's length in units and its
// distance (log₂ of total frequency over its frequency, as gse's CalcToken
// computes it), and its nested words, flattened. Each is filled the first
// time the token is met: computing them for the whole dictionary would add
// a tenth of a second to every start.
//
// Tokens are known by their number in dict.Tokens, so that the buffers of
// a segmentation hold no pointers: the garbage collector neither scans
// them nor slows their writes while it marks.
type dictTokens struct {
	dict     *gse.Dictionary
	base     uintptr // address of dict.Tokens[0], to number a found token
	logTotal float32
	info     []atomic.Uint64           // units | math.Float32bits(distance)<<32; 0 = not yet
	nested   []atomic.Pointer[[]piece] // nil = not yet
}

func newDictTokens(d *gse.Dictionary) *dictTokens {
	t := &dictTokens{dict: d, logTotal: float32(math.Log2(d.TotalFreq())),
		info: make([]atomic.Uint64, len(d.Tokens)), nested: make([]atomic.Pointer[[]piece], len(d.Tokens))}
	if len(d.Tokens) > 0 {
		t.base = uintptr(unsafe.Pointer(&d.Tokens[0]))
	}
	return t
}

// number returns the number of tok in the dictionary's tokens, or noToken
// for a token that is not one of them (made up by gse).
func (t *dictTokens) number(tok *gse.Token) int {
	p := uintptr(unsafe.Pointer(tok))
	if p < t.base {
		return noToken
	}
	i := (p - t.base) / unsafe.Sizeof(gse.Token{})
	if i >= uintptr(len(t.info)) || &t.dict.Tokens[i] != tok {
		return noToken
	}
	return int(i)
}

// of returns the number, length in units and distance of tok, a token
// LookupTokens found (a pointer into dict.Tokens).
func (t *dictTokens) of(tok *gse.Token) (number, units int, distance float32) {
	i := t.number(tok)
	if i == noToken { // not the case for a found token; cheap to be right
		units, distance = t.compute(tok)
		return noToken, units, distance
	}
	if v := t.info[i].Load(); v != 0 {
		return i, int(uint32(v)), math.Float32frombits(uint32(v >> 32))
	}
	units, distance = t.compute(tok)
	t.info[i].Store(uint64(uint32(units)) | uint64(math.Float32bits(distance))<<32)
	return i, units, distance
}

func (t *dictTokens) compute(tok *gse.Token) (units int, distance float32) {
	return countUnits(tok.Text()), t.logTotal - float32(math.Log2(tok.Freq()))
}

// pos returns the part of speech of token number i.
func (t *dictTokens) pos(i int) string {
	if i == noToken {
		return "x"
	}
	return t.dict.Tokens[i].Pos()
}

// subwords returns the words nested in token number i that Tokens yields
// as sub-words (two runes or more, with a letter or digit), at any depth,
// in the order of a depth-first walk; offsets are relative to the token.
// gse keeps them as a tree of separately allocated segments, and walking
// it for every word of every passage was mostly cache misses.
func (t *dictTokens) subwords(i int) []piece {
	if i == noToken {
		return nil
	}
	if p := t.nested[i].Load(); p != nil {
		return *p
	}
	tok := &t.dict.Tokens[i]
	text := []byte(tok.Text())
	var list []piece
	var walk func(tk *gse.Token, base int)
	walk = func(tk *gse.Token, base int) {
		for _, c := range tk.Segments() {
			st, en := base+c.Start(), base+c.End()
			if en > len(text) || st >= en {
				continue
			}
			if term := text[st:en]; utf8.RuneCount(term) >= 2 && hasLetterOrDigit(term) {
				list = append(list, piece{start: st, end: en, token: t.number(c.Token())})
			}
			walk(c.Token(), st)
		}
	}
	walk(tok, 0)
	t.nested[i].Store(&list)
	return list
}
