package corpus

import (
	"strings"
	"testing"
)

func TestOntologyHasPracticeAreas(t *testing.T) {
	o, err := DefaultOntology()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"楼宇经济", "小升规", "专业镇", "市场主体培育", "产业链", "人才", "绿色低碳", "中试与成果转化",
		"营商环境与审批改革", "金融与融资", "专精特新", "高新技术与研发", "股份制改造与上市", "电子商务", "品牌与标准",
		"产学研合作", "外贸", "检验检测", "数字化转型"} {
		th, ok := o.Theme(name)
		if !ok {
			t.Errorf("theme %s missing", name)
			continue
		}
		if th.Description == "" || len(th.Aliases) < 2 {
			t.Errorf("theme %s has no description or signals", name)
		}
	}
}

func TestOntologyScoresLongestSignal(t *testing.T) {
	o, err := DefaultOntology()
	if err != nil {
		t.Fatal(err)
	}
	scores := o.Score("推行标准地改革")
	for th := range scores {
		if th.Name == "品牌与标准" {
			t.Errorf("标准地 also counted as 标准: %v", scores[th].Terms)
		}
	}
	found := false
	for th := range scores {
		found = found || th.Name == "营商环境与审批改革"
	}
	if !found {
		t.Errorf("标准地 not recognised: %v", scores)
	}
	// Repeating a word adds nothing.
	once, twice := o.Score("楼宇"), o.Score("楼宇楼宇楼宇")
	for th, s := range twice {
		if s.Score != once[th].Score {
			t.Errorf("repeated signal scored %d, once %d", s.Score, once[th].Score)
		}
	}
}

func TestLoadOntologyErrors(t *testing.T) {
	for name, src := range map[string]string{
		"no header":   "别名: 甲\n",
		"bad header":  "[甲\n",
		"no colon":    "[甲]\n别名 甲乙\n",
		"unknown key": "[甲]\n颜色: 红\n",
		"duplicate":   "[甲]\n别名: 乙\n[甲]\n别名: 丙\n",
	} {
		if _, err := LoadOntology(strings.NewReader(src), name); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestHanNumber(t *testing.T) {
	for s, want := range map[string]int{"一": 1, "九": 9, "十": 10, "十一": 11, "二十": 20, "二十三": 23, "": 0, "百": 0, "一二": 0} {
		if got := HanNumber(s); got != want {
			t.Errorf("HanNumber(%q) = %d, want %d", s, got, want)
		}
	}
	for n := 1; n < 100; n++ {
		if got := HanNumber(HanNumeral(n)); got != n {
			t.Errorf("round trip %d -> %q -> %d", n, HanNumeral(n), got)
		}
	}
}

func TestMatcherLeftmostLongest(t *testing.T) {
	var m Matcher[int]
	m.Add("中国", 1)
	m.Add("中国银行", 2)
	m.Add("银行长", 3)
	got := m.FindAll("在中国银行长治分行")
	if len(got) != 1 || got[0].Key != "中国银行" || got[0].Value != 2 {
		t.Fatalf("FindAll = %+v", got)
	}
	if text := "在中国银行长治分行"; text[got[0].Start:got[0].End] != "中国银行" {
		t.Errorf("offsets %d:%d", got[0].Start, got[0].End)
	}
}
