package relate_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/shanxi-sme/kb/relate"
)

func linkOne(t *testing.T, text string) []relate.Link {
	t.Helper()
	paras, err := engine.Link(context.Background(), text)
	if err != nil {
		t.Fatal(err)
	}
	if len(paras) != 1 {
		t.Fatalf("%d paragraphs, want 1", len(paras))
	}
	return paras[0].Links
}

func counties(ls []relate.Link) []string {
	var out []string
	for _, l := range ls {
		out = append(out, strings.Join(l.Passage.Counties, ","))
	}
	return out
}

// Paragraphs written apart from the tuning set link to the case a reader
// would cite, and unrelated ones (some naming a case's county) to nothing.
func TestLinkHeldOutParagraphs(t *testing.T) {
	f, err := os.Open("testdata/heldout.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var tp, fp, fn int
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		want, text, _ := strings.Cut(line, "|")
		got := linkOne(t, text)
		found := false
		for _, l := range got {
			if l.Passage.Case != nil && slices.Contains(strings.Split(want, "/"), l.Passage.Case.County) {
				found = true
				tp++
			} else {
				fp++
				t.Logf("false link: %.20s… -> %s (%.2f, %v %v)", text, counties([]relate.Link{l}), l.Score, l.Terms, l.Concepts)
			}
		}
		if want != "-" && !found {
			fn++
			t.Logf("missed: %.20s… -> %s (got %v)", text, want, counties(got))
		}
		if want == "-" && len(got) > 0 {
			t.Errorf("unrelated paragraph %.20s… linked to %v", text, counties(got))
		}
		for _, l := range got {
			if len(l.Terms)+len(l.Concepts) == 0 {
				t.Errorf("link without named evidence: %+v", l)
			}
		}
	}
	precision, recall := float64(tp)/float64(max(tp+fp, 1)), float64(tp)/float64(max(tp+fn, 1))
	t.Logf("held-out paragraphs: precision %.2f recall %.2f", precision, recall)
	if precision < 0.85 || recall < 0.7 {
		t.Errorf("held-out precision %.2f recall %.2f, want ≥ 0.85 and ≥ 0.7", precision, recall)
	}
}

// A place named with the case's topic is strong evidence; the place alone
// is none.
func TestPlaceWithTopic(t *testing.T) {
	for _, text := range []string{
		"定襄县法兰锻造产业集群发展迅速，专业镇建设成效明显。",
		"我县将借鉴定襄法兰锻造产业的经验，依托龙头企业打造法兰专业镇。",
	} {
		got := linkOne(t, text)
		if len(got) == 0 || got[0].Passage.Case == nil || got[0].Passage.Case.County != "定襄县" {
			t.Errorf("%s: links %v, want 定襄县 first", text, counties(got))
			continue
		}
		if len(got[0].Places) == 0 {
			t.Errorf("%s: the named place is not part of the evidence", text)
		}
	}
	// A paragraph in 云冈区 about patent loans: the place pulls nothing in.
	got := linkOne(t, "大同市云冈区近日举办银企对接会，多家银行推出专利权质押贷款产品，帮助轻资产的科技型企业解决缺少抵押物的融资难题。")
	for _, l := range got {
		if l.Passage.Case != nil && l.Passage.Case.County == "云冈区" {
			t.Errorf("a place named in passing linked 云冈区's case: %+v", l)
		}
	}
	if len(got) == 0 || got[0].Passage.Case.County != "长治高新区" {
		t.Errorf("patent loans: links %v, want 长治高新区 first", counties(got))
	}
}

// A paragraph whose evidence is too thin on its own links when the draft
// is about that case: the draft's topic.
func TestDraftTopic(t *testing.T) {
	weak := "肖经理说，公司最担心的就是资金链断裂，幸好有了知识产权质押贷款这条路。"
	if got := linkOne(t, weak); len(got) != 0 {
		t.Skipf("the paragraph links on its own (%v): no test of the topic", counties(got))
	}
	title := "知识产权质押贷款调研"
	alone := linkOne(t, title)
	draft := strings.Join([]string{
		title,
		"某高新区推出知识产权质押贷款，科技型中小企业凭专利就能融资，缓解了缺少抵押物的难题。",
		weak,
		"高新区建立知识产权质押融资风险补偿资金池，银行放贷的积极性明显提高。",
	}, "\n\n")
	all, err := engine.Link(context.Background(), draft)
	if err != nil {
		t.Fatal(err)
	}
	// The title announces the topic; it links on its own evidence only.
	if len(all[0].Links) != len(alone) {
		t.Errorf("title links %v in the draft, %v alone", counties(all[0].Links), counties(alone))
	}
	paras := all[1:]
	if len(paras[0].Links) == 0 || len(paras[2].Links) == 0 {
		t.Fatalf("the draft's main paragraphs are not linked: %v / %v", counties(paras[0].Links), counties(paras[2].Links))
	}
	topic := paras[0].Links[0].Passage.Case.County
	got := paras[1].Links
	if len(got) == 0 || got[0].Passage.Case.County != topic {
		t.Errorf("weak paragraph in a draft about %s: links %v", topic, counties(got))
	}
}

func TestLinkOffsetsAndLimits(t *testing.T) {
	draft := "  标题\n\n第一段：某县出台小升规奖励政策。\r\n第二段\n"
	paras, err := engine.Link(context.Background(), draft)
	if err != nil {
		t.Fatal(err)
	}
	runes := []rune(draft)
	for _, p := range paras {
		if string(runes[p.Start:p.End]) != p.Text {
			t.Errorf("paragraph %d offsets %d:%d", p.Index, p.Start, p.End)
		}
	}
	if _, err := engine.Link(context.Background(), strings.Repeat("甲\n", relate.MaxLinkParagraphs+1)); !errors.Is(err, relate.ErrBadRequest) {
		t.Errorf("too many paragraphs: %v", err)
	}
	if _, err := engine.Link(context.Background(), "\xff\xfe"); !errors.Is(err, relate.ErrBadRequest) {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

// FuzzLink feeds arbitrary drafts to the linker.
func FuzzLink(f *testing.F) {
	for _, s := range []string{"长治高新区推出知识产权质押贷款。\n\n今天天气很好。", "\n\n\n", "《》《", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		paras, err := engine.Link(context.Background(), text)
		if err != nil {
			if !errors.Is(err, relate.ErrBadRequest) {
				t.Fatalf("link %q: %v", text, err)
			}
			return
		}
		runes := []rune(text)
		for _, p := range paras {
			if p.Start < 0 || p.End > len(runes) || p.Start > p.End || string(runes[p.Start:p.End]) != p.Text {
				t.Fatalf("paragraph %d offsets %d:%d wrong for %q", p.Index, p.Start, p.End, text)
			}
		}
	})
}
