package ingest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode"

	"github.com/ledongthuc/pdf"
)

// Limits that keep a hostile or broken PDF from taking the server down:
// the decoded content streams are measured and checked (pdfguard.go)
// before they are interpreted, and interpretation stops after so many
// glyphs or drawn forms. Time is bounded by the caller's context, which
// is checked every pdfOpsPerCheck operators.
//
// Memory: the glyphs of one page are held (48 bytes each, and twice that
// while the slice grows) until they are made into lines; the lines of all
// pages are held until they are made into paragraphs. A dense page of
// small print has some 5,000 glyphs and 100 lines, so the page limits are
// forty times any real page, and the file limits (a 1,000-page book)
// keep one parse's live heap to some tens of megabytes.
const (
	maxPDFPages        = 5000
	maxPDFContentBytes = 128 << 20 // all content streams of a file, decoded
	maxPDFStreamBytes  = 16 << 20  // one page's or form's content, decoded
	maxPDFContentParts = 256       // streams of one page's content array (each a reader of ~40 KB)
	maxPDFPageGlyphs   = 200_000
	maxPDFGlyphs       = 2_000_000
	maxPDFLines        = 200_000
	maxPDFForms        = 100_000
	maxPDFFormDepth    = 4
	pdfOpsPerCheck     = 4096
)

var errPDFTooMuch = errors.New("PDF 内容过多")

// pdfChar is one glyph placed on the page.
type pdfChar struct {
	x, y, w, size float64 // origin, advance and font size in page space
	text          string
}

// mat is a PDF transformation matrix [a b c d e f].
type mat [6]float64

var identity = mat{1, 0, 0, 1, 0, 0}

// mul returns m × n (apply m, then n).
func (m mat) mul(n mat) mat {
	return mat{
		m[0]*n[0] + m[1]*n[2], m[0]*n[1] + m[1]*n[3],
		m[2]*n[0] + m[3]*n[2], m[2]*n[1] + m[3]*n[3],
		m[4]*n[0] + m[5]*n[2] + n[4], m[4]*n[1] + m[5]*n[3] + n[5],
	}
}

func translate(x, y float64) mat { return mat{1, 0, 0, 1, x, y} }

// textState is the part of the graphics state that places text.
type textState struct {
	ctm                  mat
	font                 *pdfFont
	size, tc, tw, th, tl float64
	rise                 float64
}

// pageReader interprets the content streams of one page (and the forms it
// draws) and collects its glyphs in drawing order.
type pageReader struct {
	budget *pdfBudget
	chars  []pdfChar
	fonts  map[string]*pdfFont
}

// pdfBudget is shared by the pages of one file. It carries the parse's
// context because every step that spends the budget is also where the
// reading may stop.
type pdfBudget struct {
	ctx                  context.Context
	bytes, glyphs, forms int
	ops                  int
	page, pageGlyphs     int // the page being read, and its glyphs so far
}

// tick counts an operator and stops the reading (a panic, recovered by
// pdfBlocks) once the context has ended.
func (b *pdfBudget) tick() {
	if b.ops++; b.ops%pdfOpsPerCheck == 0 {
		if err := stopped(b.ctx); err != nil {
			panic(err)
		}
	}
}

// glyph counts a glyph placed on the page.
func (b *pdfBudget) glyph() {
	if b.pageGlyphs++; b.pageGlyphs > maxPDFPageGlyphs {
		panic(fmt.Errorf("%w：第 %d 页超过 %d 万个字", errPDFTooMuch, b.page, maxPDFPageGlyphs/10000))
	}
	if b.glyphs++; b.glyphs > maxPDFGlyphs {
		panic(fmt.Errorf("%w：全文超过 %d 万个字", errPDFTooMuch, maxPDFGlyphs/10000))
	}
}

func (pr *pageReader) run(contents, resources pdf.Value, ctm mat, depth int) {
	if depth > maxPDFFormDepth || contents.IsNull() {
		return
	}
	if err := pr.budget.check(contents); err != nil {
		panic(err)
	}
	gs := textState{ctm: ctm, th: 1}
	var stack []textState
	var tm, tlm mat
	show := func(s string) {
		if gs.font == nil {
			gs.font = &pdfFont{scale: 0.001, dw: 1000}
		}
		for _, g := range gs.font.glyphs(s) {
			trm := mat{gs.size * gs.th, 0, 0, gs.size, 0, gs.rise}.mul(tm).mul(gs.ctm)
			w := g.width * gs.font.scale
			if w == 0 {
				w = estimateWidth(g.text)
			}
			size := math.Hypot(trm[2], trm[3])
			pr.chars = append(pr.chars, pdfChar{x: trm[4], y: trm[5], w: w * math.Hypot(trm[0], trm[1]), size: size, text: g.text})
			tx := w*gs.size + gs.tc
			if g.space {
				tx += gs.tw
			}
			tm = translate(tx*gs.th, 0).mul(tm)
			pr.budget.glyph()
		}
	}
	nextLine := func() {
		tlm = translate(0, -gs.tl).mul(tlm)
		tm = tlm
	}
	pdf.Interpret(contents, func(stk *pdf.Stack, op string) {
		pr.budget.tick()
		args := popAll(stk)
		num := func(i int) float64 {
			if i < len(args) {
				return args[i].Float64()
			}
			return 0
		}
		switch op {
		case "q":
			if len(stack) < 64 {
				stack = append(stack, gs)
			}
		case "Q":
			if n := len(stack); n > 0 {
				gs, stack = stack[n-1], stack[:n-1]
			}
		case "cm":
			if len(args) == 6 {
				gs.ctm = mat{num(0), num(1), num(2), num(3), num(4), num(5)}.mul(gs.ctm)
			}
		case "BT":
			tm, tlm = identity, identity
		case "Tf":
			if len(args) == 2 {
				gs.font = pr.font(resources, args[0].Name())
				gs.size = num(1)
			}
		case "Tc":
			gs.tc = num(0)
		case "Tw":
			gs.tw = num(0)
		case "Tz":
			gs.th = num(0) / 100
		case "TL":
			gs.tl = num(0)
		case "Ts":
			gs.rise = num(0)
		case "Td", "TD":
			if op == "TD" {
				gs.tl = -num(1)
			}
			tlm = translate(num(0), num(1)).mul(tlm)
			tm = tlm
		case "Tm":
			if len(args) == 6 {
				tlm = mat{num(0), num(1), num(2), num(3), num(4), num(5)}
				tm = tlm
			}
		case "T*":
			nextLine()
		case "Tj":
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "'":
			if len(args) == 1 {
				nextLine()
				show(args[0].RawString())
			}
		case "\"":
			if len(args) == 3 {
				gs.tw, gs.tc = num(0), num(1)
				nextLine()
				show(args[2].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			for i := 0; i < args[0].Len(); i++ {
				x := args[0].Index(i)
				if x.Kind() == pdf.String {
					show(x.RawString())
				} else {
					tm = translate(-x.Float64()/1000*gs.size*gs.th, 0).mul(tm)
				}
			}
		case "Do":
			if len(args) == 1 {
				pr.form(resources, args[0].Name(), gs.ctm, depth)
			}
		}
	})
}

// form draws a form XObject: text is sometimes wrapped in one.
func (pr *pageReader) form(resources pdf.Value, name string, ctm mat, depth int) {
	x := resources.Key("XObject").Key(name)
	if x.Key("Subtype").Name() != "Form" {
		return
	}
	if pr.budget.forms++; pr.budget.forms > maxPDFForms {
		panic(errPDFTooMuch)
	}
	m := ctm
	if fm := x.Key("Matrix"); fm.Len() == 6 {
		var f mat
		for i := range f {
			f[i] = fm.Index(i).Float64()
		}
		m = f.mul(ctm)
	}
	res := x.Key("Resources")
	if res.IsNull() {
		res = resources
	}
	sub := &pageReader{budget: pr.budget, fonts: map[string]*pdfFont{}}
	sub.run(x, res, m, depth+1)
	pr.chars = append(pr.chars, sub.chars...)
}

func (pr *pageReader) font(resources pdf.Value, name string) *pdfFont {
	if f, ok := pr.fonts[name]; ok {
		return f
	}
	f := newPDFFont(resources.Key("Font").Key(name))
	pr.fonts[name] = f
	return f
}

// check reads a content stream once before it is interpreted: to learn
// its decoded size, so that a small file that inflates to gigabytes is
// refused before it is parsed, and to lex it as the library will
// (contentCheck), so that nothing the library would hang on reaches it.
// An array of streams is one content stream cut in pieces.
func (b *pdfBudget) check(contents pdf.Value) error {
	streams := []pdf.Value{contents}
	if contents.Kind() == pdf.Array {
		// The library opens a reader for every piece at once.
		if contents.Len() > maxPDFContentParts {
			return fmt.Errorf("%w：第 %d 页的内容分为 %d 段", errPDFTooMuch, b.page, contents.Len())
		}
		streams = streams[:0]
		for i := 0; i < contents.Len(); i++ {
			streams = append(streams, contents.Index(i))
		}
	}
	c := &contentCheck{}
	total := int64(0)
	for _, s := range streams {
		if err := checkStreamParams(s); err != nil {
			return err
		}
		rc := s.Reader()
		n, err := io.Copy(c, io.LimitReader(ctxReader{b.ctx, rc}, maxPDFStreamBytes-total+1))
		rc.Close()
		if stop := (*stopError)(nil); errors.As(err, &stop) {
			return stop
		}
		total += n
		if b.bytes += int(n); b.bytes > maxPDFContentBytes {
			return fmt.Errorf("%w：内容数据流解压后共超过 %d MiB", errPDFTooMuch, maxPDFContentBytes>>20)
		}
		if total > maxPDFStreamBytes {
			return fmt.Errorf("%w：第 %d 页的内容数据流解压后超过 %d MiB", errPDFTooMuch, b.page, maxPDFStreamBytes>>20)
		}
		if err != nil && c.err != nil {
			return c.err
		}
	}
	return c.Close()
}

// estimateWidth is the advance of a glyph whose font gives no width: a
// full em for CJK characters, half for the rest.
func estimateWidth(s string) float64 {
	for _, r := range s {
		if isWide(r) {
			return 1
		}
	}
	return 0.5
}

func isWide(r rune) bool {
	return unicode.Is(unicode.Han, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF) ||
		unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) ||
		r == '“' || r == '”' || r == '‘' || r == '’' || r == '…' || r == '—'
}

// pdfLine is a line of text on a page: the glyphs that share a baseline.
type pdfLine struct {
	page          int
	x, end, y     float64
	size          float64
	text          string
	chars, wideCh int
}

// lines groups a page's glyphs into lines, in drawing order: a glyph off
// the current baseline, or far back to its left, starts a new line; a gap
// wider than a third of the font size on the same line becomes a space.
func pageLines(page int, chars []pdfChar) []pdfLine {
	var out []pdfLine
	var cur *pdfLine
	var b strings.Builder
	flush := func() {
		if cur != nil {
			cur.text = strings.TrimSpace(b.String())
			if cur.text != "" {
				out = append(out, *cur)
			}
		}
		b.Reset()
		cur = nil
	}
	for _, c := range chars {
		if c.text == "" || c.size <= 0 || math.IsNaN(c.x+c.y+c.w+c.size) || math.IsInf(c.x+c.y+c.w+c.size, 0) {
			continue
		}
		if strings.TrimSpace(c.text) == "" {
			if cur != nil {
				cur.end = max(cur.end, c.x+c.w)
			}
			continue
		}
		if cur != nil {
			tol := 0.5 * max(c.size, cur.size)
			if math.Abs(c.y-cur.y) > tol || c.x < cur.end-3*max(c.size, cur.size) {
				flush()
			}
		}
		if cur == nil {
			cur = &pdfLine{page: page, x: c.x, end: c.x, y: c.y, size: c.size}
		} else if gap := c.x - cur.end; gap > c.size/3 {
			b.WriteByte(' ')
		}
		b.WriteString(c.text)
		cur.end = max(cur.end, c.x+c.w)
		cur.size = max(cur.size, c.size)
		for _, r := range c.text {
			cur.chars++
			if isWide(r) {
				cur.wideCh++
			}
		}
	}
	flush()
	return out
}

// popAll pops an operator's operands, bottom of the stack first.
func popAll(stk *pdf.Stack) []pdf.Value {
	args := make([]pdf.Value, stk.Len())
	for i := len(args) - 1; i >= 0; i-- {
		args[i] = stk.Pop()
	}
	return args
}
