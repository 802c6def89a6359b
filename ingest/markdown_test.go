package ingest

import (
	"strings"
	"testing"
)

const sampleMarkdown = `---
title: 平遥县专精特新企业培育情况
date: 2023-11-02
---

# 平遥县专精特新企业培育情况

平遥县工业和信息化局

## 一、基本情况

全县**专精特新**企业达到[十二户](http://example.com/a)，其中国家级*小巨人*企业一户，
省级专精特新企业十一户。

## 二、主要做法

### （一）梯度培育
一是建立培育库。
二是开展诊断服务。

| 县区 | 专精特新企业（户） |
|------|------:|
| 平遥县 | 12 |
| 介休市 | 8 |

| 事项 | 负责单位 |
| --- | --- |
| 政策宣讲 \| 培训 | 县工信局 |

- 加强政策宣传，` + "`" + `每季度` + "`" + `召开一次宣讲会。
- 强化要素保障。

![图片](a.png)
`

func TestMarkdown(t *testing.T) {
	d, err := ParseFile("培育.md", []byte(sampleMarkdown), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Format != "md" || d.Title != "平遥县专精特新企业培育情况" || d.Date != "2023-11-02" || d.Issuer != "平遥县工业和信息化局" {
		t.Errorf("format/title/date/issuer = %q %q %q %q", d.Format, d.Title, d.Date, d.Issuer)
	}
	if got, want := outline(d), "一、基本情况 二、主要做法[（一）梯度培育] 指标"; got != want {
		t.Errorf("sections = %s, want %s", got, want)
	}
	p := findPassage(t, d, "全县")
	if p.Text != "全县专精特新企业达到十二户，其中国家级小巨人企业一户，省级专精特新企业十一户。" {
		t.Errorf("inline syntax or soft wrap left in %q", p.Text)
	}
	if m := findPassage(t, d, "二是"); m.Label != "二是开展诊断服务" || len(m.HeadingPath) != 3 {
		t.Errorf("measure %q at %v", m.Label, m.HeadingPath)
	}
	if tb := findPassage(t, d, "事项"); tb.Text != "事项｜负责单位；政策宣讲 | 培训｜县工信局" {
		t.Errorf("table passage = %q", tb.Text)
	}
	if l := findPassage(t, d, "加强政策宣传"); l.Text != "加强政策宣传，每季度召开一次宣讲会。" {
		t.Errorf("list item = %q", l.Text)
	}
	if len(d.Indicators) != 1 || d.Indicators[0].Total() != 20 || d.Indicators[0].Unit != "户" {
		t.Errorf("indicators = %+v", d.Indicators)
	}
	if strings.Contains(allText(d), "图片") || strings.Contains(allText(d), "http") {
		t.Errorf("image or link target kept:\n%s", allText(d))
	}
}

// Markdown written the way many Chinese users write it: one line per
// paragraph or heading, no blank lines, setext headings.
func TestMarkdownDenseLines(t *testing.T) {
	md := "县域中小企业发展报告\n====\n一、总体情况\n全县中小企业平稳发展。\n（一）数量\n企业数量稳步增长，\n同比增长百分之五。\n二、问题\n融资难问题依然存在。\n"
	d, err := ParseFile("dense.markdown", []byte(md), Meta{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := outline(d), "一、总体情况[（一）数量] 二、问题"; got != want || d.Title != "县域中小企业发展报告" {
		t.Errorf("title %q sections %s, want %s", d.Title, got, want)
	}
	if p := findPassage(t, d, "企业数量"); p.Text != "企业数量稳步增长，同比增长百分之五。" {
		t.Errorf("soft-wrapped paragraph = %q", p.Text)
	}
}
