package ingest

import (
	"strings"

	"golang.org/x/text/unicode/norm"
)

// Block is the intermediate form every file format is read into before the
// structure reader (buildDocument) sees it: a paragraph, a heading whose
// level the format states, or a table. Formats keep what they know (a docx
// heading style, an html <h2>, a markdown #) and leave the rest to the
// reader, which also recognises the headings of Chinese official documents
// in plain paragraphs.
type Block struct {
	Text  string
	Level int        // 0 for a paragraph; 1–6 for a heading level the format states
	Table [][]string // non-nil for a table: rows of cell texts, the header first
	List  int        // list nesting (1 = top) when the format marks a list item; a hint, not a heading
}

// IsTable reports whether the block is a table.
func (b Block) IsTable() bool { return b.Table != nil }

// textBlocks turns the lines of a plain-text document into blocks: each
// non-blank line is a paragraph, and a chart's data sheet (a "Sheet1" line
// followed by tab-separated rows, as the text layer of exported reports has
// them) becomes a table.
func textBlocks(text string) []Block {
	lines := splitLines(text)
	var out []Block
	for i := 0; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" {
			continue
		}
		if reSheet.MatchString(line) {
			var rows [][]string
			rows, i = sheetRows(lines, i)
			out = append(out, Block{Table: rows})
			continue
		}
		out = append(out, Block{Text: line})
	}
	return out
}

// sheetRows reads the tab-separated rows after the Sheet line at index i
// and returns them (header first, without the chart template's "系列 N"
// columns) with the index of the last line consumed.
func sheetRows(lines []string, i int) ([][]string, int) {
	rows := [][]string{}
	j := i + 1
	for ; j < len(lines); j++ {
		raw := lines[j]
		if strings.TrimSpace(raw) == "" {
			continue
		}
		if !strings.Contains(raw, "\t") {
			break
		}
		rows = append(rows, splitCells(raw))
	}
	return dropSeriesColumns(rows), j - 1
}

// dropSeriesColumns removes the "系列 2", "系列 3" columns a chart template
// leaves in its data sheet: they hold placeholder numbers, not data.
func dropSeriesColumns(rows [][]string) [][]string {
	if len(rows) == 0 {
		return rows
	}
	drop := map[int]bool{}
	for c, h := range rows[0] {
		if reSeries.MatchString(h) {
			drop[c] = true
		}
	}
	if len(drop) == 0 {
		return rows
	}
	for r, row := range rows {
		var kept []string
		for c, cell := range row {
			if !drop[c] {
				kept = append(kept, cell)
			}
		}
		rows[r] = kept
	}
	return rows
}

func splitLines(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	s = strings.TrimPrefix(s, "\ufeff")
	return strings.Split(s, "\n")
}

// splitCells splits a tab-separated row, dropping empty cells.
func splitCells(line string) []string {
	var out []string
	for _, c := range strings.Split(line, "\t") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// radicals maps the CJK Radicals Supplement characters that PDF text
// layers put for ordinary simplified characters (a font's reverse map
// picks the radical that shares the glyph: ⻓ for 长, ⻔ for 门) to those
// characters. Kangxi radicals (⼀ for 一) and compatibility ideographs
// have Unicode decompositions and are folded by norm below.
var radicals = map[rune]rune{
	'⺁': '厂', '⺊': '卜', '⺌': '小', '⺍': '小', '⺒': '巳', '⺓': '幺', '⺠': '民', '⺧': '牛',
	'⺩': '王', '⺪': '疋', '⺬': '示', '⺮': '竹', '⺶': '羊', '⺷': '羊', '⺻': '聿', '⺼': '月',
	'⺽': '臼', '⻁': '虎', '⻄': '西', '⻅': '见', '⻆': '角', '⻉': '贝', '⻋': '车', '⻑': '長',
	'⻓': '长', '⻔': '门', '⻗': '雨', '⻘': '青', '⻙': '韦', '⻚': '页', '⻛': '风', '⻜': '飞',
	'⻝': '食', '⻢': '马', '⻣': '骨', '⻤': '鬼', '⻥': '鱼', '⻦': '鸟', '⻧': '卤', '⻨': '麦',
	'⻩': '黄', '⻪': '黾', '⻬': '齐', '⻮': '齿', '⻯': '竜', '⻰': '龙', '⻱': '龜', '⻲': '亀',
	// Kangxi radicals whose decomposition is a variant, not the simplified
	// character simplified-Chinese fonts draw with the same glyph.
	'⼾': '户', '⾭': '青',
}

// foldRadicals replaces radicals and compatibility ideographs standing in
// for ordinary characters, so that "⼀、⼯作成效" reads as "一、工作成效".
func foldRadicals(s string) string {
	if !strings.ContainsFunc(s, isRadical) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if !isRadical(r) {
			return r
		}
		if to, ok := radicals[r]; ok {
			return to
		}
		if d := []rune(norm.NFKC.String(string(r))); len(d) == 1 {
			return d[0]
		}
		return r
	}, s)
}

func isRadical(r rune) bool {
	return (r >= 0x2E80 && r <= 0x2FDF) || (r >= 0xF900 && r <= 0xFAFF)
}

// normalizeBlocks folds radicals in every text and cell.
func normalizeBlocks(blocks []Block) {
	for i := range blocks {
		blocks[i].Text = foldRadicals(blocks[i].Text)
		for _, row := range blocks[i].Table {
			for j := range row {
				row[j] = foldRadicals(row[j])
			}
		}
	}
}

// joinSoftLines rejoins the lines of a paragraph that a manual line break
// (html <br>, docx w:br) cut mid-sentence: a line that does not end a
// sentence runs on into the next, unless the next starts a heading or
// either is a date or the name of an issuing body (a title or signature
// set on separate lines).
func joinSoftLines(lines []string) []string {
	var out []string
	var cur lineJoiner
	prev := ""
	for _, l := range lines {
		if l = strings.TrimSpace(l); l == "" {
			continue
		}
		if prev != "" && !runsOn(prev, l) {
			out = append(out, cur.String())
			cur.reset()
		}
		cur.add(l)
		prev = l
	}
	if prev != "" {
		out = append(out, cur.String())
	}
	return out
}

func runsOn(prev, next string) bool {
	if endsSentence(prev) || isHeading(prev) || startsSomething(next) {
		return false
	}
	for _, s := range []string{prev, next} {
		if _, ok := parseDateLine(s); ok {
			return false
		}
		if _, ok := issuerOf(s); ok {
			return false
		}
	}
	return true
}
