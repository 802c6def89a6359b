// Package synth generates a scale corpus for benchmarks: reports with the
// structure of the seed (经验N cases of one county each, measures 一是,
// 二是 …) whose vocabulary is drawn the way real reports use it. General
// words follow their frequency in the segmenter's general dictionary, a
// register of administrative words is common, the domain terms of the
// concept list and theme ontology are rare and cluster by case, and place
// names come from the gazetteer. A domain term such as 楼宇经济 thus lands
// in a fraction of a percent of passages, as in a province's collection,
// and not in 8% as when the seed's sentences are recombined.
//
// Documents are built directly (not parsed and tagged): the generator
// knows each passage's county, city, themes and kind. The output depends
// only on the seed, the size and the embedded dictionaries.
package synth

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/shanxi-sme/kb/corpus"
	"github.com/shanxi-sme/kb/segment"
)

// Version names the generator in fingerprints: a change of the output for
// the same seed must change it.
const Version = "synth v2"

// Sources are the dictionaries the vocabulary is drawn from.
type Sources struct {
	Places   *corpus.Gazetteer
	Themes   *corpus.Ontology
	Concepts *corpus.Thesaurus
}

// Generator builds synthetic reports.
type Generator struct {
	general  weighted // general words by dictionary frequency
	register weighted // words of administrative reports, much more common there
	themes   []*themeTerms
	counties []*corpus.Place
}

// themeTerms are the domain terms of one theme.
type themeTerms struct {
	name  string
	terms []string
}

// weighted draws words in proportion to their weights.
type weighted struct {
	words []string
	cum   []float64
}

func (w *weighted) add(word string, weight float64) {
	total := 0.0
	if n := len(w.cum); n > 0 {
		total = w.cum[n-1]
	}
	w.words = append(w.words, word)
	w.cum = append(w.cum, total+weight)
}

func (w *weighted) draw(r *rand.Rand) string {
	x := r.Float64() * w.cum[len(w.cum)-1]
	return w.words[sort.SearchFloat64s(w.cum, x)]
}

// registerWords are frequent in reports on local SME policy, with rough
// relative weights.
var registerWords = map[string]float64{
	"企业": 10, "发展": 8, "工作": 6, "推进": 5, "服务": 5, "建设": 5, "中小企业": 5, "政策": 4, "项目": 4,
	"平台": 3, "创新": 3, "加强": 3, "推动": 3, "实施": 3, "完善": 2, "提升": 3, "培育": 3, "产业": 4,
	"机制": 2, "积极": 2, "重点": 2, "全县": 2, "全区": 1, "累计": 2, "开展": 3, "组织": 2, "支持": 3,
	"落实": 2, "引导": 2, "优化": 2, "工作机制": 1, "有效": 1, "经济": 2, "市场": 2, "资金": 2, "部门": 2,
	"领导": 1, "体系": 2, "管理": 2, "技术": 2, "建立": 2, "帮助": 1, "解决": 1, "问题": 1, "加快": 2,
	"质量": 1, "持续": 1, "全面": 1, "相关": 1, "成效": 1, "高质量": 1, "专项": 1, "扶持": 1, "家": 2,
	"户": 1, "亿元": 2, "万元": 2, "同比增长": 1, "达到": 1, "共": 1, "新增": 1, "县委": 1, "县政府": 1,
}

// keptPOS are the parts of speech of general words worth drawing: no
// person names, foreign places, numerals or symbols.
var keptPOS = map[string]bool{
	"n": true, "v": true, "vn": true, "a": true, "ad": true, "an": true, "d": true, "c": true, "p": true,
	"u": true, "uj": true, "ul": true, "uz": true, "uv": true, "ud": true, "ug": true, "f": true, "r": true,
	"l": true, "i": true, "nz": true, "nt": true, "b": true, "t": true, "s": true, "q": true, "vd": true,
}

// New loads the vocabulary.
func New(src Sources) (*Generator, error) {
	if src.Places == nil || src.Themes == nil || src.Concepts == nil {
		return nil, fmt.Errorf("synth: needs places, themes and concepts")
	}
	g := &Generator{}
	for _, p := range src.Places.Places() {
		if !p.IsCity() {
			g.counties = append(g.counties, p)
		}
	}
	zr, err := gzip.NewReader(bytes.NewReader(segment.GeneralDictionary()))
	if err != nil {
		return nil, fmt.Errorf("synth: general dictionary: %w", err)
	}
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 3 || !keptPOS[f[2]] || !allHan(f[0]) {
			continue
		}
		n, err := strconv.ParseFloat(f[1], 64)
		if err != nil || n <= 0 {
			continue
		}
		g.general.add(f[0], n)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("synth: general dictionary: %w", err)
	}
	words := make([]string, 0, len(registerWords))
	for w := range registerWords {
		words = append(words, w)
	}
	slices.Sort(words)
	for _, w := range words {
		g.register.add(w, registerWords[w])
	}
	byTheme := map[string]map[string]bool{}
	addTerm := func(theme, term string) {
		if theme == "" || utf8.RuneCountInString(term) < 2 || !allHan(term) {
			return
		}
		if byTheme[theme] == nil {
			byTheme[theme] = map[string]bool{}
		}
		byTheme[theme][term] = true
	}
	for _, th := range src.Themes.Themes() {
		addTerm(th.Name, th.Name)
		for _, t := range append(slices.Clone(th.Aliases), th.Related...) {
			addTerm(th.Name, t)
		}
	}
	for _, c := range src.Concepts.Concepts() {
		for _, t := range append(append([]string{c.Preferred}, c.Synonyms...), c.Near...) {
			addTerm(c.Theme, t)
		}
	}
	for _, th := range src.Themes.Themes() {
		set := byTheme[th.Name]
		if len(set) == 0 {
			continue
		}
		tt := &themeTerms{name: th.Name}
		for t := range set {
			tt.terms = append(tt.terms, t)
		}
		slices.Sort(tt.terms)
		g.themes = append(g.themes, tt)
	}
	if len(g.counties) == 0 || len(g.themes) == 0 || len(g.general.words) == 0 {
		return nil, fmt.Errorf("synth: empty vocabulary")
	}
	return g, nil
}

func allHan(s string) bool {
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) {
			return false
		}
	}
	return s != ""
}

// passagesPerDoc is the size of one generated report.
const passagesPerDoc = 40

var measureNames = []string{"一", "二", "三", "四", "五", "六"}

// Documents generates n passages in reports of passagesPerDoc passages
// each (the last one shorter), the same for the same seed. Each report
// draws from a random source of its own, so reports are generated on all
// cores at once.
func (g *Generator) Documents(seed uint64, n int) []*corpus.Document {
	if n <= 0 {
		return nil
	}
	docs := make([]*corpus.Document, (n+passagesPerDoc-1)/passagesPerDoc)
	var wg sync.WaitGroup
	workers := runtime.GOMAXPROCS(0)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(docs); i += workers {
				r := rand.New(rand.NewPCG(seed, uint64(i)*0x9e3779b97f4a7c15+1))
				docs[i] = g.report(r, seed, i, min(passagesPerDoc, n-i*passagesPerDoc))
			}
		}()
	}
	wg.Wait()
	return docs
}

// caseTopic is what one case is about: a theme and a handful of its terms.
type caseTopic struct {
	theme  *themeTerms
	terms  []string
	county *corpus.Place
}

// report builds one report with exactly want passages: a preface, cases
// with their measures, and an outlook when there is room.
func (g *Generator) report(r *rand.Rand, seed uint64, i, want int) *corpus.Document {
	year := 2018 + i%7
	d := &corpus.Document{
		ID:     fmt.Sprintf("synth-%d-%06d", seed, i),
		Title:  fmt.Sprintf("%d年县域中小企业发展经验汇编（第%d辑）", year, i+1),
		Issuer: "合成语料",
		Source: fmt.Sprintf("synth-%06d.txt", i),
		Format: "txt",
		Year:   year,
	}
	d.TextHash = d.ID
	top := &corpus.Section{Title: "一、典型经验", Level: 1}
	d.Sections = []*corpus.Section{top}
	add := func(sec *corpus.Section, kind corpus.Kind, title, label, text string, c *corpus.Case, themes []string) {
		p := &corpus.Passage{DocID: d.ID, Order: len(d.Passages) + 1, Kind: kind, Title: title, Label: label, Text: text, Themes: themes}
		p.ID = fmt.Sprintf("%s-p%03d", d.ID, p.Order)
		p.HeadingPath = []string{top.Title}
		if sec != top {
			p.HeadingPath = append(p.HeadingPath, sec.Title)
		}
		if label != "" {
			p.HeadingPath = append(p.HeadingPath, label)
		}
		if c != nil {
			p.Case = &corpus.CaseRef{Number: c.Number, Title: c.Title, County: c.County}
			p.Counties, p.Cities = []string{c.County}, []string{c.City}
			c.Passages = append(c.Passages, p.ID)
		}
		sec.Passages = append(sec.Passages, p.ID)
		d.Passages = append(d.Passages, p)
	}
	// A preface on the year's work, with a theme or two in passing.
	pre := g.topic(r)
	text, themes := g.paragraph(r, pre, 2+r.IntN(4), false)
	add(top, corpus.KindPreface, top.Title, "", text, nil, themes)
	outlook := want >= 6 && r.IntN(3) == 0
	budget := want - 1
	if outlook {
		budget--
	}
	for c := 1; budget > 0; c++ {
		t := g.topic(r)
		title := g.caseTitle(r, t)
		cs := &corpus.Case{Number: c, Title: fmt.Sprintf("经验%s：%s", corpus.HanNumeral(c), title), County: t.county.Name, City: t.county.City, Themes: []string{t.theme.name}}
		sec := &corpus.Section{Title: cs.Title, Level: 2}
		top.Sections = append(top.Sections, sec)
		d.Cases = append(d.Cases, cs)
		measures := min(1+r.IntN(6), budget)
		for m := 0; m < measures; m++ {
			label := measureNames[m%len(measureNames)] + "是" + g.phrase(r, t, 2+r.IntN(3))
			body, themes := g.paragraph(r, t, 1+r.IntN(5), true)
			if !slices.Contains(themes, t.theme.name) {
				themes = append(themes, t.theme.name)
			}
			add(sec, corpus.KindCase, cs.Title, label, label+"。"+body, cs, themes)
		}
		budget -= measures
	}
	if outlook {
		t := g.topic(r)
		text, themes := g.paragraph(r, t, 2+r.IntN(3), false)
		add(top, corpus.KindOutlook, top.Title, "", "下一步，"+text, nil, themes)
	}
	// Shared as the catalog shares a document it loads, so that a
	// benchmark's library takes the memory a deployment's does.
	d.Compact(nil)
	return d
}

// topic picks a case's theme, terms and county.
func (g *Generator) topic(r *rand.Rand) caseTopic {
	th := g.themes[r.IntN(len(g.themes))]
	t := caseTopic{theme: th, county: g.counties[r.IntN(len(g.counties))]}
	for range 2 + r.IntN(4) {
		t.terms = append(t.terms, th.terms[zipf(r, len(th.terms))])
	}
	return t
}

// zipf draws an index in [0, n) with probability about proportional to
// 1/(k+1): a few terms of a theme are common, most are rare.
func zipf(r *rand.Rand, n int) int {
	// Inverse of the continuous approximation of the harmonic CDF.
	k := int(math.Exp(r.Float64()*math.Log(float64(n)+1))) - 1
	return min(max(k, 0), n-1)
}

// caseTitle is a county name with a short phrase around the case's term.
func (g *Generator) caseTitle(r *rand.Rand, t caseTopic) string {
	name := t.county.Name
	if len(t.county.Aliases) > 0 && r.IntN(2) == 0 {
		name = t.county.Aliases[0]
	}
	return name + g.register.draw(r) + t.terms[0] + g.general.draw(r)
}

// phrase is a short run of words, mostly the case's own.
func (g *Generator) phrase(r *rand.Rand, t caseTopic, words int) string {
	var b strings.Builder
	for range words {
		b.WriteString(g.word(r, t, 0.25))
	}
	return b.String()
}

// word draws one word: a domain term of the topic with probability
// domain, else an administrative or a general word.
func (g *Generator) word(r *rand.Rand, t caseTopic, domain float64) string {
	x := r.Float64()
	switch {
	case x < domain:
		if r.IntN(4) == 0 {
			th := g.themes[r.IntN(len(g.themes))] // in passing, another theme's term
			return th.terms[zipf(r, len(th.terms))]
		}
		return t.terms[r.IntN(len(t.terms))]
	case x < domain+0.22:
		return g.register.draw(r)
	case x < domain+0.235:
		return g.counties[r.IntN(len(g.counties))].Name
	}
	return g.general.draw(r)
}

// paragraph writes sentences of varied length and returns the themes of
// the domain terms used, most used first.
func (g *Generator) paragraph(r *rand.Rand, t caseTopic, sentences int, onTopic bool) (string, []string) {
	domain := 0.04
	if onTopic {
		domain = 0.08
	}
	var b strings.Builder
	for s := 0; s < sentences; s++ {
		if s == 0 && onTopic && r.IntN(2) == 0 {
			b.WriteString(t.county.Name)
		}
		words := 6 + r.IntN(20)
		for w := 0; w < words; w++ {
			if w > 0 && r.IntN(6) == 0 {
				b.WriteString("，")
			}
			b.WriteString(g.word(r, t, domain))
		}
		if r.IntN(5) == 0 {
			fmt.Fprintf(&b, "%d家", 1+r.IntN(300))
		}
		b.WriteString("。")
	}
	text := b.String()
	var themes []string
	if onTopic || strings.Contains(text, t.terms[0]) {
		themes = append(themes, t.theme.name)
	}
	return text, themes
}
