package ingest

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// Markdown: ATX (#) and setext (===, ---) headings, paragraphs separated by
// blank lines, list items, block quotes, pipe tables and fenced code; the
// inline syntax (emphasis, code, links, images) is stripped. Front matter
// (--- title: … date: … ---) fills the document's metadata.
var (
	reMdATX      = regexp.MustCompile(`^\s{0,3}(#{1,6})\s*([^#\s].*?)\s*#*\s*$`)
	reMdSetext   = regexp.MustCompile(`^\s{0,3}(=+|-+)\s*$`)
	reMdRule     = regexp.MustCompile(`^\s{0,3}([-*_])(?:\s*([-*_])){2,}\s*$`)
	reMdList     = regexp.MustCompile(`^(\s*)(?:[-*+]|\d{1,9}[.)])\s+(.*)$`)
	reMdFence    = regexp.MustCompile("^\\s{0,3}(```+|~~~+)")
	reMdTableSep = regexp.MustCompile(`^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$`)
	reMdRefDef   = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s*\S+`)
	reMdQuote    = regexp.MustCompile(`^\s{0,3}>\s?`)
	reMdFront    = regexp.MustCompile(`^(title|date|issuer|标题|日期|发文机关)\s*[:：]\s*(.+)$`)

	mdInline = []struct {
		re   *regexp.Regexp
		with string
	}{
		{regexp.MustCompile(`!\[[^\]]*\]\([^)]*\)`), ""},                    // images
		{regexp.MustCompile(`\[([^\]]+)\]\([^)]*\)`), "$1"},                 // links
		{regexp.MustCompile(`\[([^\]]+)\]\[[^\]]*\]`), "$1"},                // reference links
		{regexp.MustCompile(`\[\^[^\]]+\]`), ""},                            // footnote references
		{regexp.MustCompile(`<(https?://[^>\s]+)>`), "$1"},                  // autolinks
		{regexp.MustCompile("`+([^`]+)`+"), "$1"},                           // code spans
		{regexp.MustCompile(`\*\*\*([^*]+)\*\*\*`), "$1"},                   // bold italic
		{regexp.MustCompile(`\*\*([^*]+)\*\*`), "$1"},                       // bold
		{regexp.MustCompile(`__([^_]+)__`), "$1"},                           // bold
		{regexp.MustCompile(`\*([^*\s][^*]*)\*`), "$1"},                     // italic
		{regexp.MustCompile(`~~([^~]+)~~`), "$1"},                           // strike-through
		{regexp.MustCompile(`</?[a-zA-Z][^>]*>`), ""},                       // inline html tags
		{regexp.MustCompile(`\\([\\` + "`" + `*_{}\[\]()#+\-.!|>])`), "$1"}, // escapes
	}
)

// markdownBlocks reads Markdown into blocks and the metadata of its front matter.
func markdownBlocks(text string) ([]Block, Meta) {
	lines := splitLines(text)
	var meta Meta
	lines = frontMatter(lines, &meta)
	r := &mdReader{}
	for i := 0; i < len(lines); i++ {
		line := reMdQuote.ReplaceAllString(lines[i], "")
		switch {
		case strings.TrimSpace(line) == "" || reMdRefDef.MatchString(line):
			r.flush()
		case reMdFence.MatchString(line):
			r.flush()
			i = r.fence(lines, i)
		case reMdATX.MatchString(line):
			r.flush()
			m := reMdATX.FindStringSubmatch(line)
			r.emit(Block{Text: stripInline(m[2]), Level: len(m[1])})
		case reMdSetext.MatchString(line) && len(r.para) == 1:
			level := 1
			if strings.HasPrefix(strings.TrimSpace(line), "-") {
				level = 2
			}
			text := r.para[0]
			r.para = nil
			r.emit(Block{Text: text, Level: level})
		case reMdRule.MatchString(line):
			r.flush()
		case strings.Contains(line, "|") && i+1 < len(lines) && reMdTableSep.MatchString(lines[i+1]) && strings.Contains(lines[i+1], "-"):
			r.flush()
			i = r.table(lines, i)
		case reMdList.MatchString(line):
			r.flush()
			m := reMdList.FindStringSubmatch(line)
			r.para = []string{stripInline(m[2])}
			r.list = 1 + len(strings.ReplaceAll(m[1], "\t", "    "))/2
		default:
			r.add(line)
		}
	}
	r.flush()
	return r.out, meta
}

type mdReader struct {
	out  []Block
	para []string // the lines of the paragraph being read
	list int      // its list level, when it is a list item
}

func (r *mdReader) emit(b Block) {
	if strings.TrimSpace(b.Text) != "" || b.Table != nil {
		r.out = append(r.out, b)
	}
}

// add appends a line to the paragraph. Chinese documents written in
// Markdown often put each paragraph or heading on its own line without a
// blank line between; a line that starts a heading (一、…) or a measure,
// or follows a line ending a sentence, starts a new paragraph.
func (r *mdReader) add(line string) {
	hard := strings.HasSuffix(line, "  ") || strings.HasSuffix(line, "\\")
	text := stripInline(strings.TrimSpace(strings.TrimSuffix(line, "\\")))
	if len(r.para) > 0 {
		prev := r.para[len(r.para)-1]
		if startsSomething(text) || isHeading(prev) || endsSentence(prev) {
			r.flush()
		}
	}
	r.para = append(r.para, text)
	if hard {
		r.flush()
	}
}

func (r *mdReader) flush() {
	if len(r.para) == 0 {
		return
	}
	var text lineJoiner
	for _, l := range r.para {
		text.add(l)
	}
	r.emit(Block{Text: text.String(), List: r.list})
	r.para, r.list = nil, 0
}

// fence reads a fenced code block as one paragraph per line and returns
// the index of its closing line.
func (r *mdReader) fence(lines []string, i int) int {
	marker := strings.TrimSpace(reMdFence.FindString(lines[i]))
	j := i + 1
	for ; j < len(lines); j++ {
		if strings.HasPrefix(strings.TrimSpace(lines[j]), marker[:3]) {
			break
		}
		r.emit(Block{Text: strings.TrimSpace(lines[j])})
	}
	return j
}

// table reads a pipe table (header, separator, rows) and returns the
// index of its last row.
func (r *mdReader) table(lines []string, i int) int {
	rows := [][]string{pipeCells(lines[i])}
	j := i + 2
	for ; j < len(lines) && strings.Contains(lines[j], "|") && strings.TrimSpace(lines[j]) != ""; j++ {
		rows = append(rows, pipeCells(lines[j]))
	}
	r.emit(Block{Table: rows})
	return j - 1
}

// pipeCells splits "| a | b \| c |" into cells, keeping escaped pipes.
func pipeCells(line string) []string {
	line = strings.TrimSpace(line)
	line = strings.TrimPrefix(line, "|")
	if strings.HasSuffix(line, "|") && !strings.HasSuffix(line, "\\|") {
		line = line[:len(line)-1]
	}
	var cells []string
	var b strings.Builder
	for i := 0; i < len(line); i++ {
		switch {
		case line[i] == '\\' && i+1 < len(line) && line[i+1] == '|':
			b.WriteByte('|')
			i++
		case line[i] == '|':
			cells = append(cells, stripInline(strings.TrimSpace(b.String())))
			b.Reset()
		default:
			b.WriteByte(line[i])
		}
	}
	return append(cells, stripInline(strings.TrimSpace(b.String())))
}

func stripInline(s string) string {
	if !strings.ContainsAny(s, "*_[]<>`~\\!") {
		return strings.TrimSpace(s) // nothing to strip: skip the expressions
	}
	for _, r := range mdInline {
		s = r.re.ReplaceAllString(s, r.with)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	return strings.TrimSpace(s)
}

// frontMatter reads a leading "---" … "---" block of "key: value" lines
// into meta and returns the lines after it.
func frontMatter(lines []string, meta *Meta) []string {
	if len(lines) == 0 || strings.TrimSpace(lines[0]) != "---" {
		return lines
	}
	for j := 1; j < len(lines) && j < 100; j++ {
		l := strings.TrimSpace(lines[j])
		if l == "---" || l == "..." {
			for _, kv := range lines[1:j] {
				m := reMdFront.FindStringSubmatch(strings.TrimSpace(kv))
				if m == nil {
					continue
				}
				v := strings.Trim(strings.TrimSpace(m[2]), `"'`)
				switch m[1] {
				case "title", "标题":
					meta.Title = v
				case "date", "日期":
					if d, ok := parseLooseDate(v); ok {
						meta.Date = d
					}
				case "issuer", "发文机关":
					meta.Issuer = v
				}
			}
			return lines[j+1:]
		}
	}
	return lines
}
