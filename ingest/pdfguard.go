package ingest

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
)

// The pdf library hangs on some malformed files instead of failing: its
// lexer loops forever on a hex string left open at the end of a stream
// (where it reads endless newlines), it follows a /Prev chain of
// cross-reference sections or an /Extends chain of object streams round
// a cycle, and it stacks operands without bound until an operator comes.
// A server must not hang on an upload, so the files and streams it will
// lex are checked here first, in time linear in their size.

var (
	errPDFOpenHex   = errors.New("PDF 数据流中有未结束的十六进制字符串")
	errPDFOperands  = errors.New("PDF 数据流中操作数过多")
	errPDFPrevCycle = errors.New("PDF 交叉引用表的 /Prev 链成环")
	errPDFExtends   = errors.New("PDF 使用了对象流扩展（/Extends），暂不支持")

	rePDFPrev      = regexp.MustCompile(`/Prev\s+(\d{1,15})`)
	rePDFStartXref = regexp.MustCompile(`startxref\s+(\d{1,15})`)
	rePDFObjStm    = regexp.MustCompile(`/Type\s*/ObjStm`)
)

// maxPDFOperands is the longest run of operands before an operator; real
// content streams have a handful (TJ arrays a few hundred).
const maxPDFOperands = 1 << 16

// checkPDFFile checks what the library reads before any page: the /Prev
// chain from the last startxref, and the object streams.
func checkPDFFile(data []byte) error {
	if err := checkPrevChain(data); err != nil {
		return err
	}
	return checkObjectStreams(data)
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
func checkObjectStreams(data []byte) error {
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
		var r io.Reader = bytes.NewReader(body)
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
		n, _ := io.Copy(c, io.LimitReader(r, budget+1))
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
// too many operands. It is an io.Writer so streams need not be held whole.
type contentCheck struct {
	state    byte // 0 normal, '(' literal, '<' hex, '%' comment, '\\' escape in a literal, 'w' word, 'l' after '<'
	depth    int
	word     []byte
	operands int // -1: do not count (object streams)
	err      error
}

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
			c.endWord()
			c.state = 0
			c.step(b)
			return
		}
		if len(c.word) < 16 {
			c.word = append(c.word, b)
		}
		return
	}
	switch {
	case isPDFSpace(b), b == '>', b == '[', b == ']', b == '{', b == '}', b == ')':
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

func (c *contentCheck) operand() {
	if c.operands < 0 {
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
