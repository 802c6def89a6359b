package ingest

import (
	"io"
	"strings"
	"unicode/utf16"

	"github.com/ledongthuc/pdf"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// pdfFont turns the bytes a PDF text operator shows into text and glyph
// widths. It prefers the font's ToUnicode map, as the PDF specification
// says readers should: the pdf library consults an /Encoding dictionary
// first, which garbles the Type3 fonts Chromium writes for CJK text (each
// has both). Fonts without a ToUnicode map fall back to the standard
// Chinese CMaps (GBK-EUC-H, UniGB-UCS2-H …, common in PDFs made with
// STSong-Light) and then to the library's decoding.
type pdfFont struct {
	toUni   *toUnicode
	gbk     bool             // codes are GBK bytes (GB-EUC-H, GBK-EUC-H …)
	utf16   bool             // codes are UTF-16 (UniGB-UCS2-H, UniGB-UTF16-H)
	lib     pdf.TextEncoding // the library's decoding, the last resort
	twoByte bool             // a composite (Type0) font: codes are two bytes
	first   int              // simple fonts: the code of widths[0]
	widths  []float64        // simple fonts: glyph widths in glyph units
	cidW    map[int]float64  // composite fonts: widths by CID
	dw      float64          // composite fonts: the default width
	scale   float64          // glyph units to text space (1/1000, or a Type3 FontMatrix)
}

// maxCMapEntries bounds what a font's maps may hold, so a hostile file
// cannot make a reader build huge tables.
const maxCMapEntries = 1 << 17

func newPDFFont(v pdf.Value) *pdfFont {
	f := &pdfFont{scale: 0.001, dw: 1000}
	if tu := v.Key("ToUnicode"); tu.Kind() == pdf.Stream {
		// Checked here, not in readToUnicode: a map it cannot read is read
		// again by the library's decoder, which would make the reader.
		if err := checkStreamParams(tu); err != nil {
			panic(err)
		}
		f.toUni = readToUnicode(tu)
	}
	switch v.Key("Subtype").Name() {
	case "Type0":
		f.twoByte = true
		enc := v.Key("Encoding").Name()
		f.gbk = strings.HasPrefix(enc, "GB") && strings.Contains(enc, "EUC") || strings.HasPrefix(enc, "GBK")
		f.utf16 = strings.HasPrefix(enc, "UniGB-UCS2") || strings.HasPrefix(enc, "UniGB-UTF16")
		desc := v.Key("DescendantFonts").Index(0)
		if dw := desc.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.dw = dw.Float64()
		}
		f.cidW = readCIDWidths(desc.Key("W"))
	case "Type3":
		if m := v.Key("FontMatrix"); m.Len() == 6 && m.Index(0).Float64() != 0 {
			f.scale = abs(m.Index(0).Float64())
		}
		fallthrough
	default:
		f.first = int(v.Key("FirstChar").Int64())
		ws := v.Key("Widths")
		for i := 0; i < ws.Len() && i < 65536; i++ {
			f.widths = append(f.widths, ws.Index(i).Float64())
		}
	}
	if f.toUni == nil && !f.gbk && !f.utf16 {
		font := pdf.Font{V: v}
		f.lib = font.Encoder()
	}
	return f
}

// readCIDWidths reads a composite font's W array: "c [w1 w2 …]" gives the
// widths of c, c+1, …; "c1 c2 w" gives c1 to c2 the width w.
func readCIDWidths(w pdf.Value) map[int]float64 {
	out := map[int]float64{}
	for i := 0; i+1 < w.Len() && len(out) < maxCMapEntries; {
		c := int(w.Index(i).Int64())
		if next := w.Index(i + 1); next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && len(out) < maxCMapEntries; j++ {
				out[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= w.Len() {
			break
		}
		hi, width := int(w.Index(i+1).Int64()), w.Index(i+2).Float64()
		for cid := c; cid <= hi && len(out) < maxCMapEntries; cid++ {
			out[cid] = width
		}
		i += 3
	}
	return out
}

// glyph is one character code shown: its text and its width in glyph units
// (0 when the font does not say).
type glyph struct {
	text  string
	width float64
	space bool // a single-byte code 32, which word spacing applies to
}

// glyphs splits the shown bytes into character codes and decodes them.
func (f *pdfFont) glyphs(s string) []glyph {
	var out []glyph
	for i := 0; i < len(s); {
		n := f.codeLen(s, i)
		code := s[i : i+n]
		i += n
		out = append(out, glyph{text: f.decode(code), width: f.width(code), space: n == 1 && code == " "})
	}
	return out
}

func (f *pdfFont) codeLen(s string, i int) int {
	if f.toUni != nil && f.toUni.hasSpaces() {
		if n := f.toUni.codeLen(s[i:]); n > 0 {
			return n
		}
	}
	if f.gbk && s[i] < 0x80 {
		return 1
	}
	if (f.twoByte || f.gbk) && i+1 < len(s) {
		return 2
	}
	return 1
}

func (f *pdfFont) decode(code string) string {
	switch {
	case f.toUni != nil:
		if t, ok := f.toUni.lookup(code); ok {
			return t
		}
		return ""
	case f.gbk:
		out, err := simplifiedchinese.GB18030.NewDecoder().String(code)
		if err != nil {
			return ""
		}
		return out
	case f.utf16:
		return utf16String(code)
	case f.lib != nil:
		return f.lib.Decode(code)
	}
	return code
}

func (f *pdfFont) width(code string) float64 {
	c := 0
	for i := 0; i < len(code); i++ {
		c = c<<8 | int(code[i])
	}
	if f.twoByte {
		if w, ok := f.cidW[c]; ok {
			return w
		}
		return f.dw
	}
	if k := c - f.first; k >= 0 && k < len(f.widths) {
		return f.widths[k]
	}
	return 0
}

// utf16String decodes big-endian UTF-16 bytes.
func utf16String(s string) string {
	u := make([]uint16, 0, len(s)/2)
	for i := 0; i+1 < len(s); i += 2 {
		u = append(u, uint16(s[i])<<8|uint16(s[i+1]))
	}
	return string(utf16.Decode(u))
}

// toUnicode is a font's ToUnicode CMap: code space ranges, then single
// codes (bfchar) and ranges of codes (bfrange) mapped to UTF-16 text.
type toUnicode struct {
	spaces [4][][2]uint32 // by code length 1–4: [low, high]
	chars  map[cmapKey]string
	ranges []cmapRange
}

type cmapKey struct {
	n    int
	code uint32
}

type cmapRange struct {
	n      int
	lo, hi uint32
	dst    string   // UTF-16 of lo; the last unit counts up through the range
	arr    []string // or one UTF-16 string per code
}

// maxCMapBytes bounds how much of a ToUnicode stream is read.
const maxCMapBytes = 4 << 20

// readToUnicode reads the codespacerange, bfchar and bfrange sections of
// a ToUnicode CMap. It tokenises the stream itself: the library's
// PostScript interpreter cannot run a CMap from outside the package (its
// "findresource" needs a dictionary only the library can make). A stream
// that cannot be read gives a nil map.
func readToUnicode(strm pdf.Value) (m *toUnicode) {
	defer func() {
		if recover() != nil {
			m = nil
		}
	}()
	rc := strm.Reader()
	data, _ := io.ReadAll(io.LimitReader(rc, maxCMapBytes))
	rc.Close()
	m = &toUnicode{chars: map[cmapKey]string{}}
	var args []cmapToken
	lx := cmapLexer{data: data}
	for {
		tok, ok := lx.next()
		if !ok {
			break
		}
		if !tok.op {
			args = append(args, tok)
			continue
		}
		switch tok.s {
		case "endcodespacerange":
			m.addSpaces(args)
		case "endbfchar":
			m.addChars(args)
		case "endbfrange":
			m.addRanges(args)
		}
		args = args[:0]
	}
	return m
}

func (m *toUnicode) addSpaces(args []cmapToken) {
	for i := 0; i+1 < len(args); i += 2 {
		lo, hi := args[i].s, args[i+1].s
		if n := len(lo); n >= 1 && n <= 4 && len(hi) == n {
			m.spaces[n-1] = append(m.spaces[n-1], [2]uint32{codeValue(lo), codeValue(hi)})
		}
	}
}

func (m *toUnicode) addChars(args []cmapToken) {
	for i := 0; i+1 < len(args) && len(m.chars) < maxCMapEntries; i += 2 {
		if n := len(args[i].s); n >= 1 && n <= 4 {
			m.chars[cmapKey{n, codeValue(args[i].s)}] = utf16String(args[i+1].s)
		}
	}
}

func (m *toUnicode) addRanges(args []cmapToken) {
	for i := 0; i+2 < len(args) && len(m.ranges) < maxCMapEntries; i += 3 {
		lo, hi := args[i].s, args[i+1].s
		n := len(lo)
		if n < 1 || n > 4 || len(hi) != n || codeValue(hi) < codeValue(lo) {
			continue
		}
		r := cmapRange{n: n, lo: codeValue(lo), hi: codeValue(hi), dst: args[i+2].s, arr: args[i+2].arr}
		m.ranges = append(m.ranges, r)
	}
}

// cmapToken is an operand (a string, an array of strings, a number or
// name kept as text) or an operator of a CMap.
type cmapToken struct {
	s   string
	arr []string
	op  bool
}

type cmapLexer struct {
	data []byte
	i    int
}

// next returns the next operand or operator; dictionaries and procedures
// are skipped as single operands, arrays become one operand.
func (lx *cmapLexer) next() (cmapToken, bool) {
	for lx.i < len(lx.data) {
		c := lx.data[lx.i]
		switch {
		case c == '%':
			for lx.i < len(lx.data) && lx.data[lx.i] != '\n' && lx.data[lx.i] != '\r' {
				lx.i++
			}
		case isPDFSpace(c) || c == '>' || c == '{' || c == '}' || c == ']':
			lx.i++
		case c == '<' && lx.i+1 < len(lx.data) && lx.data[lx.i+1] == '<':
			lx.i += 2
		case c == '<':
			return cmapToken{s: lx.hex()}, true
		case c == '(':
			return cmapToken{s: lx.literal()}, true
		case c == '[':
			lx.i++
			var arr []string
			for lx.i < len(lx.data) && lx.data[lx.i] != ']' && len(arr) < 65536 {
				t, ok := lx.next()
				if !ok || t.op {
					break
				}
				arr = append(arr, t.s)
			}
			lx.i++
			return cmapToken{arr: arr}, true
		default:
			start := lx.i
			for lx.i < len(lx.data) && !isPDFSpace(lx.data[lx.i]) && !strings.ContainsRune("<>[](){}%", rune(lx.data[lx.i])) || lx.i == start && lx.data[lx.i] == '/' {
				lx.i++
			}
			if lx.i == start {
				lx.i++
				continue
			}
			word := string(lx.data[start:lx.i])
			isOp := word[0] != '/' && !strings.ContainsAny(word[:1], "0123456789+-.")
			return cmapToken{s: word, op: isOp}, true
		}
	}
	return cmapToken{}, false
}

func (lx *cmapLexer) hex() string {
	lx.i++ // <
	var out []byte
	var hi byte
	half := false
	for ; lx.i < len(lx.data) && lx.data[lx.i] != '>'; lx.i++ {
		v, ok := unhexByte(lx.data[lx.i])
		if !ok {
			continue
		}
		if half {
			out = append(out, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	if half {
		out = append(out, hi<<4)
	}
	lx.i++ // >
	return string(out)
}

func (lx *cmapLexer) literal() string {
	lx.i++ // (
	var out []byte
	depth := 1
	for ; lx.i < len(lx.data); lx.i++ {
		c := lx.data[lx.i]
		switch {
		case c == '\\' && lx.i+1 < len(lx.data):
			lx.i++
			out = append(out, lx.data[lx.i])
			continue
		case c == '(':
			depth++
		case c == ')':
			if depth--; depth == 0 {
				lx.i++
				return string(out)
			}
		}
		out = append(out, c)
	}
	return string(out)
}

func unhexByte(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0
}

func codeValue(s string) uint32 {
	var v uint32
	for i := 0; i < len(s); i++ {
		v = v<<8 | uint32(s[i])
	}
	return v
}

func (m *toUnicode) hasSpaces() bool {
	for _, s := range m.spaces {
		if len(s) > 0 {
			return true
		}
	}
	return false
}

// codeLen is the length of the code at the start of s by the code space
// ranges, 0 when none matches.
func (m *toUnicode) codeLen(s string) int {
	for n := 1; n <= 4 && n <= len(s); n++ {
		c := codeValue(s[:n])
		for _, r := range m.spaces[n-1] {
			if c >= r[0] && c <= r[1] {
				return n
			}
		}
	}
	return 0
}

func (m *toUnicode) lookup(code string) (string, bool) {
	n, c := len(code), codeValue(code)
	if t, ok := m.chars[cmapKey{n, c}]; ok {
		return t, true
	}
	for _, r := range m.ranges {
		if r.n != n || c < r.lo || c > r.hi {
			continue
		}
		k := c - r.lo
		if r.arr != nil {
			if k < uint32(len(r.arr)) {
				return utf16String(r.arr[k]), true
			}
			return "", false
		}
		if len(r.dst) < 2 {
			return "", false
		}
		b := []byte(r.dst)
		last := uint32(b[len(b)-2])<<8 | uint32(b[len(b)-1])
		last += k
		b[len(b)-2], b[len(b)-1] = byte(last>>8), byte(last)
		return utf16String(string(b)), true
	}
	return "", false
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
