package ingest

import (
	"slices"
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
)

// Documents users bring: a county's policy as .md, .txt and .docx, a
// county-level city's report with measures, a two-line title, and a
// document from another province (testdata/userdocs).

func newTagger(t *testing.T) *corpus.Tagger {
	t.Helper()
	g, err := corpus.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	o, err := corpus.DefaultOntology()
	if err != nil {
		t.Fatal(err)
	}
	return &corpus.Tagger{Places: g, Themes: o}
}

func parseTagged(t *testing.T, name string, raw []byte) *corpus.Document {
	t.Helper()
	d, err := ParseFile(name, raw, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	newTagger(t).Tag(d)
	return d
}

// yangquDocx is testdata/userdocs/yangqu.md written in Word.
func yangquDocx(t *testing.T) []byte {
	body := wp("a3", "阳曲县支持中小企业高质量发展的若干措施") +
		wp("", "阳曲县工业和信息化局　2024年3月") +
		wp("", "为深入贯彻落实省、市关于促进中小企业发展的决策部署，进一步激发市场主体活力，结合我县实际，制定以下措施。") +
		wp("1", "一、强化企业梯度培育") +
		wp("", "建立创新型中小企业、专精特新中小企业、专精特新“小巨人”企业梯度培育库，对首次认定为省级专精特新中小企业的给予一次性奖励10万元。") +
		wtable([]string{"乡镇", "入库企业数"}, []string{"黄寨镇", "12"}, []string{"东黄水镇", "8"}, []string{"泥屯镇", "5"}) +
		wp("1", "二、精准招商") +
		wp("", "围绕新材料、装备制造、现代物流等主导产业绘制产业链图谱，开展以商招商、驻地招商，对引进的重点项目实行专班服务、全程代办。") +
		wp("1", "三、学习清徐县精细化工园区建设经验") +
		wp("", "清徐县依托精细化工循环产业园，推行“标准地+承诺制”改革，项目拿地即开工。") +
		wp("", "组织园区管理人员赴外地学习园区规划、招商运营和安全环保管理经验，形成可复制的工作清单。") +
		wp("1", "四、优化营商环境") +
		wp("", "深化“一枚印章管审批”改革，推行惠企政策免申即享，建立企业诉求“接诉即办”机制，办结率达到98%以上。")
	return buildZip(t, map[string]string{
		"word/document.xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document ` + wordNS + `><w:body>` + body + `</w:body></w:document>`,
		"word/styles.xml":   testStyles,
	})
}

// The title, the issuer/date line under it, and the county of every
// passage: the document's, except in the section that names 清徐县.
func TestUserDocCountyPolicy(t *testing.T) {
	files := map[string][]byte{
		"yangqu.md":   readTestdata(t, "userdocs/yangqu.md"),
		"yangqu.txt":  readTestdata(t, "userdocs/yangqu.txt"),
		"yangqu.docx": yangquDocx(t),
	}
	for name, raw := range files {
		d := parseTagged(t, name, raw)
		if d.Title != "阳曲县支持中小企业高质量发展的若干措施" || d.Issuer != "阳曲县工业和信息化局" || d.Date != "2024-03" {
			t.Errorf("%s: title/issuer/date = %q %q %q", name, d.Title, d.Issuer, d.Date)
		}
		want := "序言 一、强化企业梯度培育 二、精准招商 三、学习清徐县精细化工园区建设经验 四、优化营商环境"
		if !strings.HasSuffix(name, ".txt") {
			want += " 指标" // the table of towns, tagged with the document's county
		}
		if got := outline(d); got != want {
			t.Errorf("%s: sections\n got %s\nwant %s", name, got, want)
		}
		lib := corpus.NewLibrary([]*corpus.Document{d})
		for _, p := range d.Passages {
			want := "阳曲县"
			if strings.HasPrefix(p.HeadingPath[0], "三、") {
				want = "清徐县"
			}
			if len(p.Counties) != 1 || p.Counties[0] != want || !slices.Equal(p.Cities, []string{"太原市"}) {
				t.Errorf("%s: %s (%s) counties %v cities %v, want [%s] [太原市]", name, p.ID, p.HeadingPath[0], p.Counties, p.Cities, want)
			}
			if c := lib.Citation(p); strings.Contains(c, "2024") || strings.Contains(c, "工业和信息化局") {
				t.Errorf("%s: citation %q carries the issuer line", name, c)
			}
		}
		if n := strings.Count(allText(d), "工业和信息化局"); n != 0 {
			t.Errorf("%s: the issuer line became a passage", name)
		}
	}
}

func TestUserDocTwoLineTitle(t *testing.T) {
	d := parseTagged(t, "twolines.txt", readTestdata(t, "userdocs/twolines.txt"))
	if d.Title != "阳曲县关于支持中小企业高质量发展的若干措施" || d.Issuer != "阳曲县人民政府办公室" || d.Date != "2024-03-15" {
		t.Errorf("title/issuer/date = %q %q %q", d.Title, d.Issuer, d.Date)
	}
	for _, p := range d.Passages {
		if !slices.Equal(p.Counties, []string{"阳曲县"}) {
			t.Errorf("%s counties %v", p.ID, p.Counties)
		}
	}
}

// Every measure of a county-level city's report carries the city's
// county-level place, though only the first names it.
func TestUserDocMeasures(t *testing.T) {
	d := parseTagged(t, "huairen.txt", readTestdata(t, "userdocs/huairen.txt"))
	if d.Title != "怀仁市做强陶瓷产业集群的经验做法" || d.Issuer != "朔州市工业和信息化局" || d.Date != "2023-11-20" {
		t.Errorf("title/issuer/date = %q %q %q", d.Title, d.Issuer, d.Date)
	}
	fund := findPassage(t, d, "二是设立陶瓷产业发展基金")
	if fund.Label != "二是设立陶瓷产业发展基金" {
		t.Errorf("label %q", fund.Label)
	}
	measures := 0
	for _, p := range d.Passages {
		if p.Label != "" {
			measures++
		}
		if !slices.Equal(p.Counties, []string{"怀仁市"}) || !slices.Equal(p.Cities, []string{"朔州市"}) {
			t.Errorf("%s %.12s: counties %v cities %v, want [怀仁市] [朔州市]", p.ID, p.Text, p.Counties, p.Cities)
		}
	}
	if measures != 3 {
		t.Errorf("measures = %d, want 3", measures)
	}
}

// A document from another province gets the county its title and issuer name.
func TestUserDocOtherProvince(t *testing.T) {
	d := parseTagged(t, "anji.txt", readTestdata(t, "userdocs/anji.txt"))
	if d.Issuer != "浙江省安吉县经济和信息化局" || d.Date != "2024-05" {
		t.Errorf("issuer/date = %q %q", d.Issuer, d.Date)
	}
	for _, p := range d.Passages {
		if !slices.Equal(p.Counties, []string{"安吉县"}) || len(p.Cities) != 0 {
			t.Errorf("%s counties %v cities %v, want [安吉县] []", p.ID, p.Counties, p.Cities)
		}
	}
}

func TestIssuerDateLine(t *testing.T) {
	for _, tc := range []struct{ line, issuer, date string }{
		{"阳曲县工业和信息化局 2024年3月", "阳曲县工业和信息化局", "2024-03"},
		{"阳曲县人民政府办公室2024年3月15日", "阳曲县人民政府办公室", "2024-03-15"},
		{"阳曲县工信局　二〇二四年三月", "阳曲县工信局", "2024-03"},
		{"2024年3月 阳曲县工业和信息化局", "阳曲县工业和信息化局", "2024-03"},
		{"阳曲县支持中小企业发展 2024年", "", ""},
		{"2024年阳曲县中小企业发展报告", "", ""},
	} {
		is, d, ok := issuerDateLine(tc.line)
		if is != tc.issuer || d != tc.date || ok != (tc.issuer != "") {
			t.Errorf("%s: %q %q %v, want %q %q", tc.line, is, d, ok, tc.issuer, tc.date)
		}
	}
}

// Indicator tables of many counties are tagged with none of them, never
// with the county of their top row; a table of a few counties with those.
func TestTablePlaces(t *testing.T) {
	d, _ := loadSeed(t)
	for _, p := range d.Passages {
		if p.Kind == corpus.KindIndicator && (len(p.Counties) != 0 || len(p.Cities) != 0) {
			t.Errorf("indicator %s tagged %v %v", p.Title, p.Counties, p.Cities)
		}
	}
	for _, in := range d.Indicators {
		if len(in.Rows) != 11 || in.Rows[0].City == "" {
			t.Errorf("%s: rows %d, top row %+v", in.Name, len(in.Rows), in.Rows[0])
		}
	}
	md := "# 两县对比\n\n太原市工业和信息化局\n\n| 县区 | 企业数 |\n| --- | --- |\n| 清徐县 | 20 |\n| 阳曲县 | 10 |\n\n两县企业数量均有增长，清徐县增长较快。\n"
	doc := parseTagged(t, "对比.md", []byte(md))
	for _, p := range doc.Passages {
		if p.Kind == corpus.KindIndicator && !slices.Equal(p.Counties, []string{"清徐县", "阳曲县"}) {
			t.Errorf("two-county table tagged %v", p.Counties)
		}
	}
}

// The same text as .md and .docx is recognised by its text hash; other
// texts hash differently.
func TestCrossFormatDuplicate(t *testing.T) {
	md := parseTagged(t, "yangqu.md", readTestdata(t, "userdocs/yangqu.md"))
	docx := parseTagged(t, "yangqu.docx", yangquDocx(t))
	txt := parseTagged(t, "yangqu.txt", readTestdata(t, "userdocs/yangqu.txt")) // has no table
	other := parseTagged(t, "twolines.txt", readTestdata(t, "userdocs/twolines.txt"))
	if md.Hash == docx.Hash || md.ID == docx.ID {
		t.Fatal("different files share a byte hash")
	}
	if md.TextHash == "" || md.TextHash != docx.TextHash {
		t.Errorf("md and docx text hashes differ: %s %s", md.TextHash, docx.TextHash)
	}
	if txt.TextHash == md.TextHash || other.TextHash == md.TextHash {
		t.Error("different texts share a text hash")
	}
	// Line breaks and spacing do not count.
	crlf := strings.ReplaceAll(string(readTestdata(t, "userdocs/yangqu.md")), "\n", "\r\n  ")
	if d := parseTagged(t, "yangqu2.md", []byte(crlf)); d.TextHash != md.TextHash {
		t.Error("line endings change the text hash")
	}
	lib := corpus.NewLibrary([]*corpus.Document{md, other})
	if d, ok := lib.DocumentWithText(docx.TextHash); !ok || d != md {
		t.Error("library does not find the document by its text hash")
	}
	if _, ok := lib.DocumentWithText(txt.TextHash); ok {
		t.Error("library finds a document with another text")
	}
}

// Without a place in the title or issuer, the county most passages name
// is the document's when it clearly dominates; a comparison has none.
func TestDominantCounty(t *testing.T) {
	news := "推进小升规工作综述\n一、基本情况\n平遥县推进小升规工作，新增规上企业十五户。\n二、主要做法\n平遥县建立小升规培育库，实行一企一策。\n三、下一步打算\n持续完善培育机制，力争全年新增规上企业二十户。\n"
	d := parseTagged(t, "news.txt", []byte(news))
	for _, p := range d.Passages {
		if !slices.Equal(p.Counties, []string{"平遥县"}) {
			t.Errorf("%.12s: counties %v, want [平遥县]", p.Text, p.Counties)
		}
	}
	cmp := "各地小升规工作综述\n一、基本情况\n平遥县新增规上企业十五户。\n介休市新增规上企业十二户。\n二、下一步打算\n持续完善培育机制，力争全年新增规上企业二十户。\n"
	d = parseTagged(t, "cmp.txt", []byte(cmp))
	if last := d.Passages[len(d.Passages)-1]; len(last.Counties) != 0 {
		t.Errorf("comparison: last passage tagged %v", last.Counties)
	}
}

// A bracketed note dating the adoption is metadata, not part of the title.
func TestAdoptedLine(t *testing.T) {
	txt := "阳曲县中小企业发展专项资金管理办法\n（2024年3月15日县人民政府第12次常务会议审议通过）\n第一条 为规范中小企业发展专项资金管理，提高资金使用效益，制定本办法。\n"
	d := parseTagged(t, "办法.txt", []byte(txt))
	if d.Title != "阳曲县中小企业发展专项资金管理办法" || d.Date != "2024-03-15" {
		t.Errorf("title/date = %q %q", d.Title, d.Date)
	}
	if strings.Contains(allText(d), "审议通过") {
		t.Error("the note became a passage")
	}
}
