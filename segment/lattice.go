package segment

import (
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// This file is gse's segmentation (Segmenter.Segment: split the text into
// units, then the shortest path through the dictionary's words) done in
// buffers that are reused from one text to the next. gse allocates its
// units, its path table and a token for every character missing from the
// dictionary on every call: a fifth of all the memory that building an
// index allocated (BENCHMARKS.md, 规模，第九轮), and the garbage collector
// ran that much more often. The dictionary lookups are still gse's
// (Dictionary.LookupTokens); TestLatticeMatchesGse checks that the pieces
// are gse's, offset for offset and token for token.

// piece is a word of the segmentation: byte offsets into the text and
// the number of its dictionary token (noToken for a character the
// dictionary lacks).
type piece struct {
	start, end int
	token      int
}

// unknownDistance is gse's path length for a character not in the
// dictionary (segmentWords' pseudo-token).
const unknownDistance = float32(32)

// lattice holds the buffers of one segmentation.
type lattice struct {
	low     []byte     // the text as gse looks it up: A–Z lowered
	lowered []byte     // low's buffer when the text has capitals
	starts  []int      // byte offset of each unit, then len(text)
	units   []gse.Text // the units, slices of low
	jumpers []jumper
	found   []*gse.Token
	pieces  []piece
}

// jumper is the best path found to the end of one unit: its length and
// its last word (units long; token noToken for an unknown character).
type jumper struct {
	distance float32
	token    int
	units    int
}

// latticeSegmenter runs gse's shortest-path segmentation over one dictionary.
type latticeSegmenter struct {
	dict   *gse.Dictionary
	tokens *dictTokens
	pool   sync.Pool // of *lattice
}

func newLatticeSegmenter(d *gse.Dictionary) *latticeSegmenter {
	return &latticeSegmenter{dict: d, tokens: newDictTokens(d)}
}

// segment returns the pieces of text, in order: what
// gse.Segmenter.Segment gives (with gse's defaults: letters and digits in
// runs, runs lowered), without its allocations. The pieces are l.pieces,
// valid until release(l).
func (s *latticeSegmenter) segment(text []byte) *lattice {
	l, _ := s.pool.Get().(*lattice)
	if l == nil {
		l = &lattice{found: make([]*gse.Token, s.dict.MaxTokenLen())}
	}
	l.pieces = l.pieces[:0]
	if len(text) > 0 {
		l.split(text)
		s.shortestPath(l)
	}
	return l
}

// release returns l's buffers for the next text, unless a long text
// grew them: a passage is a paragraph, and one odd text should not keep
// megabytes in every core's pool.
func (s *latticeSegmenter) release(l *lattice) {
	if cap(l.units) > maxPooled {
		return
	}
	clear(l.units) // they are slices of the caller's text: do not keep it alive
	l.units, l.low = l.units[:0], nil
	s.pool.Put(l)
}

// maxPooled is the most tokens or units of a buffer kept for the next
// text: a paragraph of some 60,000 characters.
const maxPooled = 1 << 16

// split cuts text into gse's units (SplitTextToWords): a run of letters
// and digits of at most two bytes each (Latin, Greek, Cyrillic …) is one
// unit, lowered; any other character is a unit of its own.
func (l *lattice) split(text []byte) {
	l.low = text
	for i, c := range text {
		if 'A' <= c && c <= 'Z' {
			// An ASCII capital is a letter, so always inside a run: the
			// whole text lowered is what gse lowers run by run.
			l.lowered = append(l.lowered[:0], text...)
			for j := i; j < len(text); j++ {
				if c := text[j]; 'A' <= c && c <= 'Z' {
					l.lowered[j] = c + 'a' - 'A'
				}
			}
			l.low = l.lowered
			break
		}
	}
	l.starts, l.units = l.starts[:0], l.units[:0]
	emit := func(from, to int) {
		l.starts = append(l.starts, from)
		l.units = append(l.units, l.low[from:to])
	}
	current, runStart, inRun := 0, 0, true
	for current < len(text) {
		r, size := utf8.DecodeRune(text[current:])
		if runRune(r, size) {
			if !inRun {
				runStart, inRun = current, true
			}
		} else {
			if inRun {
				inRun = false
				if current != 0 {
					emit(runStart, current)
				}
			}
			emit(current, current+size)
		}
		current += size
	}
	if inRun && current != 0 {
		emit(runStart, current)
	}
	l.starts = append(l.starts, len(text))
}

// runRune reports whether r, size bytes long in UTF-8, belongs to a run
// of letters and digits: gse's rule for a unit longer than a character.
func runRune(r rune, size int) bool {
	return size <= 2 && (unicode.IsLetter(r) || unicode.IsNumber(r))
}

// countUnits is the number of units split would cut s into.
func countUnits(s string) int {
	n, inRun := 0, false
	for _, r := range s {
		if runRune(r, utf8.RuneLen(r)) {
			if !inRun {
				n++
				inRun = true
			}
			continue
		}
		n++
		inRun = false
	}
	return n
}

// shortestPath is gse's segmentWords (not in search mode) over l's units,
// leaving the pieces in l.pieces. Ties and the order of updates are
// gse's, so the same path wins.
func (s *latticeSegmenter) shortestPath(l *lattice) {
	n := len(l.units)
	if cap(l.jumpers) < n {
		l.jumpers = make([]jumper, n)
	}
	l.jumpers = l.jumpers[:n]
	clear(l.jumpers)
	maxLen := s.dict.MaxTokenLen()
	for current := range n {
		var base float32
		if current > 0 {
			base = l.jumpers[current-1].distance
		}
		found := s.dict.LookupTokens(l.units[current:min(current+maxLen, n)], l.found)
		firstUnits := 0
		for i := range found {
			number, units, distance := s.tokens.of(l.found[i])
			if i == 0 {
				firstUnits = units
			}
			l.jumpers[current+units-1].update(base+distance, number, units)
		}
		if found == 0 || firstUnits > 1 {
			l.jumpers[current].update(base+unknownDistance, noToken, 1)
		}
	}
	count := 0
	for end := n - 1; end >= 0; end -= l.jumpers[end].units {
		count++
	}
	if cap(l.pieces) < count {
		l.pieces = make([]piece, count)
	}
	l.pieces = l.pieces[:count]
	for end := n - 1; end >= 0; end -= l.jumpers[end].units {
		count--
		j := l.jumpers[end]
		l.pieces[count] = piece{start: l.starts[end-j.units+1], end: l.starts[end+1], token: j.token}
	}
}

// update is gse's updateJumper: a distance of 0 means no path yet.
func (j *jumper) update(distance float32, token, units int) {
	if j.distance == 0 || j.distance > distance {
		j.distance, j.token, j.units = distance, token, units
	}
}
