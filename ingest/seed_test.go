package ingest

import (
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/corpus"
)

// loadSeed parses and tags the embedded report once per test.
func loadSeed(t *testing.T) (*corpus.Document, *corpus.Tagger) {
	t.Helper()
	g, err := corpus.DefaultGazetteer()
	if err != nil {
		t.Fatal(err)
	}
	o, err := corpus.DefaultOntology()
	if err != nil {
		t.Fatal(err)
	}
	tg := &corpus.Tagger{Places: g, Themes: o}
	docs, err := LoadSeed(tg)
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 {
		t.Fatalf("seed documents = %d, want 1", len(docs))
	}
	return docs[0], tg
}

func TestSeedDocumentMetadata(t *testing.T) {
	d, _ := loadSeed(t)
	if !strings.Contains(d.Title, "示范县") || !strings.HasPrefix(d.Title, "2022年") {
		t.Errorf("title = %q", d.Title)
	}
	if d.Issuer != "山西省小企业发展促进局" || d.Date != "2023-08" || d.Year != 2022 {
		t.Errorf("issuer/date/year = %q %q %d", d.Issuer, d.Date, d.Year)
	}
	var top []string
	for _, s := range d.Sections {
		top = append(top, s.Title)
	}
	want := []string{"序言", "一、创建成效", "二、创建过程中的主要做法和经验", "三、存在问题与未来展望", "指标"}
	if strings.Join(top, "|") != strings.Join(want, "|") {
		t.Errorf("sections = %v, want %v", top, want)
	}
	subs := map[string]int{"一、创建成效": 6, "二、创建过程中的主要做法和经验": 11, "三、存在问题与未来展望": 4}
	for _, s := range d.Sections {
		if n, ok := subs[s.Title]; ok && len(s.Sections) != n {
			t.Errorf("%s has %d subsections, want %d", s.Title, len(s.Sections), n)
		}
	}
}

func TestSeedCases(t *testing.T) {
	d, _ := loadSeed(t)
	// County of each case and the number of its measures (一是…), from the report.
	want := []struct {
		county, city string
		measures     int
	}{
		{"小店区", "太原市", 6}, {"盐湖区", "运城市", 3}, {"定襄县", "忻州市", 3}, {"平定县", "阳泉市", 3},
		{"清徐县", "太原市", 5}, {"文水县", "吕梁市", 4}, {"阳城县", "晋城市", 4}, {"祁县", "晋中市", 5},
		{"云冈区", "大同市", 4}, {"侯马市", "临汾市", 0}, {"长治高新区", "长治市", 0},
	}
	if len(d.Cases) != len(want) {
		t.Fatalf("cases = %d, want %d", len(d.Cases), len(want))
	}
	lib := corpus.NewLibrary([]*corpus.Document{d})
	for i, c := range d.Cases {
		w := want[i]
		if c.Number != i+1 || c.County != w.county || c.City != w.city {
			t.Errorf("case %d: number %d county %q city %q, want %d %q %q", i+1, c.Number, c.County, c.City, i+1, w.county, w.city)
		}
		measures := 0
		for _, id := range c.Passages {
			p, _ := lib.Passage(id)
			if p.Case == nil || p.Case.Number != c.Number || p.Kind != corpus.KindCase {
				t.Errorf("passage %s of case %d has case %+v kind %s", id, c.Number, p.Case, p.Kind)
			}
			if p.Label != "" {
				measures++
				if !strings.HasPrefix(p.Text, strings.TrimSuffix(p.Label, "…")) {
					t.Errorf("label %q is not the start of %q", p.Label, p.Text[:30])
				}
				if last := p.HeadingPath[len(p.HeadingPath)-1]; last != p.Label {
					t.Errorf("heading path %v does not end with the label", p.HeadingPath)
				}
			}
			if len(p.Counties) != 1 || p.Counties[0] != w.county {
				t.Errorf("passage %s counties = %v, want [%s]", id, p.Counties, w.county)
			}
		}
		if measures != w.measures {
			t.Errorf("case %d (%s): %d measures, want %d", c.Number, c.County, measures, w.measures)
		}
	}
}

func TestSeedDropsResidue(t *testing.T) {
	d, _ := loadSeed(t)
	for _, p := range d.Passages {
		for _, bad := range []string{"[image:", "Sheet1", "系列 2", "图1-", "目 录", "HHASTRT"} {
			if strings.Contains(p.Text, bad) {
				t.Errorf("passage %s keeps residue %q: %.40s", p.ID, bad, p.Text)
			}
		}
		if hanCount(p.Text) < 10 {
			t.Errorf("passage %s is too short to be text: %q", p.ID, p.Text)
		}
		if len(p.HeadingPath) == 0 || p.Kind == "" {
			t.Errorf("passage %s has no heading path or kind", p.ID)
		}
	}
	kinds := map[corpus.Kind]int{}
	for _, p := range d.Passages {
		kinds[p.Kind]++
	}
	for _, k := range []corpus.Kind{corpus.KindPreface, corpus.KindResults, corpus.KindPractice, corpus.KindCase, corpus.KindOutlook, corpus.KindIndicator} {
		if kinds[k] == 0 {
			t.Errorf("no passage of kind %s", k)
		}
	}
	if kinds[corpus.KindIndicator] != 9 || kinds[corpus.KindOutlook] != 4 || kinds[corpus.KindPreface] != 2 {
		t.Errorf("kinds = %v", kinds)
	}
}

func TestSeedIndicators(t *testing.T) {
	d, _ := loadSeed(t)
	if len(d.Indicators) != 9 {
		t.Fatalf("indicators = %d, want 9", len(d.Indicators))
	}
	// Totals stated in the report's text for the count tables.
	totals := map[string]float64{
		"省级专精特新企业数量": 392, "高新技术企业": 882, "省级企业技术中心": 82,
		"股份制企业改造数量": 353, "净增小升规企业数量": 215, "培育企业数量": 199424,
	}
	found := map[string]bool{}
	for _, in := range d.Indicators {
		if len(in.Rows) != 11 {
			t.Errorf("%s has %d rows, want 11", in.Name, len(in.Rows))
		}
		for i, r := range in.Rows {
			if r.City == "" {
				t.Errorf("%s: %s has no city (not in the gazetteer?)", in.Name, r.County)
			}
			if i > 0 && (r.Value > in.Rows[i-1].Value || r.Rank < in.Rows[i-1].Rank) {
				t.Errorf("%s: rows not ranked at %d", in.Name, i)
			}
			if i > 0 && r.Value == in.Rows[i-1].Value && r.Rank != in.Rows[i-1].Rank {
				t.Errorf("%s: equal values with ranks %d and %d", in.Name, in.Rows[i-1].Rank, r.Rank)
			}
		}
		if in.Unit != "个" && in.Unit != "%" {
			t.Errorf("%s unit %q", in.Name, in.Unit)
		}
		for name, total := range totals {
			if strings.HasPrefix(in.Name, name) {
				found[name] = true
				if in.Total() != total {
					t.Errorf("%s sums to %v, the report says %v", in.Name, in.Total(), total)
				}
				if in.Unit != "个" {
					t.Errorf("%s unit %q, want 个", in.Name, in.Unit)
				}
			}
		}
		if strings.HasSuffix(in.Name, "比重") && in.Unit != "%" {
			t.Errorf("%s unit %q, want %%", in.Name, in.Unit)
		}
	}
	if len(found) != len(totals) {
		t.Errorf("found count tables %v, want all of %v", found, totals)
	}
}

func TestTaggingThemes(t *testing.T) {
	d, _ := loadSeed(t)
	// A case is about what its title says.
	want := map[int]string{1: "楼宇经济", 2: "市场主体培育", 3: "专业镇", 6: "小升规", 7: "绿色低碳", 5: "人才", 9: "中试与成果转化", 10: "营商环境与审批改革", 11: "金融与融资"}
	for _, c := range d.Cases {
		if th, ok := want[c.Number]; ok && (len(c.Themes) == 0 || !contains(c.Themes, th)) {
			t.Errorf("case %d themes %v lack %s", c.Number, c.Themes, th)
		}
	}
	for _, p := range d.Passages {
		if p.Case != nil && p.Case.Number == 1 && !contains(p.Themes, "楼宇经济") {
			t.Errorf("measure %s of the 楼宇经济 case lacks the theme: %v", p.ID, p.Themes)
		}
	}
}

func TestTaggingPlacesOutsideCases(t *testing.T) {
	_, tg := loadSeed(t)
	doc, err := ParseText("news.txt", []byte("平遥县推进小升规工作。\n\n平遥县和介休市联合召开专精特新企业培育推进会，吕梁市的孝义也派员参加，长治高新区介绍了知识产权质押融资经验。"), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	tg.Tag(doc)
	p := doc.Passages[len(doc.Passages)-1]
	for _, c := range []string{"平遥县", "介休市", "孝义市", "长治高新区"} {
		if !contains(p.Counties, c) {
			t.Errorf("counties %v lack %s", p.Counties, c)
		}
	}
	for _, c := range []string{"晋中市", "吕梁市", "长治市"} {
		if !contains(p.Cities, c) {
			t.Errorf("cities %v lack %s", p.Cities, c)
		}
	}
	if contains(p.Counties, "吕梁市") {
		t.Errorf("a city is listed as a county: %v", p.Counties)
	}
	for _, th := range []string{"专精特新", "金融与融资"} {
		if !contains(p.Themes, th) {
			t.Errorf("themes %v lack %s", p.Themes, th)
		}
	}
}

func TestParseTextErrors(t *testing.T) {
	for name, raw := range map[string][]byte{
		"invalid utf-8": {0xff, 0xfe, 0x41},
		"empty":         {},
		"only numbers":  []byte("1\n2\n3\n"),
	} {
		if _, err := ParseText(name, raw, Meta{}); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestCitation(t *testing.T) {
	d, _ := loadSeed(t)
	lib := corpus.NewLibrary([]*corpus.Document{d})
	c := d.Cases[10]
	p, _ := lib.Passage(c.Passages[0])
	want := "《" + d.Title + "》经验十一（长治高新区）"
	if got := lib.Citation(p); got != want {
		t.Errorf("citation = %q, want %q", got, want)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestCitedPolicies(t *testing.T) {
	got := corpus.CitedPolicies("出台《清徐县引进高层次人才管理办法（试行）》和《备忘录》，再次引用《备忘录》；《未闭合")
	want := []string{"清徐县引进高层次人才管理办法（试行）", "备忘录"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("CitedPolicies = %v, want %v", got, want)
	}
	d, _ := loadSeed(t)
	n := 0
	for _, p := range d.Passages {
		n += len(p.Policies)
	}
	if n < 10 {
		t.Errorf("the seed cites %d policy documents, the report names more than ten", n)
	}
}
