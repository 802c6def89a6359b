package segment

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/go-ego/gse"
)

// The lattice must cut every text exactly as gse does: the index and the
// queries are analysed by it, and an index built before it must still be
// searched with the same words. Compared piece by piece on the seed report,
// on texts strung from dictionary words (the paths that compete) and on
// random mixes of every kind of character the splitter treats apart.
func TestLatticeMatchesGse(t *testing.T) {
	s := testSegmenter(t)
	dt := s.lattice.tokens
	for _, text := range latticeTexts(t) {
		want := s.gse.Segment([]byte(text))
		l := s.lattice.segment([]byte(text))
		got := l.pieces
		if len(got) != len(want) {
			t.Fatalf("%q: %d pieces, gse %d", text, len(got), len(want))
		}
		for i, w := range want {
			g := got[i]
			if g.start != w.Start() || g.end != w.End() {
				t.Fatalf("%q piece %d: [%d,%d), gse [%d,%d)", text, i, g.start, g.end, w.Start(), w.End())
			}
			if n := dt.number(w.Token()); g.token != n || n == noToken && w.Token().Pos() != "x" {
				t.Fatalf("%q piece %d: token %d, gse %d %q", text, i, g.token, n, w.Token().Text())
			}
		}
		s.lattice.release(l)
	}
}

// Tokens with sub-words are what walking gse's own segments and their
// nested segments gives (how Tokens worked before the lattice and the
// flattened sub-words of dicttokens.go).
func TestTokensMatchGseWalk(t *testing.T) {
	s := testSegmenter(t)
	for _, text := range latticeTexts(t) {
		for _, mode := range []Mode{Coarse, WithSubwords} {
			want := gseTokens(s, []byte(text), mode)
			got := s.Tokens([]byte(text), mode)
			if len(got) != len(want) {
				t.Fatalf("%q mode %d: %d tokens, gse walk %d", text, mode, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%q mode %d token %d: %+v, gse walk %+v", text, mode, i, got[i], want[i])
				}
			}
			// What bleve is given: the same words, one buffer behind them.
			stream := (&Tokenizer{seg: s, mode: mode}).Tokenize([]byte(text))
			if len(stream) != len(want) {
				t.Fatalf("%q mode %d: bleve gets %d tokens, gse walk %d", text, mode, len(stream), len(want))
			}
			for i, w := range want {
				g := stream[i]
				if string(g.Term) != w.Term || g.Start != w.Start || g.End != w.End || g.Position != w.Position {
					t.Fatalf("%q mode %d: bleve gets %q [%d,%d) at %d, gse walk %+v", text, mode, g.Term, g.Start, g.End, g.Position, w)
				}
			}
		}
	}
}

// gseTokens is Tokens as it was written over gse.Segmenter.Segment.
func gseTokens(s *Segmenter, text []byte, mode Mode) []Token {
	norm, narrowed, _ := narrow(text)
	var out []Token
	var walk func(tk *gse.Token, base, pos int)
	walk = func(tk *gse.Token, base, pos int) {
		for _, c := range tk.Segments() {
			st, en := base+c.Start(), base+c.End()
			if en > len(norm) || st >= en {
				continue
			}
			if term := norm[st:en]; utf8.RuneCount(term) >= 2 && hasLetterOrDigit(term) {
				out = append(out, Token{Term: string(term), Start: st, End: en, Position: pos, Sub: true, POS: c.Token().Pos()})
			}
			walk(c.Token(), st, pos)
		}
	}
	pos := 0
	for _, seg := range s.gse.Segment(norm) {
		start, end := seg.Start(), seg.End()
		if !hasLetterOrDigit(norm[start:end]) {
			continue
		}
		pos++
		out = append(out, Token{Term: string(norm[start:end]), Start: start, End: end, Position: pos, POS: seg.Token().Pos()})
		if mode == WithSubwords {
			walk(seg.Token(), start, pos)
		}
	}
	for i := range out {
		out[i].Start, out[i].End = origin(out[i].Start, narrowed), origin(out[i].End, narrowed)
	}
	return out
}

// latticeTexts returns the seed report (whole, six times over and by
// line), texts strung from dictionary words and random mixes of every
// kind of character.
func latticeTexts(t *testing.T) []string {
	t.Helper()
	var texts []string
	seed, err := os.ReadFile("../ingest/seed/000_0786add5c95c7cd3.txt")
	if err != nil {
		t.Fatal(err)
	}
	// The seed six times over: more units than a pooled buffer keeps.
	long := strings.Repeat(string(seed), 6)
	if n := countUnits(long); n <= maxPooled {
		t.Fatalf("the long text has %d units, not more than a pooled buffer keeps (%d)", n, maxPooled)
	}
	texts = append(texts, string(seed), long)
	texts = append(texts, strings.Split(string(seed), "\n")...)

	words := dictionaryWords(t, 5000)
	r := rand.New(rand.NewPCG(1, 2))
	for range 3000 {
		var b strings.Builder
		for range 1 + r.IntN(12) {
			b.WriteString(words[r.IntN(len(words))])
		}
		texts = append(texts, b.String())
	}
	pieces := []string{"企业", "专精特新", "小升规", "GDP", "gdp", "Gdp增长", "5G", "ＧＤＰ", "２０２３", "2023年", "Ⅱ", "ⅱ期",
		"é", "Ωmega", "Москва", "ひらがな", "カタカナ", "😀", "\xff", "\xe4\xb8", " ", "\u3000", "，", "。", "、", "（", "）",
		"A", "z", "0", "9", "_", "-", ".", "%", "长治高新区", "楼宇招商", "知识产权质押贷款", "中国银行长治市分行", "\n", "\t"}
	for range 20000 {
		var b strings.Builder
		for range 1 + r.IntN(10) {
			if r.IntN(3) == 0 {
				b.WriteString(words[r.IntN(len(words))])
			} else {
				b.WriteString(pieces[r.IntN(len(pieces))])
			}
		}
		texts = append(texts, b.String())
	}

	return texts
}

// dictionaryWords returns every step-th word of the general dictionary
// and the domain dictionary's words.
func dictionaryWords(t *testing.T, step int) []string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(generalDict))
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	sc := bufio.NewScanner(zr)
	for i := 0; sc.Scan(); i++ {
		if i%step == 0 {
			w, _, _ := strings.Cut(sc.Text(), " ")
			words = append(words, w)
		}
	}
	for line := range strings.Lines(domainDict) {
		if w, _, _ := strings.Cut(strings.TrimSpace(line), " "); w != "" && !strings.HasPrefix(w, "#") {
			words = append(words, w)
		}
	}
	return words
}

// The lattices and token buffers are pooled and the dictionary's side
// tables filled on first use, from every core at once: tokenizing the same
// texts on several goroutines gives what one gives alone.
func TestTokenizeConcurrently(t *testing.T) {
	s := testSegmenter(t)
	texts := latticeTexts(t)[:2000]
	want := make([][]Token, len(texts))
	for i, text := range texts {
		want[i] = gseTokens(s, []byte(text), WithSubwords)
	}
	tok := &Tokenizer{seg: s, mode: WithSubwords}
	errs := make(chan string, 8)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for k := range texts {
				i := (k*7 + g*251) % len(texts) // each goroutine in its own order
				stream := tok.Tokenize([]byte(texts[i]))
				if len(stream) != len(want[i]) {
					errs <- fmt.Sprintf("%q: %d tokens, alone %d", texts[i], len(stream), len(want[i]))
					return
				}
				for j, w := range want[i] {
					if got := stream[j]; string(got.Term) != w.Term || got.Start != w.Start || got.Position != w.Position {
						errs <- fmt.Sprintf("%q token %d: %q at %d, alone %+v", texts[i], j, got.Term, got.Start, w)
						return
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
