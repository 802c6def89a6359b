package index_test

import (
	"context"
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/index"
)

// A draft about two of the eleven practices, with paragraphs that relate
// to neither: each practice paragraph links to its case, first; the others
// link nowhere.
func TestLinkDraftToPractices(t *testing.T) {
	draft := strings.Join([]string{
		"关于推动县域特色产业发展的调研报告", // 0 heading
		"大同市云冈区近日举办银企对接会，多家银行推出专利权质押贷款产品，帮助轻资产的科技型企业解决缺少抵押物的融资难题。", // 1 -> 长治高新区
		"介休市对首次纳入规模以上工业企业统计的企业给予一次性奖励，建立规下企业培育库，实行梯度培育。",           // 2 -> 文水县
		"今年冬季气温偏低，市民出行请注意防寒保暖，雨雪天气尽量减少外出。",                         // 3 -> nothing
		"学校开展秋季运动会，学生踊跃参加跑步、跳远和接力比赛。",                              // 4 -> nothing
	}, "\n\n")
	paras, err := shared.Link(context.Background(), draft)
	if err != nil {
		t.Fatal(err)
	}
	if len(paras) != 5 {
		t.Fatalf("%d paragraphs, want 5", len(paras))
	}
	want := map[int]string{1: "长治高新区", 2: "文水县"}
	runes := []rune(draft)
	for _, p := range paras {
		if string(runes[p.Start:p.End]) != p.Text {
			t.Errorf("paragraph %d offsets %d:%d", p.Index, p.Start, p.End)
		}
		county, linked := want[p.Index]
		if !linked {
			if len(p.Links) != 0 {
				t.Errorf("paragraph %d (%.12s…) linked to %s", p.Index, p.Text, p.Links[0].Passage.ID)
			}
			continue
		}
		if len(p.Links) == 0 || p.Links[0].Passage.Case == nil || p.Links[0].Passage.Case.County != county {
			t.Errorf("paragraph %d: links %v, want %s's case first", p.Index, linkCounties(p.Links), county)
			continue
		}
		top := p.Links[0]
		if len(top.Terms)+len(top.Concepts) < 2 {
			t.Errorf("paragraph %d: link without named evidence: %+v", p.Index, top)
		}
	}
	// The place named in paragraph 1 (云冈区) does not pull in 云冈区's own case.
	for _, l := range paras[1].Links {
		if l.Passage.Case != nil && l.Passage.Case.County == "云冈区" {
			t.Errorf("a place named in passing linked 云冈区's case: %+v", l)
		}
	}
}

func TestLinkUnrelatedText(t *testing.T) {
	text := "医院推进分级诊疗，家庭医生签约服务覆盖率进一步提升。\n社区组织志愿者为独居老人上门打扫卫生、理发和测量血压。\n交警部门提醒驾驶员雾天减速慢行，保持安全车距，避免追尾事故。\n图书馆延长周末开放时间，新增少儿阅览区和自习座位。"
	paras, err := shared.Link(context.Background(), text)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paras {
		if len(p.Links) > 0 {
			t.Errorf("unrelated paragraph %q linked to %v", p.Text, linkCounties(p.Links))
		}
	}
}

func TestLinkLimits(t *testing.T) {
	if _, err := shared.Link(context.Background(), strings.Repeat("甲\n", index.MaxLinkParagraphs+1)); err == nil {
		t.Error("too many paragraphs accepted")
	}
	if _, err := shared.Link(context.Background(), "\xff\xfe"); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
}

func linkCounties(ls []index.Link) []string {
	var out []string
	for _, l := range ls {
		out = append(out, strings.Join(l.Passage.Counties, ","))
	}
	return out
}
