package segment

import (
	"sort"
	"unicode/utf8"
)

// Full-width letters and digits (ＧＤＰ, ２０２３) would be split into
// single characters by gse. narrow rewrites full-width ASCII (and the
// ideographic space) to ASCII before segmentation. Every rewritten rune is
// three bytes in the text and one in the result, so offsets map back
// through the result offsets of the rewritten runes alone (see origin):
// Chinese text has full-width punctuation in nearly every sentence, and a
// table of the origin of every byte cost 2% of building an index.
func narrow(text []byte) (out []byte, narrowed []int, changed bool) {
	first := -1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if wide(r) {
			first = i
			break
		}
		i += size
	}
	if first < 0 {
		return text, nil, false
	}
	out = make([]byte, 0, len(text))
	last := 0
	for i := first; i < len(text); {
		r, size := utf8.DecodeRune(text[i:])
		if wide(r) {
			out = append(out, text[last:i]...)
			narrowed = append(narrowed, len(out))
			if r == 0x3000 {
				out = append(out, ' ')
			} else {
				out = append(out, byte(r-0xFF01+0x21))
			}
			last = i + size
		}
		i += size
	}
	return append(out, text[last:]...), narrowed, true
}

// wide tells the runes narrow rewrites; each is three bytes in UTF-8.
func wide(r rune) bool { return (r >= 0xFF01 && r <= 0xFF5E) || r == 0x3000 }

// origin maps offset off of narrow's result back into its input, given
// the result offsets of the rewritten runes: two bytes more for every
// rune rewritten before off.
func origin(off int, narrowed []int) int {
	if len(narrowed) == 0 {
		return off
	}
	return off + 2*sort.SearchInts(narrowed, off)
}
