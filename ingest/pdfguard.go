package ingest

import (
	"bytes"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"

	"github.com/ledongthuc/pdf"
)

// The pdf library hangs on some malformed files instead of failing: its
// lexer loops forever on a hex string left open at the end of a stream
// (where it reads endless newlines), it follows a /Prev chain of
// cross-reference sections or an /Extends chain of object streams round
// a cycle, and it stacks operands without bound until an operator comes.
// A server must not hang on an upload, so the files and streams it will
// lex are checked here first, in time linear in their size.
//
// The library also sizes allocations by numbers it reads from the file:
// an xref stream's /Size and /W, the first object number of an xref
// subsection, a predictor's /Columns. A tiny file naming a terabyte makes
// the Go runtime abort the whole process ("out of memory" is fatal, not a
// panic), so those numbers are bounded here before the library sees them;
// and it holds a whole array or dictionary in memory while it parses one,
// so their length is bounded too.

var (
	errPDFOpenHex   = errors.New("PDF 数据流中有未结束的十六进制字符串")
	errPDFOperands  = errors.New("PDF 数据流中操作数过多")
	errPDFPrevCycle = errors.New("PDF 交叉引用表的 /Prev 链成环")
	errPDFExtends   = errors.New("PDF 使用了对象流扩展（/Extends），暂不支持")
	errPDFNumbers   = errors.New("PDF 结构中的数值异常（对象数、数据宽度或行宽超出合理范围）")
	errPDFNesting   = errors.New("PDF 对象嵌套过深")

	rePDFPrev      = regexp.MustCompile(`/Prev\s+(\d{1,15})`)
	rePDFStartXref = regexp.MustCompile(`startxref\s+(\d{1,15})`)
	rePDFObjStm    = regexp.MustCompile(`/Type\s*/ObjStm`)
	rePDFXRefStm   = regexp.MustCompile(`/Type\s*/XRef`)
	rePDFColumns   = regexp.MustCompile(`/Columns\s+(-?\d+)`)
	rePDFSize      = regexp.MustCompile(`/Size\s+(-?\d+)`)
	rePDFW         = regexp.MustCompile(`/W\s*\[([^\]]*)\]`)
	rePDFIndex     = regexp.MustCompile(`/Index\s*\[([^\]]*)\]`)
	rePDFN         = regexp.MustCompile(`/N\s+(\d+)(\s+\d+\s+R)?`)
)

const (
	// maxPDFOperands is the longest run of operands before an operator;
	// real content streams have a handful (TJ arrays a few hundred).
	maxPDFOperands = 1 << 16
	// maxPDFObjects bounds object numbers: the library allocates a
	// 32-byte cross-reference entry for every number up to the largest.
	// A PDF of 5,000 pages has some 100,000 objects.
	maxPDFObjects = 1 << 19
	// maxPDFColumns bounds a predictor's row width, which the library
	// allocates twice (real rows: an xref stream's 5 bytes, an image's
	// width in pixels).
	maxPDFColumns = 1 << 20
	// maxPDFXrefWidth bounds the bytes of one xref stream entry (real: 3 to 7).
	maxPDFXrefWidth = 64
	// maxPDFContainer bounds the tokens of one array or dictionary
	// (a reference counts three); the library holds one whole while
	// parsing it, some 100 bytes a reference. Real ones have at most some
	// tens of thousands (a CJK font's width array, a flat page tree).
	maxPDFContainer = 1 << 19
)

// checkPDFFile checks what the library reads before any page: the /Prev
// chain from the last startxref, the numbers it allocates by, the length
// of arrays and dictionaries, and the object streams.
func checkPDFFile(ctx context.Context, data []byte) error {
	if err := checkPrevChain(data); err != nil {
		return err
	}
	if err := checkAllocations(data); err != nil {
		return err
	}
	if err := checkObjects(ctx, data); err != nil {
		return err
	}
	return checkObjectStreams(ctx, data)
}

// checkAllocations bounds the numbers the library sizes allocations by,
// where it reads them: in the file itself (trailers and xref streams are
// never compressed). /Columns may also hide in an object stream or an
// indirect object; contentCheck and checkStreamParams look there.
func checkAllocations(data []byte) error {
	bad := func(re *regexp.Regexp, limit int64) bool {
		for _, m := range re.FindAllSubmatch(data, -1) {
			if n, err := strconv.ParseInt(string(m[1]), 10, 64); err != nil || n < 0 || n > limit {
				return true
			}
		}
		return false
	}
	if bad(rePDFColumns, maxPDFColumns) || bad(rePDFSize, maxPDFObjects) {
		return errPDFNumbers
	}
	for _, loc := range rePDFXRefStm.FindAllIndex(data, -1) {
		dict := objectDict(data, loc)
		if m := rePDFW.FindSubmatch(dict); m != nil {
			total := int64(0)
			for _, f := range bytes.Fields(m[1]) {
				n, err := strconv.ParseInt(string(f), 10, 64)
				if err != nil || n < 0 || n > maxPDFXrefWidth {
					return errPDFNumbers
				}
				total += n
			}
			if total > maxPDFXrefWidth {
				return errPDFNumbers
			}
		}
		if m := rePDFIndex.FindSubmatch(dict); m != nil {
			f := bytes.Fields(m[1])
			for i := 0; i+1 < len(f); i += 2 {
				start, err1 := strconv.ParseInt(string(f[i]), 10, 64)
				n, err2 := strconv.ParseInt(string(f[i+1]), 10, 64)
				if err1 != nil || err2 != nil || start < 0 || n < 0 || start+n > maxPDFObjects {
					return errPDFNumbers
				}
			}
		}
	}
	return checkXrefTables(data)
}

// objectDict is the dictionary around a match in an object's head: from
// the object's "obj" keyword (or the match) to its "stream" keyword (or
// 4 KB on). It is where the library reads the object's entries.
func objectDict(data []byte, loc []int) []byte {
	start := loc[0]
	if i := bytes.LastIndex(data[max(0, loc[0]-4096):loc[0]], []byte("obj")); i >= 0 {
		start = max(0, loc[0]-4096) + i
	}
	end := min(len(data), loc[1]+4096)
	if i := bytes.Index(data[loc[1]:end], []byte("stream")); i >= 0 {
		end = loc[1] + i
	}
	return data[start:end]
}

// checkXrefTables reads the subsection heads ("first count") of every
// classic cross-reference table as the library will: it grows its table
// to first+count entries.
func checkXrefTables(data []byte) error {
	for _, at := range keywordsAt(data, "xref") {
		if at > 0 && data[at-1] >= 'a' && data[at-1] <= 'z' {
			continue // startxref
		}
		rest := data[at+len("xref"):]
		if end := bytes.Index(rest, []byte("trailer")); end >= 0 {
			rest = rest[:end]
		}
		toks := pdfTokens{data: rest}
		for {
			first, ok1 := toks.int()
			count, ok2 := toks.int()
			if !ok1 || !ok2 {
				break // the end, or a table the library fails on itself
			}
			if first < 0 || count < 0 || first+count > maxPDFObjects {
				return errPDFNumbers
			}
			for range 3 * count {
				if !toks.skip() {
					break
				}
			}
		}
	}
	return nil
}

// pdfTokens reads whitespace-separated tokens without allocating.
type pdfTokens struct {
	data []byte
	pos  int
}

func (t *pdfTokens) next() []byte {
	for t.pos < len(t.data) && isPDFSpace(t.data[t.pos]) {
		t.pos++
	}
	start := t.pos
	for t.pos < len(t.data) && !isPDFSpace(t.data[t.pos]) {
		t.pos++
	}
	return t.data[start:t.pos]
}

func (t *pdfTokens) skip() bool { return len(t.next()) > 0 }

func (t *pdfTokens) int() (int64, bool) {
	tok := t.next()
	if len(tok) == 0 || len(tok) > 15 {
		return 0, len(tok) > 15 // a number too long to be real is too big
	}
	n, err := strconv.ParseInt(string(tok), 10, 64)
	return n, err == nil
}

// checkObjects lexes the objects of the file (stream data skipped) for
// over-long arrays and dictionaries. Each object is lexed afresh from its
// "N G obj", as the library reads it from its offset, so that junk
// between objects cannot hide one.
func checkObjects(ctx context.Context, data []byte) error {
	var starts []int // just after each "N G obj"
	for _, at := range keywordsAt(data, "obj") {
		if objectHead(data[:at]) {
			starts = append(starts, at+len("obj"))
		}
	}
	for i, start := range starts {
		if i%1024 == 0 {
			if err := stopped(ctx); err != nil {
				return err
			}
		}
		end := len(data)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		c := &contentCheck{operands: -1, file: true}
		_, _ = c.Write(data[start:end])
		if c.err != nil {
			return c.err
		}
	}
	return nil
}

// keywordsAt returns where word occurs in data followed by a delimiter
// or the end (so "obj" is not found in "objects"). A regular expression
// would do, some ten times slower on a 50 MB file.
func keywordsAt(data []byte, word string) []int {
	var out []int
	w := []byte(word)
	for off := 0; ; {
		i := bytes.Index(data[off:], w)
		if i < 0 {
			return out
		}
		at := off + i
		off = at + len(w)
		if off == len(data) || isPDFSpace(data[off]) || bytes.IndexByte([]byte("<>[](){}/%"), data[off]) >= 0 {
			out = append(out, at)
		}
	}
}

// objectHead reports whether head ends with "N G " (the start of "N G obj").
func objectHead(head []byte) bool {
	i := len(head)
	for part := 0; part < 2; part++ {
		j := i
		for j > 0 && isPDFSpace(head[j-1]) {
			j--
		}
		if j == i {
			return false // no space before the number
		}
		k := j
		for k > 0 && head[k-1] >= '0' && head[k-1] <= '9' {
			k--
		}
		if k == j {
			return false
		}
		i = k
	}
	return true
}

// checkStreamParams bounds a stream's predictor row width before its
// reader is made: the library allocates it at once.
func checkStreamParams(s pdf.Value) error {
	params := []pdf.Value{s.Key("DecodeParms")}
	if params[0].Kind() == pdf.Array {
		arr := params[0]
		params = params[:0]
		for i := 0; i < arr.Len() && i < 16; i++ {
			params = append(params, arr.Index(i))
		}
	}
	for _, p := range params {
		if c := p.Key("Columns").Int64(); c < 0 || c > maxPDFColumns {
			return errPDFNumbers
		}
	}
	return nil
}

// ctxReader stops a stream's reading when its context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (r ctxReader) Read(p []byte) (int, error) {
	if err := stopped(r.ctx); err != nil {
		return 0, err
	}
	return r.r.Read(p)
}

// checkPrevChain follows /Prev from the last startxref the way the
// library will, looking for the next /Prev before the following
// "startxref", and fails on a cycle.
func checkPrevChain(data []byte) error {
	ms := rePDFStartXref.FindAllSubmatch(data, -1)
	if len(ms) == 0 {
		return nil // the library reports the missing startxref itself
	}
	off, _ := strconv.ParseInt(string(ms[len(ms)-1][1]), 10, 64)
	seen := map[int64]bool{}
	for off >= 0 && off < int64(len(data)) {
		if seen[off] || len(seen) > 1000 {
			return errPDFPrevCycle
		}
		seen[off] = true
		section := data[off:]
		if end := bytes.Index(section, []byte("startxref")); end >= 0 {
			section = section[:end]
		}
		m := rePDFPrev.FindSubmatch(section)
		if m == nil {
			return nil
		}
		off, _ = strconv.ParseInt(string(m[1]), 10, 64)
	}
	return nil
}

// checkObjectStreams lexes every object stream the library may read
// objects from (uncompressed or Flate; others cannot be checked here).
func checkObjectStreams(ctx context.Context, data []byte) error {
	budget := int64(maxPDFContentBytes)
	for _, loc := range rePDFObjStm.FindAllIndex(data, -1) {
		dictEnd := bytes.Index(data[loc[1]:], []byte("stream"))
		if dictEnd < 0 {
			continue
		}
		dict := data[loc[1] : loc[1]+dictEnd]
		if dictStart := bytes.LastIndex(data[:loc[0]], []byte("<<")); dictStart >= 0 {
			dict = data[dictStart : loc[1]+dictEnd]
		}
		if bytes.Contains(dict, []byte("/Extends")) {
			return errPDFExtends
		}
		// The library reads /N entries, even past the stream's end: an
		// indirect or absurd count would keep it looping.
		if m := rePDFN.FindSubmatch(dict); m != nil {
			if n, err := strconv.ParseInt(string(m[1]), 10, 64); err != nil || n > maxPDFObjects || len(m[2]) > 0 {
				return errPDFNumbers
			}
		}
		start := loc[1] + dictEnd + len("stream")
		if start < len(data) && data[start] == '\r' {
			start++
		}
		if start < len(data) && data[start] == '\n' {
			start++
		}
		body := data[start:]
		if end := bytes.Index(body, []byte("endstream")); end >= 0 {
			body = body[:end]
		}
		var r io.Reader = ctxReader{ctx, bytes.NewReader(body)}
		switch {
		case bytes.Contains(dict, []byte("/FlateDecode")):
			zr, err := zlib.NewReader(r)
			if err != nil {
				continue // the library will fail on it too
			}
			r = zr
		case bytes.Contains(dict, []byte("/Filter")):
			continue
		}
		c := &contentCheck{operands: -1}
		n, err := io.Copy(c, io.LimitReader(r, budget+1))
		var stop *stopError
		if errors.As(err, &stop) {
			return stop
		}
		if budget -= n; budget < 0 {
			return fmt.Errorf("%w：对象流解压后过大", errPDFTooMuch)
		}
		if err := c.Close(); err != nil {
			return err
		}
	}
	return nil
}

// contentCheck lexes a stream as the library's lexer will (literal
// strings with nesting and escapes, hex strings, comments) and fails if
// the stream ends inside a hex string or, for content streams, piles up
// too many operands; in object streams and the file itself, where there
// are no operators, it fails on an array or dictionary of too many
// tokens and on a predictor's /Columns out of bounds. It is an io.Writer
// so streams need not be held whole.
type contentCheck struct {
	state    byte // 0 normal, '(' literal, '<' hex, '%' comment, '\\' escape in a literal, 'w' word, 'l' after '<', 'g' after '>', 's' stream data
	depth    int
	word     []byte
	operands int // -1: do not count (object streams, the file): count container tokens instead
	err      error

	file       bool  // the file itself: skip stream data
	containers []int // tokens of the open arrays and dictionaries (operands < 0)
	columns    bool  // the last token was /Columns
	matched    int   // bytes of "endstream" matched in stream data
}

var endstream = []byte("endstream")

func (c *contentCheck) Write(p []byte) (int, error) {
	for _, b := range p {
		if c.err != nil {
			return 0, c.err
		}
		c.step(b)
	}
	return len(p), c.err
}

func (c *contentCheck) step(b byte) {
	switch c.state {
	case 's':
		switch {
		case b == endstream[c.matched]:
			if c.matched++; c.matched == len(endstream) {
				c.state, c.matched = 0, 0
			}
		case b == endstream[0]:
			c.matched = 1
		default:
			c.matched = 0
		}
		return
	case 'g':
		c.state = 0
		if b == '>' { // ">>" closes a dictionary
			c.close()
			return
		}
		c.step(b)
		return
	case '\\':
		c.state = '('
		return
	case '(':
		switch b {
		case '\\':
			c.state = '\\'
		case '(':
			c.depth++
		case ')':
			if c.depth--; c.depth == 0 {
				c.state = 0
				c.operand()
			}
		}
		return
	case '<':
		if b == '>' {
			c.state = 0
			c.operand()
		}
		return
	case 'l':
		if b == '<' { // "<<" opens a dictionary
			c.state = 0
			c.open()
			return
		}
		c.state = '<'
		c.step(b)
		return
	case '%':
		if b == '\r' || b == '\n' {
			c.state = 0
		}
		return
	case 'w':
		if isPDFSpace(b) || bytes.IndexByte([]byte("<>[](){}/%"), b) >= 0 {
			c.state = 0
			c.endWord()
			if c.state == 0 { // not the start of stream data
				c.step(b)
			}
			return
		}
		if len(c.word) < 16 {
			c.word = append(c.word, b)
		}
		return
	}
	switch {
	case b == '[':
		c.open()
	case b == ']':
		c.close()
	case b == '>':
		c.state = 'g'
	case isPDFSpace(b), b == '{', b == '}', b == ')':
	case b == '(':
		c.state, c.depth = '(', 1
	case b == '<':
		c.state = 'l'
	case b == '%':
		c.state = '%'
	default:
		c.state, c.word = 'w', append(c.word[:0], b)
	}
}

// endWord counts a number or name as an operand and resets the count at
// an operator.
func (c *contentCheck) endWord() {
	w := c.word
	if c.operands < 0 {
		c.endValue(w)
		return
	}
	switch {
	case len(w) == 0:
	case w[0] == '/' || w[0] == '+' || w[0] == '-' || w[0] == '.' || (w[0] >= '0' && w[0] <= '9'):
		c.operand()
	case string(w) == "true" || string(w) == "false" || string(w) == "null":
		c.operand()
	default:
		if c.operands >= 0 {
			c.operands = 0
		}
	}
}

// endValue checks a word of an object: a number after /Columns, and the
// "stream" keyword that starts data to skip in the file.
func (c *contentCheck) endValue(w []byte) {
	if c.columns && len(w) > 0 {
		n, err := strconv.ParseInt(string(w), 10, 64)
		if err == nil && (n < 0 || n > maxPDFColumns) || len(w) >= 16 && w[0] >= '0' && w[0] <= '9' {
			c.err = errPDFNumbers
		}
	}
	c.columns = string(w) == "/Columns"
	if c.file && string(w) == "stream" {
		c.state, c.matched = 's', 0
		return
	}
	c.operand()
}

// maxPDFNesting is the depth of arrays and dictionaries counted; the
// library refuses objects nested deeper than 1000.
const maxPDFNesting = 1000

// open starts an array or dictionary, itself a token of the one around it.
func (c *contentCheck) open() {
	if c.operands >= 0 {
		return
	}
	c.operand()
	if len(c.containers) >= maxPDFNesting {
		c.err = errPDFNesting // the library would fail on it too
		return
	}
	c.containers = append(c.containers, 0)
}

func (c *contentCheck) close() {
	if n := len(c.containers); n > 0 {
		c.containers = c.containers[:n-1]
	}
}

func (c *contentCheck) operand() {
	if c.operands < 0 {
		if n := len(c.containers); n > 0 {
			if c.containers[n-1]++; c.containers[n-1] > maxPDFContainer {
				c.err = fmt.Errorf("%w：数组或字典超过 %d 项", errPDFTooMuch, maxPDFContainer)
			}
		}
		return
	}
	if c.operands++; c.operands > maxPDFOperands {
		c.err = errPDFOperands
	}
}

// Close reports how the stream ended.
func (c *contentCheck) Close() error {
	if c.state == 'w' {
		c.endWord()
	}
	if c.err != nil {
		return c.err
	}
	if c.state == '<' || c.state == 'l' {
		return errPDFOpenHex
	}
	return nil
}
