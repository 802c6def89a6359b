package corpus

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Chart tables in the report's text layer look like
//
//	 培育省级专精特新企业数量        (optional title line)
//	Sheet1
//			县区		新增省级专精特新企业数量		系列 2		系列 3
//			小店区		116		2.4		2
//
// The "系列 N" columns are residue of the chart template and are dropped.

// tableTitles marks the short line standing right before a "Sheet" line.
func (p *parser) tableTitles() map[int]bool {
	out := map[int]bool{}
	for i, l := range p.lines {
		if !reSheet.MatchString(strings.TrimSpace(l)) {
			continue
		}
		if j := p.prevNonBlank(i); j >= 0 && isTableTitle(p.lines[j]) {
			out[j] = true
		}
	}
	return out
}

func (p *parser) titleFor(sheet int) string {
	if j := p.prevNonBlank(sheet); j >= 0 && isTableTitle(p.lines[j]) {
		return strings.TrimSpace(p.lines[j])
	}
	return ""
}

func (p *parser) prevNonBlank(i int) int {
	for j := i - 1; j >= 0; j-- {
		if strings.TrimSpace(p.lines[j]) != "" {
			return j
		}
	}
	return -1
}

func isTableTitle(line string) bool {
	line = strings.TrimSpace(line)
	return line != "" && !strings.Contains(line, "\t") && !strings.ContainsAny(line, "。；") &&
		len([]rune(line)) <= 30 && hanCount(line) > 0 && !reSheet.MatchString(line)
}

// table reads the rows after the Sheet line at index i and returns the index
// of the last line it consumed.
func (p *parser) table(i int, title string) int {
	var header []string
	var rows [][]string
	j := i + 1
	for ; j < len(p.lines); j++ {
		raw := p.lines[j]
		if strings.TrimSpace(raw) == "" {
			continue
		}
		if !strings.Contains(raw, "\t") {
			break
		}
		cells := splitCells(raw)
		if header == nil {
			header = cells
			continue
		}
		rows = append(rows, cells)
	}
	if ind := p.indicator(title, header, rows); ind != nil {
		p.doc.Indicators = append(p.doc.Indicators, ind)
	}
	return j - 1
}

func splitCells(line string) []string {
	var out []string
	for _, c := range strings.Split(line, "\t") {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

// indicator turns a two-column table (place, value) into an Indicator,
// named after the figure caption it belongs to when one matches.
func (p *parser) indicator(title string, header []string, rows [][]string) *Indicator {
	if len(header) < 2 || len(rows) == 0 {
		return nil
	}
	ind := &Indicator{Header: header[1]}
	percent := false
	for _, r := range rows {
		if len(r) < 2 {
			continue
		}
		v, isPct, err := parseFigure(r[1])
		if err != nil {
			continue
		}
		percent = percent || isPct
		ind.Rows = append(ind.Rows, IndicatorValue{County: r[0], Value: v})
	}
	if len(ind.Rows) == 0 {
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
		ind.Unit = "个"
		if percent {
			ind.Unit = "%"
		}
	}
	rankRows(ind.Rows)
	return ind
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
func rankRows(rows []IndicatorValue) {
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
func indicatorText(ind *Indicator) string {
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
