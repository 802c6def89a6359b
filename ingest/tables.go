package ingest

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/corpus"
)

// Tables reach the structure reader as blocks: from a chart's data sheet
// in a text layer
//
//	 培育省级专精特新企业数量        (optional title line)
//	Sheet1
//			县区		新增省级专精特新企业数量		系列 2		系列 3
//			小店区		116		2.4		2
//
// (textBlocks drops the "系列 N" template columns), or from a docx, html or
// markdown table. A table of counties with their figures becomes an
// Indicator; any other table becomes a passage of its rows.

// isTableTitle is a short line that can name the table below it.
func isTableTitle(line string) bool {
	line = strings.TrimSpace(line)
	return line != "" && !strings.Contains(line, "\t") && !strings.ContainsAny(line, "。；") &&
		len([]rune(line)) <= 30 && hanCount(line) > 0 && !reSheet.MatchString(line)
}

// table reads a table block: an indicator when it is one, otherwise (or
// when it has columns the indicator leaves out) a passage of its rows.
func (p *parser) table(rows [][]string, title string) {
	rows = cleanRows(rows)
	if len(rows) == 0 {
		return
	}
	ind := p.indicator(title, rows[0], rows[1:])
	if ind != nil {
		p.doc.Indicators = append(p.doc.Indicators, ind)
	}
	if ind == nil || maxColumns(rows) > 2 {
		for _, text := range tableTexts(title, rows) {
			if hanCount(text) > 0 {
				p.addPassage(text)
				p.doc.Passages[len(p.doc.Passages)-1].FromTable = true
			}
		}
	}
}

// maxTableRunes is about the longest passage a table is rendered into; a
// longer table is cut into passages of whole rows, each repeating the
// title and header row so that it reads on its own in search results.
const maxTableRunes = 600

func tableTexts(title string, rows [][]string) []string {
	if n := utf8.RuneCountInString(tableText(title, rows)); n <= maxTableRunes || len(rows) < 3 {
		return []string{tableText(title, rows)}
	}
	var out []string
	header, chunk := rows[0], [][]string{rows[0]}
	size := utf8.RuneCountInString(tableText(title, chunk))
	for _, r := range rows[1:] {
		n := utf8.RuneCountInString(strings.Join(r, "｜")) + 1
		if len(chunk) > 1 && size+n > maxTableRunes {
			out = append(out, tableText(title, chunk))
			chunk = [][]string{header}
			size = utf8.RuneCountInString(tableText(title, chunk))
		}
		chunk = append(chunk, r)
		size += n
	}
	return append(out, tableText(title, chunk))
}

// indicatorPassages adds one passage per indicator table under a 指标 section.
func (p *parser) indicatorPassages() {
	if len(p.doc.Indicators) == 0 {
		return
	}
	p.attachment = false
	p.startSection("指标", 1, corpus.KindIndicator)
	for _, ind := range p.doc.Indicators {
		p.addPassage(indicatorText(ind))
		ps := p.doc.Passages[len(p.doc.Passages)-1]
		ps.Title = ind.Name
		ps.FromTable = true
		ps.HeadingPath = []string{"指标", ind.Name}
	}
}

// cleanRows trims the cells and drops empty rows.
func cleanRows(rows [][]string) [][]string {
	var out [][]string
	for _, r := range rows {
		var cells []string
		empty := true
		for _, c := range r {
			c = strings.Join(strings.Fields(c), " ")
			empty = empty && c == ""
			cells = append(cells, c)
		}
		if !empty {
			out = append(out, cells)
		}
	}
	return out
}

func maxColumns(rows [][]string) int {
	n := 0
	for _, r := range rows {
		k := 0
		for _, c := range r {
			if c != "" {
				k++
			}
		}
		n = max(n, k)
	}
	return n
}

// tableText renders a table as one passage: cells joined with "｜", rows
// with "；", after the table's title when it has one.
func tableText(title string, rows [][]string) string {
	var b strings.Builder
	if title != "" {
		b.WriteString(title)
		b.WriteString("：")
	}
	for i, r := range rows {
		if i > 0 {
			b.WriteString("；")
		}
		b.WriteString(strings.Join(r, "｜"))
	}
	return b.String()
}

// indicator turns a table of places with their figures (first column a
// county, second a number) into an Indicator, named after the figure
// caption it belongs to when one matches. Rows of totals are left out.
func (p *parser) indicator(title string, header []string, rows [][]string) *corpus.Indicator {
	if len(header) < 2 || len(rows) == 0 || header[1] == "" {
		return nil
	}
	ind := &corpus.Indicator{Header: header[1]}
	percent := false
	places, data := 0, 0
	for _, r := range rows {
		if len(r) < 1 || isTotalRow(r[0]) {
			continue
		}
		data++
		if isPlaceName(r[0]) {
			places++
		}
		if len(r) < 2 {
			continue
		}
		v, isPct, err := parseFigure(r[1])
		if err != nil {
			continue
		}
		percent = percent || isPct
		ind.Rows = append(ind.Rows, corpus.IndicatorValue{County: r[0], Value: v})
	}
	if len(ind.Rows) == 0 || 2*places < data || 2*len(ind.Rows) < data {
		return nil
	}
	best, score := p.bestCaption(title, ind.Header)
	switch {
	case score >= 0.5:
		ind.Name, ind.Unit, ind.Caption = best.name, best.unit, best.text
	case title != "":
		ind.Name = title
	default:
		ind.Name = ind.Header
	}
	if ind.Unit == "" {
		// A header with its unit, 新增企业数（户）, names the unit.
		if c := parseCaption(ind.Header); c.unit != "" {
			ind.Unit = c.unit
			if ind.Name == ind.Header {
				ind.Name = c.name
			}
		}
	}
	if ind.Unit == "" {
		ind.Unit = "个"
		if percent {
			ind.Unit = "%"
		}
	}
	rankRows(ind.Rows)
	return ind
}

// placeSuffixes end the names of counties, districts, cities and zones.
var placeSuffixes = []string{"县", "区", "市", "旗", "镇", "乡", "园区"}

// isPlaceName reports whether a table cell names a county-level place:
// a name with a place suffix, or one the gazetteer knows (short names).
func isPlaceName(s string) bool {
	s = strings.TrimSpace(s)
	n := len([]rune(s))
	if n < 2 || n > 12 || hanCount(s) != n {
		return false
	}
	for _, suf := range placeSuffixes {
		if strings.HasSuffix(s, suf) {
			return true
		}
	}
	if g := defaultPlaces(); g != nil {
		_, ok := g.Place(s)
		return ok
	}
	return false
}

// defaultPlaces is the embedded gazetteer, loaded once on first use.
var defaultPlaces = sync.OnceValue(func() *corpus.Gazetteer {
	g, err := corpus.DefaultGazetteer()
	if err != nil {
		return nil // embedded data; the gazetteer's own tests catch this
	}
	return g
})

func isTotalRow(cell string) bool {
	for _, w := range []string{"合计", "总计", "小计", "全省", "全市", "平均"} {
		if strings.Contains(cell, w) {
			return true
		}
	}
	return false
}

var reUnit = regexp.MustCompile(`[（(](?:单位[：:]\s*)?([^）)]+)[）)]\s*$`)

// parseCaption reads "各县（开发区）培育企业数量（单位：个）".
func parseCaption(s string) caption {
	c := caption{text: strings.TrimSpace(s)}
	name := c.text
	if m := reUnit.FindStringSubmatchIndex(name); m != nil {
		c.unit = strings.TrimSpace(name[m[2]:m[3]])
		name = name[:m[0]]
	}
	for _, prefix := range []string{"各县（开发区）", "各县(开发区)", "各县区", "各县"} {
		name = strings.TrimPrefix(name, prefix)
	}
	c.name = strings.TrimSpace(name)
	return c
}

// bestCaption finds the caption most like the table's title or header.
func (p *parser) bestCaption(title, header string) (caption, float64) {
	var best caption
	bestScore := 0.0
	for _, c := range p.captions {
		for _, s := range []string{title, header} {
			if s == "" {
				continue
			}
			if d := dice(coreName(s), coreName(c.name)); d > bestScore {
				best, bestScore = c, d
			}
		}
	}
	return best, bestScore
}

// coreName strips the words that differ between a table header and its
// caption (新增, 培育, 数量 …) so the subject can be compared.
func coreName(s string) string {
	for _, w := range []string{"新增", "新培育", "培育", "净增", "数量", "数"} {
		s = strings.ReplaceAll(s, w, "")
	}
	return s
}

// dice is the Dice coefficient of the character bigrams of a and b.
func dice(a, b string) float64 {
	ga, gb := bigrams(a), bigrams(b)
	if len(ga) == 0 || len(gb) == 0 {
		return 0
	}
	common := 0
	for g := range ga {
		if gb[g] {
			common++
		}
	}
	return 2 * float64(common) / float64(len(ga)+len(gb))
}

func bigrams(s string) map[string]bool {
	r := []rune(s)
	out := map[string]bool{}
	for i := 0; i+1 < len(r); i++ {
		out[string(r[i:i+2])] = true
	}
	return out
}

func parseFigure(s string) (float64, bool, error) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	pct := strings.HasSuffix(s, "%")
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, fmt.Errorf("not a number: %q", s)
	}
	return v, pct, nil
}

// rankRows sorts rows by value, highest first, and gives equal values the same rank.
func rankRows(rows []corpus.IndicatorValue) {
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Value > rows[j].Value })
	for i := range rows {
		if i > 0 && rows[i].Value == rows[i-1].Value {
			rows[i].Rank = rows[i-1].Rank
		} else {
			rows[i].Rank = i + 1
		}
	}
}

// indicatorText renders a table as a passage, so the figures can be found by search.
func indicatorText(ind *corpus.Indicator) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s（单位：%s）：", ind.Name, ind.Unit)
	for i, r := range ind.Rows {
		if i > 0 {
			b.WriteString("，")
		}
		fmt.Fprintf(&b, "%s %s", r.County, formatFigure(r.Value, ind.Unit))
	}
	b.WriteString("。")
	return b.String()
}

func formatFigure(v float64, unit string) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	if unit == "%" {
		return s + "%"
	}
	return s
}
