package specificity_test

import (
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/specificity"
)

func model(t *testing.T) *specificity.Model {
	t.Helper()
	m, err := specificity.Default()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Words every report uses weigh less than the words that carry a case.
func TestGeneralOrdersOrdinaryBelowTelling(t *testing.T) {
	m := model(t)
	ordinary := []string{"企业", "公司", "发展", "经济", "产品", "中心", "合作", "部门"}
	telling := []string{"紫砂", "楼宇", "法兰", "承诺制", "锻造"}
	for _, o := range ordinary {
		for _, w := range telling {
			if m.General(o) >= m.General(w) {
				t.Errorf("General(%s)=%.2f not below General(%s)=%.2f", o, m.General(o), w, m.General(w))
			}
		}
		if m.General(o) > 0.2 {
			t.Errorf("ordinary word %s weighs %.2f", o, m.General(o))
		}
	}
}

func TestGeneralEdges(t *testing.T) {
	m := model(t)
	for _, w := range []string{"", "县", "2022", "3.5", "。。"} {
		if g := m.General(w); g != 0 {
			t.Errorf("General(%q) = %.2f, want 0", w, g)
		}
	}
	// A domain term the general table lacks is rare in general text.
	if g := m.General("小升规"); g != 1 {
		t.Errorf("General(小升规) = %.2f, want 1", g)
	}
	if g := m.General("ZZQX"); g != 0.5 {
		t.Errorf("unknown Latin word weighs %.2f, want 0.5", g)
	}
	if m.General("GDP") != m.General("gdp") {
		t.Error("case matters")
	}
}

func TestLocal(t *testing.T) {
	if specificity.Local(3, 10) != 1 {
		t.Error("a tiny knowledge base weakens words")
	}
	if specificity.Local(1, 1000) != 1 || specificity.Local(0, 1000) != 1 {
		t.Error("a word of one passage is weakened")
	}
	prev := 1.0
	for _, df := range []uint64{2, 10, 100, 500, 1000} {
		l := specificity.Local(df, 1000)
		if l >= prev || l <= 0 {
			t.Errorf("Local(%d, 1000) = %.3f after %.3f", df, l, prev)
		}
		prev = l
	}
}

func TestWeightCombines(t *testing.T) {
	m := model(t)
	if w := m.Weight("紫砂", 1, 1000); w != m.General("紫砂") {
		t.Errorf("Weight of a rare word = %.2f", w)
	}
	if m.Weight("紫砂", 900, 1000) >= m.Weight("紫砂", 5, 1000) {
		t.Error("a word in most passages is not weakened")
	}
}

func TestParseErrorsNameTheLine(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"企业 4.2\n坏行\n", "第 2 行"},
		{"企业 abc\n", "第 1 行"},
		{"企业 -1\n", "第 1 行"},
		{"# only a comment\n", "没有任何词条"},
	} {
		_, err := specificity.Parse(strings.NewReader(tt.in), "idf.txt")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "idf.txt") {
			t.Errorf("Parse(%q) error %v, want it to name the file and %s", tt.in, err, tt.want)
		}
	}
	m, err := specificity.Parse(strings.NewReader("# c\n企业 4.2\n紫砂 10.2\n"), "x")
	if err != nil {
		t.Fatal(err)
	}
	if m.General("企业") != 0 || m.General("紫砂") <= 0.9 {
		t.Errorf("parsed model: 企业 %.2f 紫砂 %.2f", m.General("企业"), m.General("紫砂"))
	}
}

func TestPOSFactor(t *testing.T) {
	if specificity.POSFactor("nz") != 1 || specificity.POSFactor("vn") != 1 {
		t.Error("nouns are not full weight")
	}
	if specificity.POSFactor("v") >= 1 || specificity.POSFactor("d") >= specificity.POSFactor("v") {
		t.Error("verbs and adverbs are not weakened in order")
	}
}
