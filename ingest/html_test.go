package ingest

import (
	"bytes"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/shanxi-sme/kb/corpus"
)

func TestHTMLArticle(t *testing.T) {
	d, err := ParseFile("article.html", readTestdata(t, "article.html"), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	checkArticle(t, d)
}

func checkArticle(t *testing.T, d *corpus.Document) {
	t.Helper()
	if d.Format != "html" || d.Title != "定襄县召开法兰专业镇建设推进会" || d.Date != "2023-09-12" || d.Issuer != "定襄县工业和信息化局" {
		t.Errorf("format/title/date/issuer = %q %q %q %q", d.Format, d.Title, d.Date, d.Issuer)
	}
	all := allText(d)
	// Only the article: no menu, breadcrumb, sidebar, tools, share buttons,
	// neighbours, footer, script output or hidden text.
	for _, bad := range []string{"首页", "当前位置", "政务动态", "热点专题", "打印", "关闭", "分享", "微信", "上一篇",
		"版权所有", "ICP", "技术支持", "脚本", "隐藏", "字体", "浏览次数", "欢迎您", "搜索"} {
		if strings.Contains(all, bad) {
			t.Errorf("passages keep %q:\n%s", bad, all)
		}
	}
	if got, want := outline(d), "序言 一、主要成效 二、下一步工作 指标"; got != want {
		t.Errorf("sections = %s, want %s", got, want)
	}
	p := findPassage(t, d, "会议指出")
	if !strings.Contains(p.Text, "规模以上法兰企业达到六十二户") {
		t.Errorf("inline markup breaks the paragraph: %q", p.Text)
	}
	if m := findPassage(t, d, "二是创新能力"); m.Label != "二是创新能力明显增强" || m.Kind != corpus.KindResults {
		t.Errorf("measure %q kind %s", m.Label, m.Kind)
	}
	// Lines broken with <br> mid-sentence are one paragraph.
	if b := findPassage(t, d, "会议要求"); b.Text != "会议要求，各部门要强化要素保障，加快推进法兰专业镇标准化厂房建设，年底前完成法兰产业数字化服务平台上线运行。" {
		t.Errorf("<br> paragraph = %q", b.Text)
	}
	if len(d.Indicators) != 1 || d.Indicators[0].Unit != "户" || d.Indicators[0].Total() != 89 {
		t.Errorf("indicators = %+v", d.Indicators)
	}
}

// An older site's page in GB2312 reads the same.
func TestHTMLDeclaredGBK(t *testing.T) {
	page := bytes.Replace(readTestdata(t, "article.html"), []byte("charset=utf-8"), []byte("charset=gb2312"), 1)
	raw, err := simplifiedchinese.GBK.NewEncoder().Bytes(page)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseFile("article.htm", raw, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	checkArticle(t, d)
}

// A page declaring gb2312 over UTF-8 content (an old template) reads as UTF-8.
func TestHTMLMisdeclaredCharset(t *testing.T) {
	page := bytes.Replace(readTestdata(t, "article.html"), []byte("charset=utf-8"), []byte("charset=gb2312"), 1)
	d, err := ParseFile("article.html", page, Meta{})
	if err != nil {
		t.Fatal(err)
	}
	checkArticle(t, d)
}

// Without CMS meta tags or a content container: the title comes from the
// page's <h1> or <title>, the date from the text, and the article is the
// element holding most of the text.
func TestHTMLPlainPage(t *testing.T) {
	page := `<html><head><title>介休市推进专精特新企业培育 - 介休市人民政府</title></head><body>
<ul class="menu"><li>首页</li><li>新闻中心</li></ul>
<div class="left"><p>友情链接</p></div>
<div class="wrap"><div class="box">
<p>发布时间：2023年10月8日 来源：介休市工信局</p>
<p>介休市聚焦专精特新企业培育，建立梯度培育库，入库企业达到八十六户。</p>
<p>下一步，介休市将加大对入库企业的服务力度，力争年内新增省级专精特新企业五户。</p>
</div></div>
<div id="foot">介休市人民政府版权所有</div>
</body></html>`
	d, err := ParseFile("page.html", []byte(page), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Title != "介休市推进专精特新企业培育" || d.Date != "2023-10-08" || d.Issuer != "介休市工信局" || len(d.Passages) != 2 {
		t.Errorf("title/date/issuer = %q %q %q, passages:\n%s", d.Title, d.Date, d.Issuer, allText(d))
	}
}
