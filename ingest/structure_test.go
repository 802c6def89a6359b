package ingest

import (
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/corpus"
)

// A notice with its red header, document number, salutation, signature
// and an attachment whose headings run four levels deep.
const noticeText = `晋中市人民政府办公室文件
晋市政办发〔2023〕12号

关于印发晋中市中小企业
高质量发展行动方案的通知

各县（区、市）人民政府，市直各有关单位：
现将《晋中市中小企业高质量发展行动方案》印发给你们，请认真贯彻落实。
附件：1.晋中市中小企业高质量发展行动方案
2.重点任务分工表
晋中市人民政府办公室
二〇二三年八月十五日
附件1
晋中市中小企业高质量发展行动方案
一、总体要求
（一）主要目标
1.企业数量
到2025年，全市中小企业达到十万户。
1.5亿元专项资金由市财政安排，用于支持中小企业技术改造。
2.质量效益
（1）规上企业
力争新增规上工业企业三百户。主要做法：一是建立培育库。二是开展诊断服务。三是落实奖励政策。
二、保障措施
强化组织领导，建立联席会议制度。
`

func TestNoticeStructure(t *testing.T) {
	d, err := ParseText("notice.txt", []byte(noticeText), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "关于印发晋中市中小企业高质量发展行动方案的通知" || d.Issuer != "晋中市人民政府办公室" || d.Date != "2023-08-15" {
		t.Errorf("title/issuer/date = %q %q %q", d.Title, d.Issuer, d.Date)
	}
	want := "序言 附件1：晋中市中小企业高质量发展行动方案[一、总体要求[（一）主要目标[1.企业数量 2.质量效益[（1）规上企业]]] 二、保障措施]"
	if got := outline(d); got != want {
		t.Errorf("sections:\n got %s\nwant %s", got, want)
	}
	all := allText(d)
	for _, bad := range []string{"〔2023〕", "二〇二三", "文件"} {
		if strings.Contains(all, bad) {
			t.Errorf("passages keep %q:\n%s", bad, all)
		}
	}
	if p := findPassage(t, d, "2.重点任务分工表"); p.HeadingPath[0] != "序言" {
		t.Errorf("the attachment list became a heading: %v", p.HeadingPath)
	}
	p := findPassage(t, d, "1.5亿元")
	if got := strings.Join(p.HeadingPath, "/"); got != "附件1：晋中市中小企业高质量发展行动方案/一、总体要求/（一）主要目标/1.企业数量" {
		t.Errorf("1.5亿元 paragraph at %s", got)
	}
	m := findPassage(t, d, "二是开展诊断服务")
	if m.Label != "二是开展诊断服务" || m.Title != "（1）规上企业" || len(m.HeadingPath) != 6 {
		t.Errorf("measure %q title %q path %v", m.Label, m.Title, m.HeadingPath)
	}
	intro := findPassage(t, d, "力争新增")
	if intro.Text != "力争新增规上工业企业三百户。主要做法：" || intro.Label != "" {
		t.Errorf("text before the measures = %q label %q", intro.Text, intro.Label)
	}
}

func TestMetadataLines(t *testing.T) {
	for _, tc := range []struct{ line, date string }{
		{"2023年8月", "2023-08"}, {"2023年8月15日", "2023-08-15"}, {"二〇二三年八月十五日", "2023-08-15"},
		{"二○二四年十二月三十一日", "2024-12-31"}, {"（２０２３年１０月）", "2023-10"}, {"2023年13月", ""},
		{"二〇二三年八月", "2023-08"}, {"2023年8月15日召开会议", ""},
	} {
		got, ok := parseDateLine(tc.line)
		if got != tc.date || ok != (tc.date != "") {
			t.Errorf("parseDateLine(%q) = %q %v, want %q", tc.line, got, ok, tc.date)
		}
	}
	for _, tc := range []struct{ line, issuer string }{
		{"山西省小企业发展促进局", "山西省小企业发展促进局"}, {"太原市人民政府文件", "太原市人民政府"},
		{"山西省财政厅 山西省工业和信息化厅", "山西省财政厅 山西省工业和信息化厅"}, {"中共平遥县委", "中共平遥县委"},
		{"一、强化市场监管局", ""}, {"打开新局", ""}, {"推进会议在县政府召开，县工信局参加", ""},
	} {
		got, ok := issuerOf(tc.line)
		if got != tc.issuer || ok != (tc.issuer != "") {
			t.Errorf("issuerOf(%q) = %q %v, want %q", tc.line, got, ok, tc.issuer)
		}
	}
}

// A date and issuer given in the signature block are read when the title
// block has none; the signature lines are not passages, and a date on a
// line of its own in the body is not the document's.
func TestSignatureBlock(t *testing.T) {
	text := "关于开展中小企业服务月活动的通知\n\n各县（区）工信局：\n为深入开展中小企业服务月活动，现将有关事项通知如下。\n" +
		"一、活动时间\n2023年6月1日\n启动仪式在平遥县举行，活动持续一个月。\n二、活动内容\n开展政策宣讲、融资对接、人才招聘等服务。\n\n平遥县工业和信息化局\n2023年5月20日\n"
	d, err := ParseText("n.txt", []byte(text), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Issuer != "平遥县工业和信息化局" || d.Date != "2023-05-20" {
		t.Errorf("issuer/date = %q %q", d.Issuer, d.Date)
	}
	if all := allText(d); strings.Contains(all, "2023年5月20日") || strings.Contains(all, "平遥县工业和信息化局") {
		t.Errorf("signature kept as passages:\n%s", all)
	}
}

// Headings stated by the format are levelled by how they nest, and a
// heading numbered in the official style keeps its numbering's level.
func TestExplicitHeadingLevels(t *testing.T) {
	blocks := []Block{
		{Text: "县域经济简报", Level: 1},
		{Text: "概述", Level: 2},
		{Text: "平遥县中小企业发展势头良好，全年新增企业一千余户。"},
		{Text: "一、主要做法", Level: 3},
		{Text: "背景", Level: 3},
		{Text: "（一）政策支持", Level: 2},
		{Text: "出台扶持政策，设立专项资金。"},
		{Text: "经验一：平遥县推进小升规", Level: 2},
		{Text: "平遥县建立小升规培育库，一企一策精准帮扶。"},
		{Text: "具体举措", Level: 4},
		{Text: "一是摸清底数。二是精准帮扶。"},
	}
	d, err := buildDocument("b.html", []byte("x"), Meta{}, blocks, "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "县域经济简报" {
		t.Errorf("title = %q", d.Title)
	}
	want := "概述 一、主要做法[背景 （一）政策支持 经验一：平遥县推进小升规[具体举措]]"
	if got := outline(d); got != want {
		t.Errorf("sections:\n got %s\nwant %s", got, want)
	}
	m := findPassage(t, d, "二是精准帮扶")
	if m.Case == nil || m.Case.Number != 1 || m.Kind != corpus.KindCase || m.Label != "二是精准帮扶" {
		t.Errorf("measure under a sub-heading of a case: case %+v kind %s label %q", m.Case, m.Kind, m.Label)
	}
	if len(d.Cases) != 1 || len(d.Cases[0].Passages) != 3 {
		t.Errorf("cases = %+v", d.Cases)
	}
}

func TestTablesAsPassages(t *testing.T) {
	blocks := []Block{
		{Text: "一、基本情况"},
		{Text: "表1 各县企业情况"},
		{Table: [][]string{{"县区", "企业数", "营业收入（亿元）"}, {"平遥县", "120", "35.6"}, {"介休市", "98", "41.2"}}},
		{Text: "（一）年度变化"},
		{Table: [][]string{{"年份", "企业数"}, {"2021", "100"}, {"2022", "120"}}},
		{Table: [][]string{{"", ""}, {" ", ""}}},
	}
	d, err := buildDocument("t.md", []byte("y"), Meta{}, blocks, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Indicators) != 1 || d.Indicators[0].Name != "表1 各县企业情况" || d.Indicators[0].Header != "企业数" {
		t.Fatalf("indicators = %+v", d.Indicators)
	}
	// The county table has a column the indicator leaves out: it is kept as text too.
	p := findPassage(t, d, "表1 各县企业情况：")
	if p.Text != "表1 各县企业情况：县区｜企业数｜营业收入（亿元）；平遥县｜120｜35.6；介休市｜98｜41.2" {
		t.Errorf("table passage = %q", p.Text)
	}
	if y := findPassage(t, d, "年份"); y.Text != "年份｜企业数；2021｜100；2022｜120" || strings.Join(y.HeadingPath, "/") != "一、基本情况/（一）年度变化" {
		t.Errorf("years table = %q at %v", y.Text, y.HeadingPath)
	}
}

func TestLongTableSplit(t *testing.T) {
	rows := [][]string{{"企业名称", "所属行业", "认定年度"}}
	for i := 0; i < 60; i++ {
		rows = append(rows, []string{fmt.Sprintf("平遥县第%d号示范企业有限公司", i+1), "食品加工制造业", "2023年"})
	}
	d, err := buildDocument("t.docx", []byte("z"), Meta{}, []Block{{Text: "专精特新企业名单"}, {Table: rows}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Passages) < 3 {
		t.Fatalf("a 60-row table gave %d passages", len(d.Passages))
	}
	seen := 0
	for _, p := range d.Passages {
		if n := utf8.RuneCountInString(p.Text); n > maxTableRunes || !strings.HasPrefix(p.Text, "专精特新企业名单：企业名称｜所属行业｜认定年度；") {
			t.Errorf("chunk of %d runes: %.40s", n, p.Text)
		}
		seen += strings.Count(p.Text, "示范企业")
	}
	if seen != 60 {
		t.Errorf("chunks hold %d rows, want 60", seen)
	}
}

func TestRadicalsFolded(t *testing.T) {
	d, err := ParseText("r.txt", []byte("⼀、⼯作成效\n⻓治市⻔户⽹站发布，全市中⼩企业⼾数增⻓。"), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if outline(d) != "一、工作成效" || d.Passages[0].Text != "长治市门户网站发布，全市中小企业户数增长。" {
		t.Errorf("sections %s, text %q", outline(d), d.Passages[0].Text)
	}
}
