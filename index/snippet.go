package index

import (
	"html"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/search"
)

// snippetRunes is the length of a snippet in characters: about two lines.
const snippetRunes = 110

// span is a matched byte range of the passage text.
type span struct{ start, end int }

// matchSpans collects where the query matched the passage text: words of
// the segmented field, and runs of at least three characters of the words
// of the query the index does not know (a lone pair such as 企业 is too
// weak to show as a match).
func matchSpans(m *search.DocumentMatch, text string, grams []string) []span {
	if m == nil {
		return nil
	}
	var words []span
	for _, locs := range m.Locations[FieldText] {
		for _, l := range locs {
			words = append(words, span{int(l.Start), int(l.End)})
		}
	}
	return mergeSpans(append(words, bigramRuns(text, grams)...))
}

// bigramRuns are the runs of the given character bigrams in text that are
// at least three characters long, found in the text itself: the index
// holds the passage's words, not its characters.
func bigramRuns(text string, grams []string) []span {
	if len(grams) == 0 {
		return nil
	}
	var found []span
	for _, g := range grams {
		for at := 0; at < len(text); {
			i := strings.Index(text[at:], g)
			if i < 0 {
				break
			}
			found = append(found, span{at + i, at + i + len(g)})
			at += i + len(string([]rune(g)[0]))
		}
	}
	var out []span
	for _, g := range mergeSpans(found) {
		if g.end-g.start >= 9 { // three CJK characters in UTF-8
			out = append(out, g)
		}
	}
	return out
}

// mergeSpans sorts spans and joins overlapping or touching ones, so stacked
// sub-words and adjacent words render as one mark.
func mergeSpans(in []span) []span {
	if len(in) == 0 {
		return nil
	}
	s := append([]span(nil), in...)
	sort.Slice(s, func(i, j int) bool { return s[i].start < s[j].start })
	out := []span{s[0]}
	for _, c := range s[1:] {
		last := &out[len(out)-1]
		if c.start <= last.end {
			if c.end > last.end {
				last.end = c.end
			}
			continue
		}
		out = append(out, c)
	}
	return out
}

// snippet cuts the window of text with the most matched characters and
// marks the matches. Everything but the <mark> tags is HTML-escaped.
func snippet(text string, spans []span) string {
	spans = validSpans(text, spans)
	from, to := bestWindow(text, spans)
	// Widen the window over a match it cuts, so no word is half marked.
	for _, s := range spans {
		if s.start < from && s.end > from {
			from = s.start
		}
		if s.start < to && s.end > to {
			to = s.end
		}
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("…")
	}
	cur := from
	for _, s := range spans {
		if s.end <= from || s.start >= to {
			continue
		}
		st, en := max(s.start, from), min(s.end, to)
		b.WriteString(html.EscapeString(text[cur:st]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[st:en]))
		b.WriteString("</mark>")
		cur = en
	}
	b.WriteString(html.EscapeString(text[cur:to]))
	if to < len(text) {
		b.WriteString("…")
	}
	return b.String()
}

// validSpans drops spans that do not fall on character boundaries of text.
func validSpans(text string, spans []span) []span {
	out := spans[:0:0]
	for _, s := range spans {
		if s.start >= 0 && s.end <= len(text) && s.start < s.end &&
			utf8.RuneStart(byteAt(text, s.start)) && (s.end == len(text) || utf8.RuneStart(byteAt(text, s.end))) {
			out = append(out, s)
		}
	}
	return out
}

func byteAt(s string, i int) byte {
	if i >= len(s) {
		return 0
	}
	return s[i]
}

// bestWindow returns the byte range of about snippetRunes characters that
// covers the most matched bytes, starting a little before its first match.
func bestWindow(text string, spans []span) (int, int) {
	bounds := runeStarts(text)
	n := len(bounds) - 1 // characters
	if n <= snippetRunes {
		return 0, len(text)
	}
	startAt := func(r int) (int, int) {
		r = max(0, min(r, n-snippetRunes))
		return bounds[r], bounds[r+snippetRunes]
	}
	if len(spans) == 0 {
		return startAt(0)
	}
	runes := []rune(text)
	bestFrom, bestTo, best := 0, 0, -1
	for _, s := range spans {
		r := clauseStart(runes, sort.SearchInts(bounds, s.start))
		from, to := startAt(r)
		covered := 0
		for _, t := range spans {
			covered += max(0, min(t.end, to)-max(t.start, from))
		}
		if covered > best {
			bestFrom, bestTo, best = from, to, covered
		}
	}
	return bestFrom, bestTo
}

// clauseStart picks where a snippet showing the character at i begins: just
// after the closest clause break within reach before it, else a little
// before it, so the snippet does not open in the middle of a word.
func clauseStart(runes []rune, i int) int {
	const reach, context = 30, 12
	for j := i - 1; j >= 0 && j >= i-reach; j-- {
		switch runes[j] {
		case '。', '；', '，', '、', '：', '！', '？', '\n':
			return j + 1
		}
	}
	return i - context
}

// runeStarts returns the byte offset of every character of s, plus len(s).
func runeStarts(s string) []int {
	out := make([]int, 0, len(s)/3+1)
	for i := range s {
		out = append(out, i)
	}
	return append(out, len(s))
}
