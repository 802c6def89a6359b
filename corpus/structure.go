package corpus

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Line patterns of Chinese official documents.
var (
	reHeading1 = regexp.MustCompile(`^([一二三四五六七八九十]+)、\s*(.+)$`)
	reHeading2 = regexp.MustCompile(`^[（(]([一二三四五六七八九十]+)[）)]\s*(.+)$`)
	reCase     = regexp.MustCompile(`^(经验|案例)([一二三四五六七八九十]+)\s*[：:]\s*(.+)$`)
	reMeasure  = regexp.MustCompile(`^([一二三四五六七八九十]+)是`)
	reCaption  = regexp.MustCompile(`^图\s*\d+\s*[-－—–]\s*\d+\s*(.*)$`)
	reDateLine = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?$`)
	reYear     = regexp.MustCompile(`(\d{4})\s*年`)
	rePageNum  = regexp.MustCompile(`^\d{1,4}$`)
	reTOC      = regexp.MustCompile(`^目\s*录$`)
	reAttach   = regexp.MustCompile(`^附\s*件\s*\d*\s*[：:]?$`)
	reSheet    = regexp.MustCompile(`^Sheet\d+$`)
)

// Meta is what is known about a document besides its text (from a sidecar
// file or an upload form); empty fields are filled from the text when it says.
type Meta struct {
	Title  string
	Issuer string
	Date   string
	Year   int
}

// ParseText reads a plain-text official document: title block, table of
// contents, headings 一、/（一）/经验X：, measures 一是…, figure captions,
// OCR image residue and chart tables, into a Document with untagged passages.
func ParseText(source string, raw []byte, meta Meta) (*Document, error) {
	if !utf8.Valid(raw) {
		return nil, fmt.Errorf("parse %s: text is not valid UTF-8", source)
	}
	sum := sha256.Sum256(raw)
	doc := &Document{
		ID:     hex.EncodeToString(sum[:6]),
		Source: source,
		Hash:   hex.EncodeToString(sum[:]),
		Title:  meta.Title, Issuer: meta.Issuer, Date: meta.Date, Year: meta.Year,
	}
	p := &parser{doc: doc, lines: splitLines(string(raw))}
	p.run()
	if len(doc.Passages) == 0 {
		return nil, fmt.Errorf("parse %s: no text passages found", source)
	}
	if doc.Title == "" {
		doc.Title = strings.TrimSuffix(source, ".txt")
	}
	if doc.Year == 0 {
		if m := reYear.FindStringSubmatch(doc.Title); m != nil {
			fmt.Sscan(m[1], &doc.Year)
		}
	}
	return doc, nil
}

func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimPrefix(s, "\ufeff")
	return strings.Split(s, "\n")
}

// parser walks the lines once, keeping the heading context.
type parser struct {
	doc   *Document
	lines []string

	h1, h2   *Section
	caseRef  *CaseRef
	kind     Kind
	captions []caption
}

type caption struct{ name, unit, text string }

func (p *parser) run() {
	tableTitles := p.tableTitles()
	i := p.titleBlock()
	inTOC, inImage := false, false
	p.startSection("序言", 1, KindPreface)
	for ; i < len(p.lines); i++ {
		line := strings.TrimSpace(p.lines[i])
		switch {
		case line == "":
			continue
		case tableTitles[i]:
			continue
		case reTOC.MatchString(line):
			inTOC = true
			continue
		case reSheet.MatchString(line):
			i = p.table(i, p.titleFor(i))
			continue
		case strings.HasPrefix(line, "[image:"):
			inImage = true
			continue
		}
		if inTOC {
			if rePageNum.MatchString(line) || isHeading(line) {
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
		p.line(line)
	}
	p.dropEmptyPreface()
	p.indicatorPassages()
}

// indicatorPassages adds one passage per indicator table under a 指标 section.
func (p *parser) indicatorPassages() {
	if len(p.doc.Indicators) == 0 {
		return
	}
	p.startSection("指标", 1, KindIndicator)
	for _, ind := range p.doc.Indicators {
		p.h2 = nil
		p.paragraph(indicatorText(ind))
		ps := p.doc.Passages[len(p.doc.Passages)-1]
		ps.Title = ind.Name
		ps.HeadingPath = []string{"指标", ind.Name}
	}
}

// titleBlock reads the lines before the first heading, table of contents or
// paragraph: 附件 markers, the title lines and the date line. It returns the
// index of the first line after it.
func (p *parser) titleBlock() int {
	var title []string
	i := 0
	for ; i < len(p.lines); i++ {
		line := strings.TrimSpace(p.lines[i])
		if line == "" || reAttach.MatchString(line) {
			continue
		}
		if reTOC.MatchString(line) || isHeading(line) || looksLikeParagraph(line) {
			break
		}
		if m := reDateLine.FindStringSubmatch(line); m != nil {
			if p.doc.Date == "" {
				p.doc.Date = formatDate(m[1], m[2], m[3])
			}
			continue
		}
		title = append(title, line)
	}
	if p.doc.Title == "" && len(title) > 0 && len(title) <= 4 {
		p.doc.Title = strings.Join(title, "")
	}
	return i
}

func formatDate(y, m, d string) string {
	out := y + "-" + fmt.Sprintf("%02s", m)
	if d != "" {
		out += "-" + fmt.Sprintf("%02s", d)
	}
	return strings.ReplaceAll(out, " ", "0")
}

// line handles one content line: a heading or a paragraph.
func (p *parser) line(line string) {
	if m := reCase.FindStringSubmatch(line); m != nil {
		n := hanNumber(m[2])
		title := m[1] + m[2] + "：" + strings.TrimSpace(m[3])
		p.startSection(title, 2, KindCase)
		p.caseRef = &CaseRef{Number: n, Title: title}
		p.doc.Cases = append(p.doc.Cases, &Case{Number: n, Title: title})
		return
	}
	if m := reHeading1.FindStringSubmatch(line); m != nil && len([]rune(line)) <= 40 {
		p.startSection(line, 1, kindOfSection(m[2]))
		return
	}
	if m := reHeading2.FindStringSubmatch(line); m != nil && len([]rune(line)) <= 40 && !strings.Contains(line, "。") {
		kind := p.kind
		if kind == KindCase {
			kind = kindOfSection(p.h1.Title)
		}
		p.startSection(line, 2, kind)
		return
	}
	p.paragraph(line)
}

func (p *parser) startSection(title string, level int, kind Kind) {
	s := &Section{Title: title, Level: level}
	if level == 1 || p.h1 == nil {
		p.doc.Sections = append(p.doc.Sections, s)
		p.h1, p.h2 = s, nil
	} else {
		p.h1.Sections = append(p.h1.Sections, s)
		p.h2 = s
	}
	p.caseRef = nil
	p.kind = kind
}

func (p *parser) paragraph(text string) {
	sec := p.h1
	path := []string{p.h1.Title}
	if p.h2 != nil {
		sec = p.h2
		path = append(path, p.h2.Title)
	}
	ps := &Passage{
		DocID: p.doc.ID,
		Order: len(p.doc.Passages) + 1,
		Kind:  p.kind,
		Title: sec.Title,
		Text:  text,
	}
	if m := reMeasure.FindStringSubmatch(text); m != nil {
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

func kindOfSection(title string) Kind {
	switch {
	case strings.Contains(title, "成效") || strings.Contains(title, "成绩") || strings.Contains(title, "成果"):
		return KindResults
	case strings.Contains(title, "问题") || strings.Contains(title, "展望") || strings.Contains(title, "建议"):
		return KindOutlook
	case strings.Contains(title, "做法") || strings.Contains(title, "经验") || strings.Contains(title, "举措"):
		return KindPractice
	}
	return KindBody
}

func (p *parser) dropEmptyPreface() {
	if len(p.doc.Sections) > 0 && p.doc.Sections[0].Title == "序言" && len(p.doc.Sections[0].Passages) == 0 {
		p.doc.Sections = p.doc.Sections[1:]
	}
}

func isHeading(line string) bool {
	return reHeading1.MatchString(line) || reHeading2.MatchString(line) || reCase.MatchString(line)
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
