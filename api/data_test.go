package api_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// ---- the report's chart tables, read independently of the corpus package ----

// reportTable is one "Sheet1" table of the report: the column header and
// each county's figure (percent signs dropped).
type reportTable struct {
	header string
	rows   map[string]float64
}

// reportTables reads the chart tables at the end of the source report:
//
//	Sheet1
//			县区		新增省级专精特新企业数量		系列 2		系列 3
//			小店区		116		2.4		2
func reportTables(t *testing.T) []reportTable {
	t.Helper()
	lines := strings.Split(strings.ReplaceAll(readReport(t), "\r\n", "\n"), "\n")
	var out []reportTable
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "Sheet1" {
			continue
		}
		var tab *reportTable
		for i++; i < len(lines); i++ {
			line := lines[i]
			if strings.TrimSpace(line) == "" {
				continue
			}
			if !strings.Contains(line, "\t") {
				i--
				break
			}
			var cells []string
			for _, c := range strings.Split(line, "\t") {
				if c = strings.TrimSpace(c); c != "" {
					cells = append(cells, c)
				}
			}
			if tab == nil {
				tab = &reportTable{header: cells[1], rows: map[string]float64{}}
				continue
			}
			v, err := strconv.ParseFloat(strings.TrimSuffix(cells[1], "%"), 64)
			if err != nil {
				t.Fatalf("report table %s: bad figure %q", tab.header, cells[1])
			}
			tab.rows[cells[0]] = v
		}
		if tab != nil {
			out = append(out, *tab)
		}
	}
	if len(out) == 0 {
		t.Fatal("no tables found in the source report")
	}
	return out
}

// ---- 6. passages ----

type passageRef struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Label string `json:"label"`
}

type passageBody struct {
	Passage passage `json:"passage"`
	Case    *struct {
		Number   int       `json:"number"`
		Title    string    `json:"title"`
		County   string    `json:"county"`
		Citation string    `json:"citation"`
		Passages []passage `json:"passages"`
	} `json:"case"`
	Prev *passageRef `json:"prev"`
	Next *passageRef `json:"next"`
}

func getPassage(t *testing.T, id string) passageBody {
	t.Helper()
	var b passageBody
	getJSON(t, "/api/passages/"+url.PathEscape(id), http.StatusOK, &b)
	if b.Passage.ID != id {
		t.Fatalf("GET /api/passages/%s returned passage %q", id, b.Passage.ID)
	}
	return b
}

func TestPassageWithCase(t *testing.T) {
	report := readReport(t)
	r := search(t, url.Values{"q": {"楼宇经济"}, "size": {"1"}})
	if len(r.Hits) == 0 {
		t.Fatal("no hit for 楼宇经济")
	}
	first := r.Hits[0]
	b := getPassage(t, first.ID)
	if b.Passage.Text != first.Text {
		t.Errorf("passage text differs from the search hit's text")
	}
	if b.Case == nil {
		t.Fatalf("passage %s has no case", first.ID)
	}
	if b.Case.Number != 1 || b.Case.County != "小店区" || !strings.HasPrefix(b.Case.Title, "经验一") {
		t.Errorf("case = %d %q %q, want 1 小店区 经验一…", b.Case.Number, b.Case.County, b.Case.Title)
	}
	if !strings.Contains(b.Case.Citation, "经验一") {
		t.Errorf("case citation %q does not name 经验一", b.Case.Citation)
	}
	// 经验一: an introduction, then 一是 … 六是.
	if len(b.Case.Passages) != 7 {
		t.Fatalf("经验一 has %d passages, want 7 (introduction and six measures)", len(b.Case.Passages))
	}
	numerals := []string{"一", "二", "三", "四", "五", "六"}
	for i, p := range b.Case.Passages {
		if i == 0 {
			if !strings.HasPrefix(p.Text, "小店区持续深入推进楼宇经济发展") || p.Label != "" {
				t.Errorf("introduction = %.30q (label %q)", p.Text, p.Label)
			}
		} else {
			want := numerals[i-1] + "是"
			if !strings.HasPrefix(p.Text, want) || !strings.HasPrefix(p.Label, want) {
				t.Errorf("measure %d: text %.20q, label %q; want both to start with %s", i, p.Text, p.Label, want)
			}
		}
		// Each paragraph of 经验一 is one line of the report, kept whole.
		if !strings.Contains(report, p.Text) {
			t.Errorf("passage %d is not a paragraph of the report: %.40q", i, p.Text)
		}
		if p.Case == nil || p.Case.Number != 1 {
			t.Errorf("passage %s of 经验一 has case %+v", p.ID, p.Case)
		}
	}

	// prev and next are the neighbouring paragraphs of the document.
	idx := slices.IndexFunc(b.Case.Passages, func(p passage) bool { return p.ID == first.ID })
	if idx < 0 {
		t.Fatalf("the case of %s does not list it", first.ID)
	}
	if b.Prev == nil || b.Next == nil {
		t.Fatalf("prev = %v, next = %v; 经验一 is in the middle of the report", b.Prev, b.Next)
	}
	if idx+1 < len(b.Case.Passages) && b.Next.ID != b.Case.Passages[idx+1].ID {
		t.Errorf("next = %s, want %s (the next passage of the case)", b.Next.ID, b.Case.Passages[idx+1].ID)
	}
	if idx > 0 && b.Prev.ID != b.Case.Passages[idx-1].ID {
		t.Errorf("prev = %s, want %s (the previous passage of the case)", b.Prev.ID, b.Case.Passages[idx-1].ID)
	}
	if idx == 0 {
		// The paragraph before 经验一 closes the 主要做法 section.
		prev := getPassage(t, b.Prev.ID)
		if !strings.HasPrefix(prev.Passage.Text, "在推动中小企业高质量发展过程中") {
			t.Errorf("prev of 经验一's introduction: %.40q", prev.Passage.Text)
		}
	}
	// The links are mutual.
	if n := getPassage(t, b.Next.ID); n.Prev == nil || n.Prev.ID != first.ID {
		t.Errorf("next passage %s has prev %v, want %s", b.Next.ID, n.Prev, first.ID)
	}
	if p := getPassage(t, b.Prev.ID); p.Next == nil || p.Next.ID != first.ID {
		t.Errorf("prev passage %s has next %v, want %s", b.Prev.ID, p.Next, first.ID)
	}
}

// The first passage of the document has no prev, the last no next.
func TestPassageEnds(t *testing.T) {
	all := search(t, url.Values{"size": {"1"}})
	if all.Total == 0 {
		t.Fatal("empty search found nothing")
	}
	last := search(t, url.Values{"size": {"1"}, "page": {strconv.Itoa(all.Total)}})
	if len(all.Hits) != 1 || len(last.Hits) != 1 {
		t.Fatalf("could not fetch the first and last passages")
	}
	if all.Hits[0].Doc != last.Hits[0].Doc {
		t.Skip("more than one document: the ends of one are not the ends of the list")
	}
	if b := getPassage(t, all.Hits[0].ID); b.Prev != nil || b.Next == nil {
		t.Errorf("first passage: prev %v, next %v", b.Prev, b.Next)
	}
	if b := getPassage(t, last.Hits[0].ID); b.Next != nil || b.Prev == nil {
		t.Errorf("last passage: prev %v, next %v", b.Prev, b.Next)
	}
}

func TestPassageNotFound(t *testing.T) {
	for _, id := range []string{"no-such-passage", "0aa3c8ef1f8a-p999", "%E6%A5%BC"} {
		wantError(t, ts.URL, http.MethodGet, "/api/passages/"+id, http.StatusNotFound)
	}
}

// ---- 7. indicators ----

type indicator struct {
	Name   string   `json:"name"`
	Unit   string   `json:"unit"`
	Header string   `json:"header"`
	Doc    string   `json:"doc"`
	Total  *float64 `json:"total"`
	Rows   []struct {
		County string  `json:"county"`
		City   string  `json:"city"`
		Value  float64 `json:"value"`
		Rank   int     `json:"rank"`
	} `json:"rows"`
}

type indicatorsBody struct {
	Indicators []indicator `json:"indicators"`
}

func TestIndicators(t *testing.T) {
	var b indicatorsBody
	getJSON(t, "/api/indicators", http.StatusOK, &b)
	tables := reportTables(t)
	if len(b.Indicators) != 9 || len(tables) != 9 {
		t.Fatalf("%d indicators, %d tables in the report; want 9", len(b.Indicators), len(tables))
	}
	percent := 0
	for _, in := range b.Indicators {
		t.Run(in.Name, func(t *testing.T) {
			if in.Name == "" || in.Unit == "" || in.Doc == "" {
				t.Errorf("name %q, unit %q, doc %q", in.Name, in.Unit, in.Doc)
			}
			if len(in.Rows) != 11 {
				t.Fatalf("%d rows, want 11 (one per county)", len(in.Rows))
			}
			sum := 0.0
			for i, r := range in.Rows {
				sum += r.Value
				if r.City == "" {
					t.Errorf("row %s has no city", r.County)
				}
				// Rank is 1 + the number of counties with a higher value.
				higher := 0
				for _, o := range in.Rows {
					if o.Value > r.Value {
						higher++
					}
				}
				if r.Rank != higher+1 {
					t.Errorf("%s (%v) has rank %d, want %d", r.County, r.Value, r.Rank, higher+1)
				}
				if i == 0 && r.Rank != 1 {
					t.Errorf("first row rank %d, want 1", r.Rank)
				}
				if i > 0 {
					p := in.Rows[i-1]
					if r.Value > p.Value || r.Rank < p.Rank {
						t.Errorf("rows not ordered: %s %v #%d after %s %v #%d", r.County, r.Value, r.Rank, p.County, p.Value, p.Rank)
					}
				}
			}
			switch {
			case in.Unit == "%" && in.Total != nil:
				t.Errorf("%s: a total of percentages (%v) means nothing", in.Name, *in.Total)
			case in.Unit != "%" && (in.Total == nil || *in.Total != sum):
				t.Errorf("%s: total %v, sum of rows %v", in.Name, in.Total, sum)
			}
			// The rows are the report's table with that header.
			ti := slices.IndexFunc(tables, func(tb reportTable) bool { return tb.header == in.Header })
			if ti < 0 {
				t.Fatalf("no table with header %q in the report", in.Header)
			}
			if len(tables[ti].rows) != len(in.Rows) {
				t.Errorf("%d rows, the report's table has %d", len(in.Rows), len(tables[ti].rows))
			}
			for _, r := range in.Rows {
				if v, ok := tables[ti].rows[r.County]; !ok || v != r.Value {
					t.Errorf("%s = %v, the report says %v (present %v)", r.County, r.Value, v, ok)
				}
			}
		})
		if in.Unit == "%" {
			percent++
		}
	}
	// Three of the report's charts are shares: 中小企业占GDP比重, 非煤工业增加值比重, 现代服务业产值比重.
	if percent != 3 {
		t.Errorf("%d indicators in %%, want 3", percent)
	}
}

// The totals of the count tables are the figures the report states in its text.
func TestIndicatorTotalsMatchReport(t *testing.T) {
	report := readReport(t)
	tests := []struct {
		name   string
		total  float64
		phrase string // where the report states it
	}{
		{"专精特新", 392, "总数达392户"},
		{"高新技术企业", 882, "总数达882户"},
		{"技术中心", 82, "培育省级技术中心82户"},
		{"股份制", 353, "总数达353户"},
		{"小升规", 215, "共净增小升规企业215户"},
		{"培育企业数量", 199424, "其中企业数量达199424户"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !strings.Contains(report, tc.phrase) {
				t.Fatalf("the report does not say %q", tc.phrase)
			}
			var b indicatorsBody
			getJSON(t, "/api/indicators?name="+url.QueryEscape(tc.name), http.StatusOK, &b)
			if len(b.Indicators) != 1 {
				names := []string{}
				for _, in := range b.Indicators {
					names = append(names, in.Name)
				}
				t.Fatalf("name=%s selects %d tables %v, want 1", tc.name, len(b.Indicators), names)
			}
			in := b.Indicators[0]
			if !strings.Contains(in.Name, tc.name) && !strings.Contains(in.Header, tc.name) {
				t.Errorf("name=%s selected %q (header %q)", tc.name, in.Name, in.Header)
			}
			if in.Total == nil || *in.Total != tc.total {
				t.Errorf("total %v, the report states %v", in.Total, tc.total)
			}
		})
	}
}

func TestIndicatorNotFound(t *testing.T) {
	wantError(t, ts.URL, http.MethodGet, "/api/indicators?name="+url.QueryEscape("不存在的指标"), http.StatusNotFound)
}

// ---- 8. counties ----

type countyBody struct {
	Name  string `json:"name"`
	City  string `json:"city"`
	Cases []struct {
		Number   int    `json:"number"`
		Title    string `json:"title"`
		First    string `json:"first_passage"`
		Passages int    `json:"passages"`
	} `json:"cases"`
	Indicators []struct {
		Name  string  `json:"name"`
		Value float64 `json:"value"`
		Rank  int     `json:"rank"`
		OutOf int     `json:"out_of"`
	} `json:"indicators"`
}

func TestCounties(t *testing.T) {
	var b struct {
		Counties []countyBody `json:"counties"`
	}
	getJSON(t, "/api/counties", http.StatusOK, &b)
	// The 11 counties are the rows of the report's tables.
	want := map[string]bool{}
	for _, tb := range reportTables(t) {
		for c := range tb.rows {
			want[c] = true
		}
	}
	if len(want) != 11 {
		t.Fatalf("the report's tables name %d counties, want 11", len(want))
	}
	if len(b.Counties) != 11 {
		t.Errorf("%d counties, want 11", len(b.Counties))
	}
	for _, c := range b.Counties {
		if !want[c.Name] {
			t.Errorf("county %q is not in the report's tables", c.Name)
		}
		if len(c.Cases) != 1 {
			t.Errorf("%s has %d cases; the report has one 经验 per county", c.Name, len(c.Cases))
		}
		if len(c.Indicators) != 9 {
			t.Errorf("%s has %d indicators, want 9", c.Name, len(c.Indicators))
		}
	}
}

func TestCountyProfile(t *testing.T) {
	var dx countyBody
	getJSON(t, "/api/counties/"+url.PathEscape("定襄县"), http.StatusOK, &dx)
	if dx.Name != "定襄县" {
		t.Errorf("name %q", dx.Name)
	}
	if dx.City == "" {
		t.Error("no city")
	}
	// 经验三：定襄推出系列举措，打造法兰专业镇 — an introduction and 一是…三是.
	if len(dx.Cases) != 1 {
		t.Fatalf("%d cases, want 1", len(dx.Cases))
	}
	cs := dx.Cases[0]
	if cs.Number != 3 || !strings.Contains(cs.Title, "法兰专业镇") {
		t.Errorf("case %d %q, want 3 …法兰专业镇", cs.Number, cs.Title)
	}
	if cs.Passages != 4 {
		t.Errorf("case has %d passages, want 4", cs.Passages)
	}
	if first := getPassage(t, cs.First); !strings.HasPrefix(first.Passage.Text, "定襄县法兰专业镇") {
		t.Errorf("first passage of the case: %.30q", first.Passage.Text)
	}
	if len(dx.Indicators) != 9 {
		t.Fatalf("%d indicators, want 9", len(dx.Indicators))
	}
	// Each figure is 定襄县's row of the report table.
	var all indicatorsBody
	getJSON(t, "/api/indicators", http.StatusOK, &all)
	tables := reportTables(t)
	for _, ci := range dx.Indicators {
		i := slices.IndexFunc(all.Indicators, func(in indicator) bool { return in.Name == ci.Name })
		if i < 0 {
			t.Errorf("indicator %q is not listed by /api/indicators", ci.Name)
			continue
		}
		ti := slices.IndexFunc(tables, func(tb reportTable) bool { return tb.header == all.Indicators[i].Header })
		if ti < 0 {
			t.Errorf("indicator %q has no table in the report", ci.Name)
			continue
		}
		if v := tables[ti].rows["定襄县"]; v != ci.Value {
			t.Errorf("%s: 定襄县 = %v, the report says %v", ci.Name, ci.Value, v)
		}
		if ci.OutOf != 11 || ci.Rank < 1 || ci.Rank > 11 {
			t.Errorf("%s: rank %d of %d", ci.Name, ci.Rank, ci.OutOf)
		}
	}

	// Short names resolve to the county.
	for _, short := range []string{"定襄", "小店", "侯马"} {
		var c countyBody
		getJSON(t, "/api/counties/"+url.PathEscape(short), http.StatusOK, &c)
		if !strings.HasPrefix(c.Name, short) || len(c.Name) <= len(short) {
			t.Errorf("%s resolved to %q", short, c.Name)
		}
		if short == "定襄" && c.Name != "定襄县" {
			t.Errorf("定襄 resolved to %q, want 定襄县", c.Name)
		}
	}
}

func TestCountyNotFound(t *testing.T) {
	for _, name := range []string{"不存在县", "不存在", "县"} {
		wantError(t, ts.URL, http.MethodGet, "/api/counties/"+url.PathEscape(name), http.StatusNotFound)
	}
}
