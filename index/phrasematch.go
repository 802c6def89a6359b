package index

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Phrases are matched in the passage's own text rather than by the term
// positions bleve would keep for them: positions (term vectors) were half
// of the index on disk and about a fifth of the time to build it, for the
// phrase clauses and the highlights of a page of ten hits. A phrase
// searcher (phrase.go) finds the passages that hold all of a phrase's
// words through the index and keeps those whose text has the words one
// after another.
//
// The words are those of the query analyzer: folded to narrow characters
// and lower case as the analyzer folds them, so the text is compared the
// same way, one rune at a time. Between two words the text may have
// spaces or punctuation, which the analyzer does not make words of.
// Words of Latin letters or digits must not continue into the text around
// them (ai does not match inside aigc, where the analyzer sees one word);
// Chinese words have no such edge, so a phrase matches whatever the
// segmenter made of the text around it.

// phraseWords is a phrase as the query analyzer splits it: one entry per
// position, each with its alternatives (one, for the coarse analyzer).
type phraseWords [][]string

// phraseSpans calls visit with the spans of the words of each occurrence
// of words in text, from the left, until visit returns false. Occurrences
// may overlap.
func phraseSpans(text string, words phraseWords, visit func([]span) bool) {
	parts := make([]span, len(words))
	for at := 0; ; {
		start, ok := findPhrase(text, at, words, parts)
		if !ok || !visit(parts) {
			return
		}
		_, size := utf8.DecodeRuneInString(text[start:])
		at = start + size
	}
}

// hasPhrase reports whether words occur in text one after another. It
// runs on every candidate of a phrase clause, so it does not allocate for
// phrases of up to eight words.
func hasPhrase(text string, words phraseWords) bool {
	var buf [8]span
	parts := buf[:]
	if len(words) > len(buf) {
		parts = make([]span, len(words))
	}
	_, ok := findPhrase(text, 0, words, parts[:len(words)])
	return ok
}

// findPhrase returns the start of the first occurrence of words in text
// at or after at, with the spans of its words in parts.
func findPhrase(text string, at int, words phraseWords, parts []span) (int, bool) {
	if len(words) == 0 {
		return 0, false
	}
	for at < len(text) {
		start, ok := nextStart(text, at, words[0])
		if !ok {
			return 0, false
		}
		if matchFrom(text, start, words, parts) {
			return start, true
		}
		_, size := utf8.DecodeRuneInString(text[start:])
		at = start + size
	}
	return 0, false
}

// nextStart returns the first offset from at where one of alts may begin.
// Words of CJK characters only compare equal to the same bytes (folding
// changes no CJK character), so the search for them runs on the bytes.
func nextStart(text string, at int, alts []string) (int, bool) {
	best := -1
	for _, w := range alts {
		if w == "" {
			continue
		}
		if !plainCJK(w) {
			return at, true // folded compare from every rune: matchFrom decides
		}
		if i := strings.Index(text[at:], w); i >= 0 && (best < 0 || at+i < best) {
			best = at + i
		}
	}
	return best, best >= 0
}

// matchFrom reports whether words occur one after another from start,
// filling parts with their spans.
func matchFrom(text string, start int, words phraseWords, parts []span) bool {
	at := start
	for k, alts := range words {
		end, ok := -1, false
		for from := at; ; {
			for _, w := range alts {
				if e, hit := matchWord(text, from, w); hit {
					end, ok, at = e, true, from
					break
				}
			}
			if ok || k == 0 {
				break
			}
			// Between words the text may skip what the analyzer does not
			// index: spaces and punctuation.
			r, size := utf8.DecodeRuneInString(text[from:])
			if from >= len(text) || !separator(r) {
				break
			}
			from += size
		}
		if !ok {
			return false
		}
		parts[k] = span{at, end}
		at = end
	}
	return true
}

// matchWord reports whether w, an analyzed word, is the text at from, and
// where it ends there.
func matchWord(text string, from int, w string) (int, bool) {
	if w == "" || from >= len(text) {
		return 0, false
	}
	i := from
	for _, wr := range w {
		if i >= len(text) {
			return 0, false
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if fold(r) != wr {
			return 0, false
		}
		i += size
	}
	first, _ := utf8.DecodeRuneInString(w)
	last, _ := utf8.DecodeLastRuneInString(w)
	if asciiAlnum(first) && from > 0 {
		if r, _ := utf8.DecodeLastRuneInString(text[:from]); asciiAlnum(fold(r)) {
			return 0, false
		}
	}
	if asciiAlnum(last) && i < len(text) {
		if r, _ := utf8.DecodeRuneInString(text[i:]); asciiAlnum(fold(r)) {
			return 0, false
		}
	}
	return i, true
}

// fold maps a rune of the text to the rune of the analyzed word it
// becomes: full-width ASCII to ASCII (segment's narrowing), then lower
// case (bleve's lowercase filter).
func fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFF01 - 0x21
	case r == 0x3000:
		r = ' '
	}
	return unicode.ToLower(r)
}

func asciiAlnum(r rune) bool {
	return r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// separator tells the runes the analyzer makes no word of.
func separator(r rune) bool {
	return r != utf8.RuneError && !unicode.IsLetter(r) && !unicode.IsDigit(r)
}

// plainCJK tells a word whose runes are all CJK (from U+2E80): no rune of
// a text folds to one of them but itself.
func plainCJK(w string) bool {
	for _, r := range w {
		if r < 0x2E80 || (r >= 0xFF01 && r <= 0xFF5E) {
			return false
		}
	}
	return true
}
