package ingest

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// A web page is read for its article only: the page's navigation, menus,
// breadcrumb, share buttons and footer are removed, then the article is
// found (an <article>; the body of a Chinese government CMS page, div#zoom
// or .TRS_Editor; an element whose class or id says content or article;
// else the element holding most of the text) and its headings, paragraphs
// and tables become blocks.
var (
	junkTags = map[atom.Atom]bool{
		atom.Script: true, atom.Style: true, atom.Nav: true, atom.Header: true, atom.Footer: true,
		atom.Aside: true, atom.Form: true, atom.Noscript: true, atom.Iframe: true, atom.Svg: true,
		atom.Button: true, atom.Select: true, atom.Textarea: true, atom.Input: true, atom.Template: true,
		atom.Object: true, atom.Embed: true, atom.Canvas: true, atom.Head: true,
	}
	junkWords    = []string{"nav", "menu", "footer", "header", "sidebar", "breadcrumb", "crumb", "share", "copyright", "banner", "toolbar"}
	notJunkWords = []string{"canvas", "unavailable", "trs_editor", "zoom"}
	// Containers of the article, strongest sign first.
	articleWords = [][]string{{"trs_editor"}, {"zoom"}, {"article", "content", "main-text", "maintext"}}

	blockTags = map[atom.Atom]bool{
		atom.P: true, atom.Div: true, atom.Section: true, atom.Article: true, atom.Main: true, atom.Li: true,
		atom.Ul: true, atom.Ol: true, atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Blockquote: true,
		atom.Pre: true, atom.Table: true, atom.Tr: true, atom.Td: true, atom.Th: true, atom.Center: true,
		atom.Address: true, atom.Figure: true, atom.Figcaption: true, atom.Hr: true, atom.Caption: true,
		atom.Tbody: true, atom.Thead: true, atom.Tfoot: true, atom.Body: true, atom.Html: true,
	}
	headingTags = map[atom.Atom]int{atom.H1: 1, atom.H2: 2, atom.H3: 3, atom.H4: 4, atom.H5: 5, atom.H6: 6}

	reCharset   = regexp.MustCompile(`(?i)<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_\-]+)`)
	reWebChrome = regexp.MustCompile(`^(?:上一篇|下一篇|相关链接|相关文章|扫一扫|责任编辑|【\s*打印|分享到)`)
	chromeWords = strings.NewReplacer("字体", "", "字号", "", "打印本页", "", "打印", "", "关闭窗口", "", "关闭", "",
		"返回顶部", "", "分享到", "", "收藏", "", "大", "", "中", "", "小", "", "【", "", "】", "", "[", "", "]", "",
		"：", "", ":", "", "|", "", "｜", "", " ", "")
)

// maxHTMLDepth is how deep the walk follows nested elements; below it an
// element's text is taken flat, so absurd nesting cannot exhaust the stack.
const maxHTMLDepth = 200

// htmlBlocks reads the article of a web page, with what the page's head
// says about it: the meta tags of Chinese government CMSs (ArticleTitle,
// PubDate, ContentSource) as metadata, and the page's <h1> or <title> as
// a fallback title.
func htmlBlocks(raw []byte) (parsed, error) {
	text, err := htmlText(raw)
	if err != nil {
		return parsed{}, err
	}
	root, err := html.Parse(strings.NewReader(text))
	if err != nil {
		return parsed{}, fmt.Errorf("%w：网页无法解析（%v）", ErrCorrupt, err)
	}
	meta, fallback := htmlMeta(root)
	removeJunk(root)
	w := &htmlWalker{}
	w.walk(articleNode(root), 0)
	w.flush()
	return parsed{blocks: w.blocks, meta: meta, title: fallback}, nil
}

// htmlText decodes a page: text that is valid UTF-8 is UTF-8 whatever
// the page declares (old templates often say gb2312 over UTF-8 content,
// and GBK text is almost never valid UTF-8); otherwise by the charset its
// <meta> declares (gb2312 and gbk read as their superset GB18030), or as
// DecodeText guesses.
func htmlText(raw []byte) (string, error) {
	if utf8.Valid(raw) && !bytes.ContainsRune(raw, 0) {
		return strings.TrimPrefix(string(raw), "\ufeff"), nil
	}
	if m := reCharset.FindSubmatch(raw[:min(len(raw), 4096)]); m != nil && !hasBOM(raw) {
		label := strings.ToLower(string(m[1]))
		switch {
		case strings.HasPrefix(label, "gb") || label == "x-gbk" || label == "cp936":
			out, _ := simplifiedchinese.GB18030.NewDecoder().Bytes(raw)
			return strings.ToValidUTF8(string(out), ""), nil
		case label != "utf-8" && label != "utf8":
			if enc, _ := charset.Lookup(label); enc != nil {
				if out, err := enc.NewDecoder().Bytes(raw); err == nil {
					return string(out), nil
				}
			}
		}
	}
	text, _, err := DecodeText(raw)
	return text, err
}

func hasBOM(raw []byte) bool {
	return bytes.HasPrefix(raw, []byte{0xEF, 0xBB, 0xBF}) || bytes.HasPrefix(raw, []byte{0xFF, 0xFE}) ||
		bytes.HasPrefix(raw, []byte{0xFE, 0xFF})
}

// htmlMeta reads the page's meta tags and its fallback title.
func htmlMeta(root *html.Node) (Meta, string) {
	var meta Meta
	var title, ogTitle, h1 string
	forEach(root, func(n *html.Node) {
		switch n.DataAtom {
		case atom.Title:
			if title == "" {
				title = normalizeSpace(siteTitle(rawText(n)))
			}
		case atom.H1:
			if h1 == "" {
				h1 = flatText(n)
			}
		case atom.Meta:
			content := strings.TrimSpace(attr(n, "content"))
			switch strings.ToLower(attr(n, "name") + attr(n, "property")) {
			case "articletitle":
				meta.Title = content
			case "pubdate", "publishdate", "firstpublishedtime":
				if d, ok := parseLooseDate(content); ok {
					meta.Date = d
				}
			case "contentsource", "source":
				meta.Issuer = content
			case "og:title":
				ogTitle = content
			}
		}
	})
	for _, t := range []string{h1, ogTitle, title} {
		if hanCount(t) > 0 {
			return meta, t
		}
	}
	return meta, ""
}

// siteTitle drops the site's name from a page title: "标题_某某县人民政府",
// "标题 - 某某县人民政府", "标题-某某县人民政府".
func siteTitle(t string) string {
	for _, sep := range []string{"_", "｜", "|", " - ", " — ", "--"} {
		if i := strings.Index(t, sep); i > 0 {
			return strings.TrimSpace(t[:i])
		}
	}
	for _, sep := range []string{"-", "—"} {
		if i := strings.LastIndex(t, sep); i > 0 && hanCount(t[:i]) >= 4 && utf8.RuneCountInString(t[i:]) <= 20 {
			return strings.TrimSpace(t[:i])
		}
	}
	return strings.TrimSpace(t)
}

// removeJunk removes what is not the article: scripts and styles,
// navigation, menus, headers and footers (except those of an <article>),
// sharing buttons, copyright lines and hidden elements.
func removeJunk(root *html.Node) {
	var junk []*html.Node
	stack := []*html.Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.CommentNode || (c.Type == html.ElementNode && isJunk(c)) {
				junk = append(junk, c)
			} else {
				stack = append(stack, c)
			}
		}
	}
	for _, n := range junk {
		n.Parent.RemoveChild(n)
	}
}

func isJunk(n *html.Node) bool {
	if n.DataAtom == atom.Body || n.DataAtom == atom.Html {
		return false
	}
	if junkTags[n.DataAtom] && !((n.DataAtom == atom.Header || n.DataAtom == atom.Footer) && inArticle(n)) {
		return true
	}
	if style := strings.ToLower(strings.ReplaceAll(attr(n, "style"), " ", "")); strings.Contains(style, "display:none") {
		return true
	}
	names := strings.ToLower(attr(n, "class") + " " + attr(n, "id"))
	for _, w := range notJunkWords {
		names = strings.ReplaceAll(names, w, " ")
	}
	for _, w := range junkWords {
		if strings.Contains(names, w) {
			return true
		}
	}
	return false
}

func inArticle(n *html.Node) bool {
	for p, i := n.Parent, 0; p != nil && i < maxHTMLDepth; p, i = p.Parent, i+1 {
		if p.DataAtom == atom.Article {
			return true
		}
	}
	return false
}

// articleNode finds the element that holds the article.
func articleNode(root *html.Node) *html.Node {
	han := hanCounts(root)
	body := root
	forEach(root, func(n *html.Node) {
		if n.DataAtom == atom.Body && body == root {
			body = n
		}
	})
	if n := largest(body, han, func(n *html.Node) bool { return n.DataAtom == atom.Article }); n != nil && han[n] >= 20 {
		return n
	}
	for _, words := range articleWords {
		match := func(n *html.Node) bool {
			names := strings.ToLower(attr(n, "class") + " " + attr(n, "id"))
			for _, w := range words {
				if strings.Contains(names, w) {
					return true
				}
			}
			return false
		}
		if n := largest(body, han, match); n != nil && han[n] >= 20 {
			return innermost(n, han, match)
		}
	}
	return densest(body, han)
}

// largest is the matching element with the most Chinese text.
func largest(root *html.Node, han map[*html.Node]int, match func(*html.Node) bool) *html.Node {
	var best *html.Node
	forEach(root, func(n *html.Node) {
		if n.Type == html.ElementNode && match(n) && (best == nil || han[n] > han[best]) {
			best = n
		}
	})
	return best
}

// innermost descends from n to a matching element inside it that still
// holds most of its text: the page wrapper "main-content" gives way to
// the article's own "content".
func innermost(n *html.Node, han map[*html.Node]int, match func(*html.Node) bool) *html.Node {
	for {
		var inner *html.Node
		forEach(n, func(c *html.Node) {
			if c != n && c.Type == html.ElementNode && match(c) && 10*han[c] >= 7*han[n] && (inner == nil || han[c] > han[inner]) {
				inner = c
			}
		})
		if inner == nil {
			return n
		}
		n = inner
	}
}

// densest is the element whose own paragraphs hold the most text: each
// text counts for its nearest block element, or for the parent of a <p>.
func densest(body *html.Node, han map[*html.Node]int) *html.Node {
	score := map[*html.Node]int{}
	forEach(body, func(n *html.Node) {
		if n.Type != html.TextNode {
			return
		}
		k := hanCount(n.Data)
		if k == 0 {
			return
		}
		b := n.Parent
		for i := 0; b != nil && b != body && !blockTags[b.DataAtom] && i < 50; i++ {
			b = b.Parent
		}
		if b != nil && b != body && (b.DataAtom == atom.P || b.DataAtom == atom.Li) && b.Parent != nil {
			b = b.Parent
		}
		if b != nil {
			score[b] += k
		}
	})
	best := body
	for n, s := range score {
		if s > score[best] || (s == score[best] && han[n] < han[best]) {
			best = n
		}
	}
	return best
}

// hanCounts is the number of Chinese characters under every node.
func hanCounts(root *html.Node) map[*html.Node]int {
	var order []*html.Node
	forEach(root, func(n *html.Node) { order = append(order, n) })
	out := make(map[*html.Node]int, len(order))
	for i := len(order) - 1; i >= 0; i-- { // children before their parents
		n := order[i]
		if n.Type == html.TextNode {
			out[n] += hanCount(n.Data)
		}
		if n != root && n.Parent != nil {
			out[n.Parent] += out[n]
		}
	}
	return out
}

// forEach visits n and its descendants in document order, without recursion.
func forEach(n *html.Node, visit func(*html.Node)) {
	stack := []*html.Node{n}
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		visit(c)
		for k := c.LastChild; k != nil; k = k.PrevSibling {
			stack = append(stack, k)
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

// flatText is the text under n with whitespace normalised.
func flatText(n *html.Node) string {
	var b strings.Builder
	forEach(n, func(c *html.Node) {
		switch {
		case c.Type == html.TextNode:
			b.WriteString(c.Data)
		case c.DataAtom == atom.Br || (c.Type == html.ElementNode && blockTags[c.DataAtom]):
			b.WriteByte(' ')
		}
	})
	return normalizeSpace(b.String())
}

// rawText is the text under n as written.
func rawText(n *html.Node) string {
	var b strings.Builder
	forEach(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	return b.String()
}

// normalizeSpace collapses white space (including the full-width spaces
// used to indent Chinese paragraphs) and drops it between Chinese
// characters, where it is only an artefact of the page's line breaks.
func normalizeSpace(s string) string {
	fields := strings.Fields(s)
	if len(fields) == 0 {
		return ""
	}
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(fields[i-1])
			next, _ := utf8.DecodeRuneInString(f)
			if !isWide(prev) && !isWide(next) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(f)
	}
	return b.String()
}

// htmlWalker turns the article's elements into blocks.
type htmlWalker struct {
	blocks []Block
	buf    strings.Builder
	list   int
}

func (w *htmlWalker) walk(n *html.Node, depth int) {
	switch n.Type {
	case html.TextNode:
		w.buf.WriteString(strings.ReplaceAll(n.Data, "\n", " "))
		return
	case html.ElementNode, html.DocumentNode:
	default:
		return
	}
	if depth > maxHTMLDepth {
		w.buf.WriteString(flatText(n))
		return
	}
	if level, ok := headingTags[n.DataAtom]; ok {
		w.flush()
		w.emit(Block{Text: flatText(n), Level: level})
		return
	}
	switch n.DataAtom {
	case atom.Br:
		w.buf.WriteByte('\n') // a soft break: flush decides whether it ends a paragraph
		return
	case atom.Img:
		return
	case atom.Table:
		if rows, ok := dataTable(n); ok {
			w.flush()
			w.emit(Block{Table: rows})
			return
		}
	}
	block := blockTags[n.DataAtom]
	if block {
		w.flush()
	}
	if n.DataAtom == atom.Li {
		w.list++
		defer func() { w.list-- }()
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		w.walk(c, depth+1)
	}
	if block {
		w.flush()
	}
}

func (w *htmlWalker) flush() {
	var lines []string
	for _, l := range strings.Split(w.buf.String(), "\n") {
		lines = append(lines, normalizeSpace(l))
	}
	w.buf.Reset()
	for _, text := range joinSoftLines(lines) {
		w.emit(Block{Text: text, List: w.list})
	}
}

// emit adds a block unless it is the page's own chrome left inside the
// article: 【字体：大 中 小】【打印】【关闭】, 上一篇…, 分享到….
func (w *htmlWalker) emit(b Block) {
	if b.Table == nil && (b.Text == "" || reWebChrome.MatchString(b.Text) || chromeWords.Replace(b.Text) == "") {
		return
	}
	w.blocks = append(w.blocks, b)
}

// dataTable returns the rows of a table that holds data, not layout: no
// table inside it, at least two rows and two columns, and short cells.
func dataTable(t *html.Node) ([][]string, bool) {
	var rows [][]string
	nested, long := false, false
	forEach(t, func(n *html.Node) {
		switch {
		case n != t && n.DataAtom == atom.Table:
			nested = true
		case n.DataAtom == atom.Tr:
			var row []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.DataAtom == atom.Td || c.DataAtom == atom.Th {
					cell := flatText(c)
					long = long || utf8.RuneCountInString(cell) > 200
					row = append(row, cell)
				}
			}
			rows = append(rows, row)
		}
	})
	if nested || long || len(rows) < 2 || maxColumns(rows) < 2 {
		return nil, false
	}
	return rows, true
}
