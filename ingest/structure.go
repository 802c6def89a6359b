package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/corpus"
)

// Line patterns of Chinese official documents.
var (
	reHeading1 = regexp.MustCompile(`^([一二三四五六七八九十]+)、\s*(.+)$`)
	reHeading2 = regexp.MustCompile(`^[（(]([一二三四五六七八九十]+)[）)]\s*(.+)$`)
	reHeading3 = regexp.MustCompile(`^(\d{1,2})\s*[.、．]\s*([^\d\s.．、].*)$`) // not "1.5亿元"
	reHeading4 = regexp.MustCompile(`^[（(](\d{1,2})[）)]\s*(.+)$`)
	reCase     = regexp.MustCompile(`^(经验|案例)([一二三四五六七八九十]+)\s*[：:]\s*(.+)$`)
	reMeasure  = regexp.MustCompile(`^([一二三四五六七八九十]+)是`)
	reCaption  = regexp.MustCompile(`^图\s*\d+\s*[-－—–]\s*\d+\s*(.*)$`)
	reYear     = regexp.MustCompile(`(\d{4})\s*年`)
	rePageNum  = regexp.MustCompile(`^\d{1,4}$`)
	reTOC      = regexp.MustCompile(`^目\s*录$`)
	reTOCEntry = regexp.MustCompile(`(?:[.…·．。\-—\s]{3,}|\t)\s*\d{1,4}$`) // "前言……………1"
	reAttach   = regexp.MustCompile(`^附\s*件\s*\d*\s*[：:]?$`)
	reAttachs  = regexp.MustCompile(`^附\s*件\s*[：:]\s*\S`) // "附件：1.…" lists the attachments
	reSheet    = regexp.MustCompile(`^Sheet\d+$`)
	reSeries   = regexp.MustCompile(`^系列\s*\d+$`)
)

// maxHeadingRunes is the longest line taken for a numbered heading; a
// longer one is a paragraph that merely starts with a number.
const maxHeadingRunes = 40

// Meta is what is known about a document besides its text (from a sidecar
// file or an upload form); empty fields are filled from the text when it says.
type Meta struct {
	Title  string
	Issuer string
	Date   string
	Year   int
}

// ParseText reads a plain-text official document (UTF-8, UTF-16 with a
// byte-order mark, or GBK/GB18030): title block, table of contents,
// headings 一、/（一）/1./（1）/经验X：, measures 一是…, figure captions, OCR
// image residue and chart tables, into a Document with untagged passages.
func ParseText(source string, raw []byte, meta Meta) (*corpus.Document, error) {
	text, _, err := DecodeText(raw)
	if err != nil {
		return nil, fmt.Errorf("parse %s: %w", source, err)
	}
	doc, err := buildDocument(source, raw, meta, textBlocks(text), "")
	if err != nil {
		return nil, err
	}
	doc.Format = "txt"
	return doc, nil
}

// buildDocument is the structure reader shared by every format: it walks
// the blocks once, keeping the heading context, and makes the Document.
// The document's ID and hash come from raw, the bytes of the original file.
// The title is meta's, else the title block's, else fallbackTitle (what a
// file's own metadata calls it), else the file name.
func buildDocument(source string, raw []byte, meta Meta, blocks []Block, fallbackTitle string) (*corpus.Document, error) {
	normalizeBlocks(blocks)
	sum := sha256.Sum256(raw)
	doc := &corpus.Document{
		ID:       hex.EncodeToString(sum[:6]),
		Source:   source,
		Hash:     hex.EncodeToString(sum[:]),
		TextHash: textHash(blocks),
		Title:    meta.Title, Issuer: meta.Issuer, Date: meta.Date, Year: meta.Year,
	}
	p := &parser{doc: doc, blocks: blocks, skip: map[int]bool{}, tableTitle: map[int]string{}}
	p.run()
	if len(doc.Passages) == 0 {
		return nil, fmt.Errorf("parse %s: no text passages found: %w", source, ErrNoText)
	}
	if doc.Title == "" {
		doc.Title = fallbackTitle
	}
	if doc.Title == "" {
		doc.Title = strings.TrimSuffix(path.Base(source), path.Ext(source))
	}
	if doc.Year == 0 {
		if m := reYear.FindStringSubmatch(doc.Title); m != nil {
			doc.Year, _ = strconv.Atoi(m[1])
		}
	}
	return doc, nil
}

// parser walks the blocks once, keeping the heading context.
type parser struct {
	doc    *corpus.Document
	blocks []Block

	open       []*corpus.Section // the open headings, outermost first
	levels     []int             // the level each open heading was opened at
	caseRef    *corpus.CaseRef
	kind       corpus.Kind
	captions   []caption
	skip       map[int]bool   // blocks read as table titles or signature lines
	tableTitle map[int]string // table block -> the title line above it
	ranks      map[int]int    // heading level stated by the format -> section level
	attachment bool           // inside an attachment, whose headings nest one deeper
	attachList bool           // after "附件：1.…", numbered lines list attachments
}

type caption struct{ name, unit, text string }

func (p *parser) run() {
	p.markTableTitles()
	i := p.titleBlock()
	p.signatures(i)
	p.rankLevels(i)
	inTOC, inImage := false, false
	p.startSection("序言", 1, corpus.KindPreface)
	for ; i < len(p.blocks); i++ {
		if p.skip[i] {
			continue
		}
		b := p.blocks[i]
		if b.IsTable() {
			p.table(b.Table, p.tableTitle[i])
			continue
		}
		line := strings.TrimSpace(b.Text)
		switch {
		case line == "":
			continue
		case reTOC.MatchString(line):
			inTOC = true
			continue
		case strings.HasPrefix(line, "[image:"):
			inImage = true
			continue
		}
		if inTOC {
			if rePageNum.MatchString(line) || isHeading(line) || reTOCEntry.MatchString(line) {
				continue
			}
			inTOC = false
		}
		if m := reCaption.FindStringSubmatch(line); m != nil {
			p.captions = append(p.captions, parseCaption(m[1]))
			inImage = false
			continue
		}
		if inImage {
			if hanCount(line) < 8 {
				continue
			}
			inImage = false
		}
		if hanCount(line) == 0 {
			continue // page numbers, stray symbols
		}
		p.block(i, b.Level, line)
	}
	p.dropEmptyPreface()
	p.indicatorPassages()
}

// markTableTitles takes the short line right before a table as its title
// (培育省级专精特新企业数量 above a chart's data sheet, 表1 … above a table).
func (p *parser) markTableTitles() {
	for i, b := range p.blocks {
		if !b.IsTable() || i == 0 {
			continue
		}
		prev := p.blocks[i-1]
		text := strings.TrimSpace(prev.Text)
		if !prev.IsTable() && prev.Level == 0 && isTableTitle(text) && !isHeading(text) && !reMeasure.MatchString(text) {
			p.skip[i-1] = true
			p.tableTitle[i] = strings.TrimRight(text, "：:")
		}
	}
}

// titleBlock reads the blocks before the first heading, table of contents
// or paragraph: 附件 markers, the title lines, the date, the issuer and
// the document number. It returns the index of the first block after it.
func (p *parser) titleBlock() int {
	var title []string
	i := 0
	for ; i < len(p.blocks); i++ {
		b := p.blocks[i]
		line := strings.TrimSpace(b.Text)
		if b.IsTable() || b.List > 0 || (b.Level > 0 && len(title) > 0) {
			break
		}
		if p.skip[i] || line == "" || reAttach.MatchString(line) {
			continue
		}
		if reTOC.MatchString(line) || isHeading(line) || looksLikeParagraph(line) {
			break
		}
		if p.metaLine(line, true) {
			continue
		}
		if strings.HasSuffix(line, "：") || strings.HasSuffix(line, ":") {
			break // the salutation (各市人民政府：) opens the body
		}
		title = append(title, line)
	}
	if p.doc.Title == "" && len(title) > 0 && len(title) <= 4 {
		p.doc.Title = strings.Join(title, "")
	}
	return i
}

// metaLine reads a line that only states a date, the document number,
// the issuer or the web page's source; it fills the fields not known yet
// and reports whether the line was one of those, which are no passages.
// Only in the title or signature block (inTitle) is a date the document's
// and a short line naming a body its issuer.
func (p *parser) metaLine(line string, inTitle bool) bool {
	if d, ok := parseDateLine(line); ok {
		if p.doc.Date == "" && inTitle {
			p.doc.Date = d
		}
		return true
	}
	if reDocNumber.MatchString(line) {
		return true
	}
	if issuer, date, ok := sourceLine(line); ok {
		if p.doc.Issuer == "" && issuer != "" {
			p.doc.Issuer = issuer
		}
		if p.doc.Date == "" && date != "" {
			p.doc.Date = date
		}
		return true
	}
	if !inTitle {
		return false
	}
	if issuer, ok := issuerOf(line); ok {
		if p.doc.Issuer == "" {
			p.doc.Issuer = issuer
		}
		return true
	}
	if issuer, date, ok := issuerDateLine(line); ok {
		if p.doc.Issuer == "" {
			p.doc.Issuer = issuer
		}
		if p.doc.Date == "" {
			p.doc.Date = date
		}
		return true
	}
	if reAdoptedLine.MatchString(foldDigits(line)) {
		if d, ok := parseLooseDate(line); ok && p.doc.Date == "" {
			p.doc.Date = d
		}
		return true
	}
	return false
}

// reAdoptedLine is a bracketed note under a title that dates it:
// （2024年3月15日县人民政府第12次常务会议审议通过）.
var reAdoptedLine = regexp.MustCompile(`^[（(][^（()）]{0,20}\d{4}\s*年\s*\d{1,2}\s*月[^（()）]*[）)]$`)

// signatures reads the signature blocks (the issuer and date closing the
// document, or closing its main text before the attachments) and marks
// their lines so they do not become passages.
func (p *parser) signatures(start int) {
	ends := []int{len(p.blocks)}
	for i := start; i < len(p.blocks); i++ {
		if reAttach.MatchString(strings.TrimSpace(p.blocks[i].Text)) {
			ends = append(ends, i)
		}
	}
	for _, end := range ends {
		for j, n := end-1, 0; j >= start && n < 5; j, n = j-1, n+1 {
			b := p.blocks[j]
			line := strings.TrimSpace(b.Text)
			if b.IsTable() || b.Level > 0 || utf8.RuneCountInString(line) > 30 ||
				strings.Contains(line, "。") || isHeading(line) {
				break
			}
			if line != "" && p.metaLine(line, true) {
				p.skip[j] = true
			}
		}
	}
}

// rankLevels maps the heading levels the format states (html h2/h3, docx
// Heading 1/2, markdown ##) to section levels 1, 2, … in the order they
// nest, so a page whose article headings start at h2 still has top-level
// sections.
func (p *parser) rankLevels(start int) {
	seen := map[int]bool{}
	for _, b := range p.blocks[start:] {
		if b.Level > 0 && !b.IsTable() && isExplicitHeading(b) {
			seen[b.Level] = true
		}
	}
	levels := make([]int, 0, len(seen))
	for l := range seen {
		levels = append(levels, l)
	}
	sort.Ints(levels)
	p.ranks = map[int]int{}
	for i, l := range levels {
		p.ranks[l] = min(i+1, 4)
	}
}

func isExplicitHeading(b Block) bool {
	n := utf8.RuneCountInString(strings.TrimSpace(b.Text))
	return n > 0 && n <= 2*maxHeadingRunes
}

// block handles one content block: a heading, a metadata line, an
// attachment marker or a paragraph.
func (p *parser) block(i, level int, line string) {
	if p.metaLine(line, false) {
		return
	}
	if reAttach.MatchString(line) {
		p.startAttachment(i, line)
		return
	}
	p.attachList = p.attachList && reHeading3.MatchString(line)
	if reAttachs.MatchString(line) {
		p.attachList = true
		p.paragraph(line)
		return
	}
	if level > 0 && isExplicitHeading(Block{Text: line}) && !reCase.MatchString(line) {
		if l := patternLevel(line); l > 0 {
			p.heading(line, l) // the numbering says more than the style
		} else {
			p.heading(line, p.ranks[level])
		}
		return
	}
	p.line(line)
}

// startAttachment opens an attachment (附件1) as a top-level section,
// named with its title when the next line is one.
func (p *parser) startAttachment(i int, line string) {
	title := strings.TrimRight(strings.Join(strings.Fields(line), ""), "：:")
	if j := i + 1; j < len(p.blocks) && !p.blocks[j].IsTable() {
		next := strings.TrimSpace(p.blocks[j].Text)
		if isTableTitle(next) && !isHeading(next) && !reAttach.MatchString(next) {
			title += "：" + next
			p.skip[j] = true
		}
	}
	p.attachment = false
	p.startSection(title, 1, kindOfSection(title))
	p.attachment = true
}

// patternLevel is the level of a heading numbered in the official style:
// 一、 1, （一） 2, 1. 3, （1） 4; 0 when the line is not such a heading.
func patternLevel(line string) int {
	if !mayBeNumbered(line) {
		return 0
	}
	n := utf8.RuneCountInString(line)
	short := n <= maxHeadingRunes
	shortNoStop := short && !strings.ContainsAny(line, "。；")
	switch {
	case reHeading1.MatchString(line) && short:
		return 1
	case reHeading2.MatchString(line) && shortNoStop:
		return 2
	case reHeading3.MatchString(line) && shortNoStop:
		return 3
	case reHeading4.MatchString(line) && shortNoStop:
		return 4
	}
	return 0
}

// line handles a plain content line: a heading by its numbering, or a paragraph.
func (p *parser) line(line string) {
	if m := reCase.FindStringSubmatch(line); m != nil {
		n := corpus.HanNumber(m[2])
		title := m[1] + m[2] + "：" + strings.TrimSpace(m[3])
		p.startSection(title, 2, corpus.KindCase)
		p.caseRef = &corpus.CaseRef{Number: n, Title: title}
		p.doc.Cases = append(p.doc.Cases, &corpus.Case{Number: n, Title: title})
		return
	}
	if l := patternLevel(line); l > 0 && !(l == 3 && p.attachList) {
		p.heading(line, l)
		return
	}
	p.paragraph(line)
}

// heading opens a section of the given level (1–4), with the kind of
// passage its text implies: a top-level heading names its kind (成效, 做法
// …); deeper ones inherit it, except that after a case the next （二）
// returns to its chapter's kind; headings inside a case stay in the case.
func (p *parser) heading(title string, level int) {
	if level <= 0 {
		level = 1
	}
	switch {
	case level == 1:
		p.startSection(title, 1, kindOfSection(title))
	case level == 2:
		kind := p.kind
		if kind == corpus.KindCase {
			kind = kindOfSection(p.chapter().Title)
		}
		p.startSection(title, 2, kind)
	default:
		ref := p.caseRef
		p.startSection(title, level, p.kind)
		p.caseRef = ref
	}
}

// chapter is the open top-level section (below the attachment, inside one).
func (p *parser) chapter() *corpus.Section {
	for i, l := range p.levels {
		if l == 1 || (p.attachment && l == 2) {
			return p.open[i]
		}
	}
	return p.open[0]
}

// startSection opens a section at level (1 = top; inside an attachment
// one deeper), closing the open sections at that level or deeper.
func (p *parser) startSection(title string, level int, kind corpus.Kind) {
	if p.attachment {
		level++
	}
	depth := len(p.open)
	for depth > 0 && p.levels[depth-1] >= level {
		depth--
	}
	s := &corpus.Section{Title: title, Level: depth + 1}
	if depth == 0 {
		p.doc.Sections = append(p.doc.Sections, s)
	} else {
		parent := p.open[depth-1]
		parent.Sections = append(parent.Sections, s)
	}
	p.open = append(p.open[:depth], s)
	p.levels = append(p.levels[:depth], level)
	p.caseRef = nil
	p.kind = kind
}

// paragraph adds a paragraph, one passage per measure when it runs
// several (一是…。二是…。).
func (p *parser) paragraph(text string) {
	for _, part := range splitMeasures(text) {
		p.addPassage(part)
	}
}

func (p *parser) addPassage(text string) {
	sec := p.open[len(p.open)-1]
	path := make([]string, 0, len(p.open)+1)
	for _, s := range p.open {
		path = append(path, s.Title)
	}
	ps := &corpus.Passage{
		DocID: p.doc.ID,
		Order: len(p.doc.Passages) + 1,
		Kind:  p.kind,
		Title: sec.Title,
		Text:  text,
	}
	if reMeasure.MatchString(text) {
		ps.Label = measureLabel(text)
		path = append(path, ps.Label)
	}
	ps.HeadingPath = path
	ps.ID = fmt.Sprintf("%s-p%03d", p.doc.ID, ps.Order)
	if p.caseRef != nil {
		ref := *p.caseRef
		ps.Case = &ref
		c := p.doc.Cases[len(p.doc.Cases)-1]
		c.Passages = append(c.Passages, ps.ID)
	}
	sec.Passages = append(sec.Passages, ps.ID)
	p.doc.Passages = append(p.doc.Passages, ps)
}

// measureLabel is the measure's opening clause: 一是数据摸排细步走.
func measureLabel(text string) string {
	end := len(text)
	if i := strings.IndexAny(text, "。，；：,;:"); i >= 0 {
		end = i
	}
	label := []rune(text[:end])
	if len(label) > 24 {
		label = append(label[:23], '…')
	}
	return string(label)
}

func kindOfSection(title string) corpus.Kind {
	switch {
	case strings.Contains(title, "成效") || strings.Contains(title, "成绩") || strings.Contains(title, "成果"):
		return corpus.KindResults
	case strings.Contains(title, "问题") || strings.Contains(title, "展望") || strings.Contains(title, "建议"):
		return corpus.KindOutlook
	case strings.Contains(title, "做法") || strings.Contains(title, "经验") || strings.Contains(title, "举措"):
		return corpus.KindPractice
	}
	return corpus.KindBody
}

func (p *parser) dropEmptyPreface() {
	if len(p.doc.Sections) > 0 && p.doc.Sections[0].Title == "序言" && len(p.doc.Sections[0].Passages) == 0 &&
		len(p.doc.Sections[0].Sections) == 0 {
		p.doc.Sections = p.doc.Sections[1:]
	}
}

func isHeading(line string) bool {
	if !mayBeNumbered(line) && !strings.HasPrefix(line, "经验") && !strings.HasPrefix(line, "案例") {
		return false
	}
	return reHeading1.MatchString(line) || reHeading2.MatchString(line) || reCase.MatchString(line) ||
		patternLevel(line) > 0
}

// mayBeNumbered is a quick test before the heading patterns: a numbered
// heading starts with a Chinese numeral, a bracket or a digit.
func mayBeNumbered(line string) bool {
	r, _ := utf8.DecodeRuneInString(line)
	return strings.ContainsRune("一二三四五六七八九十（(", r) || (r >= '0' && r <= '9')
}

// looksLikeParagraph is a long line of running text.
func looksLikeParagraph(line string) bool {
	return hanCount(line) >= 40 || strings.Contains(line, "。")
}

func hanCount(s string) int {
	n := 0
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			n++
		}
	}
	return n
}
