package ingest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// PDFs are read with github.com/ledongthuc/pdf, a maintained fork of
// rsc.io/pdf, for the file structure (cross-references, object streams,
// filters, RC4/AES decryption with an empty user password). The text is
// taken from the content streams by pdftext.go and pdffont.go, which
// place every glyph and prefer each font's ToUnicode map; the library's
// own GetPlainText garbles CJK text set in Type3 fonts (what Chromium's
// "print to PDF" writes) and keeps no positions to rebuild paragraphs.

var (
	errScanned = &fileError{msg: "PDF 没有文字层（可能是扫描件），请先做文字识别（OCR）", err: ErrNoText}
	errGarbled = &fileError{msg: "PDF 的文字无法解码（字体缺少 Unicode 映射），请先做文字识别（OCR）或另存为文本", err: ErrNoText}
	errPDFPass = &fileError{msg: "文件已加密，无法读取：PDF 需要密码或使用了不支持的加密方式，请提供未加密的文件", err: ErrEncrypted}

	rePDFPageNo = regexp.MustCompile(`^(?:[-－—–\s]*\d{1,4}[-－—–\s]*|第\s*\d{1,4}\s*页(?:\s*[/，,]?\s*共\s*\d{1,4}\s*页)?|\d{1,4}\s*/\s*\d{1,4})$`)
	reDigits    = regexp.MustCompile(`\d+`)
)

// pdfBlocks reads the text layer of a PDF into paragraphs, and returns
// the Title of its document information (a weak title: often a file name).
// It stops when ctx ends: between pages, and every few thousand operators
// within a page.
func pdfBlocks(ctx context.Context, raw []byte) (blocks []Block, title string, err error) {
	defer func() {
		if r := recover(); r != nil {
			blocks, title, err = nil, "", pdfPanicError(r)
		}
	}()
	data := normalizePDF(raw)
	if err := checkPDFFile(ctx, data); err != nil {
		return nil, "", pdfPanicError(err)
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, "", pdfOpenError(err)
	}
	title = strings.TrimSpace(r.Trailer().Key("Info").Key("Title").Text())
	var pages []pdf.Value
	collectPages(r.Trailer().Key("Root").Key("Pages"), 0, &pages, new(int))
	budget := &pdfBudget{ctx: ctx}
	var lines []pdfLine
	var pageErr error
	for i, pg := range pages {
		if err := stopped(ctx); err != nil {
			return nil, "", err
		}
		ls, err := readPDFPage(i+1, pg, budget)
		if err != nil {
			pageErr = err
			continue
		}
		// The lines of all pages are kept until paragraphs are made: bound
		// them as the glyphs of one page are bounded.
		if len(lines)+len(ls) > maxPDFLines {
			return nil, "", fmt.Errorf("%w：PDF 内容过多（超过 %d 万行）", ErrTooLarge, maxPDFLines/10000)
		}
		lines = append(lines, ls...)
	}
	lines = dropFurniture(lines, len(pages))
	if err := checkPDFText(lines); err != nil {
		if pageErr != nil {
			return nil, "", pageErr
		}
		return nil, "", err
	}
	return pdfParagraphs(lines), title, nil
}

// normalizePDF works around what the library refuses although readers
// accept it: bytes before "%PDF-", a PDF 2.0 header, or bytes after the
// last "%%EOF". It copies raw only when it changes something.
func normalizePDF(raw []byte) []byte {
	data := raw
	if i := bytes.Index(data[:min(len(data), 1024)], []byte("%PDF-")); i > 0 {
		data = data[i:]
	}
	if bytes.HasPrefix(data, []byte("%PDF-2.")) || (len(data) > 8 && data[8] != '\r' && data[8] != '\n') {
		data = append([]byte(nil), data...)
		if bytes.HasPrefix(data, []byte("%PDF-2.")) {
			copy(data, "%PDF-1.7")
		}
		if len(data) > 8 && data[8] != '\r' && data[8] != '\n' {
			data[8] = '\n'
		}
	}
	if i := bytes.LastIndex(data, []byte("%%EOF")); i >= 0 && len(data)-(i+5) > 64 {
		data = data[:i+5]
	}
	return data
}

func pdfOpenError(err error) error {
	msg := err.Error()
	if errors.Is(err, pdf.ErrInvalidPassword) || strings.Contains(strings.ToLower(msg), "encrypt") {
		return errPDFPass
	}
	return fmt.Errorf("%w：PDF 无法打开（%s）", ErrCorrupt, msg)
}

// pdfPanicError turns what stopped the reading (a panic in the library,
// a check of pdfguard.go, or the end of the context) into an error for
// the user.
func pdfPanicError(r any) error {
	e, ok := r.(error)
	var stop *stopError
	switch {
	case ok && errors.As(e, &stop):
		return stop
	case ok && errors.Is(e, errPDFTooMuch):
		return fmt.Errorf("%w：%v", ErrTooLarge, e)
	case ok && errors.Is(e, errPDFExtends):
		return fmt.Errorf("%w：%v", ErrUnsupported, e)
	case ok && (errors.Is(e, errPDFOpenHex) || errors.Is(e, errPDFOperands) || errors.Is(e, errPDFPrevCycle) || errors.Is(e, errPDFNumbers) ||
		errors.Is(e, errPDFNesting)):
		return fmt.Errorf("%w：%v", ErrCorrupt, e)
	}
	return fmt.Errorf("%w：PDF 解析出错（%v）", ErrCorrupt, r)
}

// collectPages walks the page tree; depth and count limits stop a
// malformed tree that loops back on itself.
func collectPages(node pdf.Value, depth int, out *[]pdf.Value, visited *int) {
	if depth > 32 || len(*out) >= maxPDFPages || *visited > 4*maxPDFPages {
		return
	}
	*visited++
	kids := node.Key("Kids")
	if node.Key("Type").Name() == "Page" || (kids.Kind() != pdf.Array && !node.Key("Contents").IsNull()) {
		*out = append(*out, node)
		return
	}
	for i := 0; i < kids.Len() && len(*out) < maxPDFPages; i++ {
		collectPages(kids.Index(i), depth+1, out, visited)
	}
}

// readPDFPage reads one page's lines. A page the library cannot read is
// an error for that page only; running over the file's budget stops all.
func readPDFPage(n int, page pdf.Value, budget *pdfBudget) (lines []pdfLine, err error) {
	defer func() {
		if r := recover(); r != nil {
			if e, ok := r.(error); ok && (errors.Is(e, errPDFTooMuch) || errors.As(e, new(*stopError))) {
				panic(r)
			}
			lines, err = nil, fmt.Errorf("%w：PDF 第 %d 页无法读取（%v）", ErrCorrupt, n, r)
		}
	}()
	budget.page, budget.pageGlyphs = n, 0
	pr := &pageReader{budget: budget, fonts: map[string]*pdfFont{}}
	pr.run(page.Key("Contents"), inherited(page, "Resources"), identity, 0)
	return pageLines(n, pr.chars), nil
}

// inherited looks a page attribute up the page tree, as the library's
// Page.Resources does but with a bound: a /Parent chain can loop.
func inherited(page pdf.Value, key string) pdf.Value {
	v := page
	for i := 0; i < 32 && !v.IsNull(); i, v = i+1, v.Key("Parent") {
		if r := v.Key(key); !r.IsNull() {
			return r
		}
	}
	return pdf.Value{}
}

// dropFurniture removes page numbers and the running headers and footers:
// short lines that repeat at the same height on at least half the pages.
func dropFurniture(lines []pdfLine, pages int) []pdfLine {
	// The pages a line repeats on, counted as the lines come (in page
	// order): a map of pages per line would cost some hundred bytes for
	// every short line of a long file.
	type seen struct{ pages, last int }
	count := map[string]*seen{}
	key := func(l pdfLine) string { // the text with its numbers masked, at its height on the page
		return fmt.Sprintf("%s@%.0f", reDigits.ReplaceAllString(strings.Join(strings.Fields(l.text), ""), "#"), l.y/3)
	}
	for _, l := range lines {
		if utf8.RuneCountInString(l.text) <= 40 {
			k := key(l)
			c := count[k]
			if c == nil {
				c = &seen{last: -1}
				count[k] = c
			}
			if c.last != l.page {
				c.pages, c.last = c.pages+1, l.page
			}
		}
	}
	out := lines[:0:0]
	for _, l := range lines {
		if rePDFPageNo.MatchString(l.text) {
			continue
		}
		if c := count[key(l)]; c != nil && c.pages >= 2 && 2*c.pages >= pages {
			continue
		}
		out = append(out, l)
	}
	return out
}

// checkPDFText tells a scan (no text, or only a few stray characters) and
// a text layer that cannot be decoded from real text.
func checkPDFText(lines []pdfLine) error {
	total, good := 0, 0
	for _, l := range lines {
		for _, r := range l.text {
			total++
			if isWide(r) || r < 0x80 && r > ' ' {
				good++
			}
		}
	}
	switch {
	case good < 10:
		return errScanned
	case 2*good < total:
		return errGarbled
	}
	return nil
}

// pdfLayout is where the text of a page runs: its left edge (where lines
// that are not indented start) and its right edge (where full lines end).
type pdfLayout struct{ left, right float64 }

// pdfParagraphs joins lines into paragraphs. A line continues the
// paragraph above when the line above runs to the right edge (or, ending
// without sentence punctuation, nearly so), this one is not indented, does
// not start a heading, has the same font size and follows at the usual
// line spacing. Lines in a font clearly larger than the body's are
// headings, levelled by size; a heading broken over lines is joined.
func pdfParagraphs(lines []pdfLine) []Block {
	body := bodySize(lines)
	levels := headingSizes(lines, body)
	layouts := pageLayouts(lines, body)
	lead := lineSpacing(lines, body)
	var out []Block
	var cur lineJoiner
	level, started := 0, false
	var last pdfLine
	for _, l := range lines {
		lv := levels[roundHalf(l.size)]
		if utf8.RuneCountInString(l.text) > maxHeadingRunes || strings.Contains(l.text, "。") {
			lv = 0
		}
		if started && level == lv && (lv > 0 && headingContinues(last, l) || lv == 0 && continues(last, l, layouts, lead)) {
			cur.add(l.text)
			last = l
			continue
		}
		if started {
			out = append(out, Block{Text: cur.String(), Level: level})
		}
		cur.reset()
		cur.add(l.text)
		level, started, last = lv, true, l
	}
	if started {
		out = append(out, Block{Text: cur.String(), Level: level})
	}
	return out
}

// headingContinues joins a heading (or title) set over two lines.
func headingContinues(a, b pdfLine) bool {
	return a.page == b.page && math.Abs(a.y-b.y) <= 2.2*a.size && !startsSomething(b.text)
}

func continues(a, b pdfLine, layouts map[int]pdfLayout, lead float64) bool {
	if startsSomething(b.text) || math.Abs(a.size-b.size) > 0.15*a.size {
		return false
	}
	if a.page == b.page && math.Abs(a.y-b.y) > max(lead*1.3, a.size*1.2) {
		return false
	}
	la, lb := layouts[a.page], layouts[b.page]
	if b.x > lb.left+0.8*b.size || a.x > la.left+2.5*a.size {
		return false // b is indented: a new paragraph; a is centred: a title line
	}
	full := a.end >= la.right-1.5*a.size
	nearly := !endsSentence(a.text) && a.end >= la.right-0.25*(la.right-la.left)
	return full || nearly
}

// startsSomething reports a line that begins a heading, a measure, an
// attachment or a table of contents: never the rest of a paragraph.
func startsSomething(s string) bool {
	return isHeading(s) || reMeasure.MatchString(s) || reAttach.MatchString(s) || reTOC.MatchString(s) ||
		reCaption.MatchString(s)
}

func endsSentence(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(strings.TrimSpace(s))
	return strings.ContainsRune("。！？；：!?;:", r)
}

// joinLines joins a wrapped line to its paragraph: Chinese text runs on
// without a space, Latin words are separated by one.
func joinLines(a, b string) string {
	var j lineJoiner
	j.add(a)
	j.add(b)
	return j.String()
}

// lineJoiner builds a paragraph from its lines in linear time.
type lineJoiner struct {
	b    strings.Builder
	last rune
}

func (j *lineJoiner) add(line string) {
	if line == "" {
		return
	}
	first, _ := utf8.DecodeRuneInString(line)
	if j.b.Len() > 0 && j.last != '-' && !isWide(j.last) && !isWide(first) {
		j.b.WriteByte(' ')
	}
	j.b.WriteString(line)
	j.last, _ = utf8.DecodeLastRuneInString(line)
}

func (j *lineJoiner) String() string { return j.b.String() }

func (j *lineJoiner) reset() {
	j.b.Reset()
	j.last = 0
}

func roundHalf(x float64) float64 { return math.Round(x*2) / 2 }

// bodySize is the font size of most of the text.
func bodySize(lines []pdfLine) float64 {
	weight := map[float64]int{}
	for _, l := range lines {
		weight[roundHalf(l.size)] += l.chars
	}
	best, n := 0.0, -1
	for s, w := range weight {
		if w > n || (w == n && s < best) {
			best, n = s, w
		}
	}
	return best
}

// headingSizes ranks the font sizes clearly larger than the body's that
// short lines are set in: the largest is level 1.
func headingSizes(lines []pdfLine, body float64) map[float64]int {
	seen := map[float64]bool{}
	for _, l := range lines {
		if s := roundHalf(l.size); s >= body*1.15 && utf8.RuneCountInString(l.text) <= maxHeadingRunes {
			seen[s] = true
		}
	}
	sizes := make([]float64, 0, len(seen))
	for s := range seen {
		sizes = append(sizes, s)
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(sizes)))
	out := map[float64]int{}
	for i, s := range sizes {
		out[s] = min(i+1, 6)
	}
	return out
}

// pageLayouts finds each page's text edges from its body-size lines: the
// most common left edge and the 90th percentile of the line ends; a page
// with too few lines takes the document's.
func pageLayouts(lines []pdfLine, body float64) map[int]pdfLayout {
	byPage := map[int][]pdfLine{}
	var all []pdfLine
	for _, l := range lines {
		if math.Abs(l.size-body) <= 0.15*body {
			byPage[l.page] = append(byPage[l.page], l)
			all = append(all, l)
		}
	}
	global := layoutOf(all)
	out := map[int]pdfLayout{}
	for _, l := range lines {
		if _, ok := out[l.page]; ok {
			continue
		}
		if ls := byPage[l.page]; len(ls) >= 5 {
			out[l.page] = layoutOf(ls)
		} else {
			out[l.page] = global
		}
	}
	return out
}

func layoutOf(lines []pdfLine) pdfLayout {
	if len(lines) == 0 {
		return pdfLayout{}
	}
	xs := map[float64]int{}
	ends := make([]float64, 0, len(lines))
	for _, l := range lines {
		xs[math.Round(l.x)]++
		ends = append(ends, l.end)
	}
	left, n := 0.0, -1
	for x, c := range xs {
		if c > n || (c == n && x < left) {
			left, n = x, c
		}
	}
	sort.Float64s(ends)
	return pdfLayout{left: left, right: ends[len(ends)*9/10]}
}

// lineSpacing is the usual distance between the baselines of two lines of
// body text on a page.
func lineSpacing(lines []pdfLine, body float64) float64 {
	gaps := map[float64]int{}
	for i := 1; i < len(lines); i++ {
		a, b := lines[i-1], lines[i]
		if a.page == b.page && math.Abs(a.size-body) <= 0.15*body && math.Abs(b.size-body) <= 0.15*body {
			if d := math.Round(math.Abs(a.y-b.y)*2) / 2; d > 0 {
				gaps[d]++
			}
		}
	}
	best, n := body*1.5, 0
	for d, c := range gaps {
		if c > n || (c == n && d < best) {
			best, n = d, c
		}
	}
	return best
}
