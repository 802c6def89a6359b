package api_test

// Browser tests of the web UI: headless Chromium (Debian's /usr/bin/chromium)
// drives the real server that TestMain starts. Each step saves a full-page
// screenshot under testout/screenshots/ at the repository root, so that a
// person can look at what the user sees. Without a Chromium binary the
// tests are skipped.

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// browserTimeout bounds each test, browser start included.
const browserTimeout = 60 * time.Second

// screenshotDir is testout/screenshots at the repository root (tests run in api/).
var screenshotDir = filepath.Join("..", "testout", "screenshots")

// chromiumPath finds a Chromium or Chrome binary, or "".
func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

// page is one browser tab on the test server, with the console errors it saw.
type page struct {
	t   *testing.T
	ctx context.Context

	mu      sync.Mutex
	errors  []string
	allowed []string // console errors containing one of these are expected
}

// allowConsole marks console errors containing text as expected (the
// browser logs every failed request, a deliberate 401 included).
func (p *page) allowConsole(text string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.allowed = append(p.allowed, text)
}

// newPage starts a headless browser with a window of the given size. The
// test fails if the page logs an error or throws (a CSP violation included).
func newPage(t *testing.T, width, height int) *page {
	t.Helper()
	exe := chromiumPath()
	if exe == "" {
		t.Skip("no chromium binary found (Debian: apt-get install chromium fonts-noto-cjk)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), browserTimeout)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "zh-CN"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(width, height),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	p := &page{t: t, ctx: tabCtx}
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancel()
		p.mu.Lock()
		defer p.mu.Unlock()
	errors:
		for _, e := range p.errors {
			for _, a := range p.allowed {
				if strings.Contains(e, a) {
					continue errors
				}
			}
			t.Errorf("browser console: %s", e)
		}
	})
	// Start the browser, then listen to the console of the tab.
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	messages := chromedp.Console(tabCtx)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.IsException() {
				p.mu.Lock()
				p.errors = append(p.errors, m.String()+" "+m.URL)
				p.mu.Unlock()
			}
		}
	}()
	return p
}

// do runs actions and fails the test on an error.
func (p *page) do(what string, actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatalf("%s: %v", what, err)
	}
}

// open loads a page of the app and waits until sel is visible.
func (p *page) open(path, sel string) {
	p.t.Helper()
	p.do("open "+path, chromedp.Navigate(ts.URL+path), chromedp.WaitVisible(chromedp.CSS(sel)))
}

// eval runs a JavaScript expression and decodes its value.
func eval[T any](p *page, expr string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		p.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript predicate until it is true.
func (p *page) waitFor(what, predicate string) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Poll[chromedp.Void](predicate, chromedp.WithPollingTimeout(20*time.Second))); err != nil {
		p.t.Fatalf("waiting for %s: %v", what, err)
	}
}

// texts returns the trimmed text of every element matching a CSS selector.
func (p *page) texts(sel string) []string {
	p.t.Helper()
	return eval[[]string](p, `[...document.querySelectorAll(`+jsString(sel)+`)].map(e => e.textContent.trim())`)
}

// shot saves a full-page screenshot as testout/screenshots/<name>.png.
func (p *page) shot(name string) {
	p.t.Helper()
	// Let fonts settle; capture from the top (sticky panels stay in place).
	p.waitFor("fonts", `document.fonts.status === "loaded"`)
	p.do("scroll to top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	buf, err := chromedp.Run(p.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(screenshotDir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(screenshotDir, name+".png"), buf, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// location returns the current URL of the tab.
func (p *page) location() *url.URL {
	p.t.Helper()
	loc, err := chromedp.Run(p.ctx, chromedp.Location())
	if err != nil {
		p.t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		p.t.Fatal(err)
	}
	return u
}

func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "$", `\$`)
	return "`" + r.Replace(s) + "`"
}

// ---- the tests ----

// Typing shows suggestions; a search for 楼宇经济 puts 小店区's case first.
func TestBrowserSearch(t *testing.T) {
	p := newPage(t, 1280, 900)
	p.open("/", ".welcome .suggestion")
	p.shot("01-home")

	p.do("type", chromedp.SendKeys(chromedp.ID("q"), "楼宇"))
	p.do("suggestions", chromedp.WaitVisible(chromedp.CSS("#suggest-list [role=option]")))
	if got := p.texts("#suggest-list [role=option] .suggest-value"); !slices.Contains(got, "楼宇经济") {
		t.Errorf("suggestions for 楼宇 = %v, want 楼宇经济 among them", got)
	}
	if got := eval[string](p, `document.getElementById("q").getAttribute("aria-expanded")`); got != "true" {
		t.Errorf("combobox aria-expanded = %q, want true", got)
	}
	p.shot("02-search-suggestions")
	// Arrow keys move through the options; Escape closes the list.
	p.do("arrow down", chromedp.KeyEvent(kb.ArrowDown))
	if active := eval[string](p, `document.getElementById("q").getAttribute("aria-activedescendant") || ""`); active == "" {
		t.Error("ArrowDown did not set aria-activedescendant")
	}
	p.do("escape", chromedp.KeyEvent(kb.Escape))
	if hidden := eval[bool](p, `document.getElementById("suggest-list").hidden`); !hidden {
		t.Error("Escape did not close the suggestions")
	}

	p.do("submit", chromedp.SendKeys(chromedp.ID("q"), "经济\n"))
	p.do("results", chromedp.WaitVisible(chromedp.CSS(".hits .hit")))
	if got := p.location().Query().Get("q"); got != "楼宇经济" {
		t.Errorf("URL q = %q, want 楼宇经济", got)
	}
	first := p.texts(".hits > li:first-child .hit-place .county-link")
	if len(first) == 0 || first[0] != "小店区" {
		t.Errorf("first hit's county = %v, want 小店区", first)
	}
	if why := p.texts(".hits > li:first-child .hit-why"); len(why) == 0 || !strings.Contains(why[0], "楼宇经济") {
		t.Errorf("first hit's 为何匹配 = %v, want it to name 楼宇经济", why)
	}
	if path := p.texts(".hits > li:first-child .hit-path"); len(path) == 0 || !strings.Contains(path[0], "经验一") {
		t.Errorf("first hit's heading path = %v, want it to show 经验一", path)
	}
	p.shot("03-search-results")

	// 按案例归并: one group per case, the other passages folded.
	p.do("group", chromedp.Click(chromedp.ID("group-toggle")))
	p.waitFor("grouped hits", `document.querySelector(".hit-others summary") !== null`)
	if got := p.location().Query().Get("group"); got != "case" {
		t.Errorf("URL group = %q, want case", got)
	}
	if s := p.texts(".hit-others summary"); len(s) == 0 || !strings.HasPrefix(s[0], "本案例另有") {
		t.Errorf("grouped hit summary = %v", s)
	}
	p.do("expand others", chromedp.Click(chromedp.CSS(".hit-others summary")))
	p.shot("04-search-grouped")

	// A query naming an indicator shows its chart above the hits.
	p.open("/?q="+url.QueryEscape("高新技术企业数量"), ".indicator-preview svg rect.bar")
	if n := eval[int](p, `document.querySelectorAll(".indicator-preview rect.bar").length`); n < 5 {
		t.Errorf("indicator preview has %d bars", n)
	}
	p.shot("05-search-indicator")
}

// A county facet narrows the results to that county.
func TestBrowserCountyFacet(t *testing.T) {
	p := newPage(t, 1280, 900)
	p.open("/?q="+url.QueryEscape("专业镇"), ".hits .hit")
	before := eval[int](p, `document.querySelectorAll(".hits .hit").length`)
	p.do("click facet", chromedp.Click(chromedp.CSS(`#facets button[data-facet="county"][data-value="祁县"]`)))
	p.waitFor("filtered results", `document.querySelector('#chips button[data-value="祁县"]') !== null
		&& document.getElementById("results").getAttribute("aria-busy") === "false"
		&& document.querySelectorAll(".hits .hit").length > 0`)
	if got := p.location().Query()["county"]; !slices.Equal(got, []string{"祁县"}) {
		t.Errorf("URL county = %v, want [祁县]", got)
	}
	places := p.texts(".hits .hit .hit-place")
	if len(places) == 0 {
		t.Fatal("no results after choosing 祁县")
	}
	for i, place := range places {
		if !strings.Contains(place, "祁县") {
			t.Errorf("result %d is in %q, not 祁县", i+1, place)
		}
	}
	pressed := eval[string](p, `document.querySelector('#facets button[data-facet="county"][data-value="祁县"]').getAttribute("aria-pressed")`)
	if pressed != "true" {
		t.Errorf("facet button aria-pressed = %q", pressed)
	}
	t.Logf("专业镇: %d results, %d in 祁县", before, len(places))
	p.shot("06-county-facet")
}

// A hit opens its whole case: every measure, the citation and similar practices.
func TestBrowserCasePage(t *testing.T) {
	p := newPage(t, 1280, 900)
	p.open("/?q="+url.QueryEscape("楼宇经济"), ".hits .hit-link")
	p.do("open case", chromedp.Click(chromedp.CSS(".hits > li:first-child .hit-link")))
	p.do("case", chromedp.WaitVisible(chromedp.CSS(".case-body .measure-title")))
	p.waitFor("similar practices", `document.querySelectorAll(".similar-item, .similar-none").length > 0`)
	if v := p.location().Query().Get("view"); v != "case" {
		t.Errorf("view = %q, want case", v)
	}
	if h1 := p.texts("h1.page-title"); len(h1) == 0 || !strings.Contains(h1[0], "小店区楼宇经济六步走") {
		t.Errorf("case title = %v", h1)
	}
	measures := p.texts(".case-body .measure-title")
	want := []string{"一是数据摸排细步走", "二是规划制定阔步走", "三是政策实施踏步走", "四是平台研发健步走", "五是楼宇招商齐步走", "六是政务服务急步走"}
	if !slices.Equal(measures, want) {
		t.Errorf("measures = %v, want %v", measures, want)
	}
	if cite := p.texts(".cite-box cite"); len(cite) == 0 || !strings.HasSuffix(cite[0], "》经验一（小店区）") {
		t.Errorf("citation = %v", cite)
	}
	// No other county grows a 楼宇经济: the panel says so instead of padding.
	similar := p.texts(".similar-item .county-badge")
	none := p.texts(".similar-none")
	if slices.Contains(similar, "小店区") || (len(similar) == 0) == (len(none) == 0) {
		t.Errorf("similar practices from %v, empty message %v", similar, none)
	}
	p.shot("07-case")

	// The page works after a reload (its URL is all it needs).
	p.do("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(".case-body .measure-title")))

	// The search box works from here too, and Back returns to the case.
	p.do("search from case", chromedp.SendKeys(chromedp.ID("q"), "中试基地\n"), chromedp.WaitVisible(chromedp.CSS(".hits .hit")))
	if hidden := eval[bool](p, `document.getElementById("view-page").hidden`); !hidden {
		t.Error("the case page stays visible after a search")
	}
	p.do("back", chromedp.NavigateBack(), chromedp.WaitVisible(chromedp.CSS(".case-body .measure-title")))

	// 文水县's 小升规 work has a counterpart in another county.
	p.open("/?q="+url.QueryEscape("小升规"), ".hits .hit-link")
	p.do("open case", chromedp.Click(chromedp.CSS(".hits > li:first-child .hit-link")))
	p.waitFor("similar practices", `document.querySelectorAll(".similar-item, .similar-none").length > 0`)
	own := p.texts(".page-title")
	similar = p.texts(".similar-item .county-badge")
	if len(similar) == 0 {
		t.Errorf("case %v: no similar practices", own)
	}
	p.shot("07b-case-similar")
}

// A county page charts its indicators with its rank among the counties.
func TestBrowserCountyPage(t *testing.T) {
	p := newPage(t, 1280, 900)
	p.open("/?view=counties", ".city-card .county-link")
	p.waitFor("overview table", `document.querySelectorAll(".matrix tbody tr").length >= 11`)
	p.shot("08-counties")

	p.do("open county", chromedp.Click(chromedp.CSS(`.city-card a.county-link[href*="`+url.QueryEscape("小店区")+`"]`)))
	p.do("charts", chromedp.WaitVisible(chromedp.CSS(".chart-card svg.bar-chart rect.bar")))
	p.waitFor("all charts", `document.querySelectorAll(".chart-card svg.bar-chart").length === 9`)
	if h1 := p.texts("h1.page-title"); len(h1) == 0 || h1[0] != "小店区" {
		t.Errorf("county title = %v", h1)
	}
	if bars := eval[int](p, `document.querySelectorAll(".chart-card rect.bar").length`); bars < 9*11 {
		t.Errorf("%d bars, want 9 charts of 11 counties", bars)
	}
	if hi := eval[int](p, `document.querySelectorAll(".chart-card .bar-row.is-hi").length`); hi != 9 {
		t.Errorf("%d highlighted bars, want one per chart", hi)
	}
	ranks := p.texts(".chart-card .rank-badge")
	if !slices.Contains(ranks, "第 1 / 11 名") {
		t.Errorf("ranks = %v, want 第 1 / 11 名 among them (小店区 leads 专精特新)", ranks)
	}
	if rows := eval[int](p, `document.querySelectorAll("#county-table ~ .table-wrap tbody tr").length`); rows != 9 {
		t.Errorf("comparison table has %d rows, want 9", rows)
	}
	if cases := p.texts(".case-card .case-link"); len(cases) != 1 || !strings.Contains(cases[0], "楼宇经济") {
		t.Errorf("cases = %v", cases)
	}
	p.shot("09-county")
}

// Indicator tables sort by a header, with the mouse and with the keyboard.
func TestBrowserIndicators(t *testing.T) {
	p := newPage(t, 1280, 900)
	p.open("/?view=indicators", ".indicator-block table")
	p.waitFor("charts", `document.querySelectorAll(".indicator-block svg.bar-chart").length === 9`)
	const table = `document.querySelector(".indicator-block table")`
	values := func() []float64 {
		return eval[[]float64](p, `[...`+table+`.querySelectorAll("tbody tr")].map(tr => parseFloat(tr.cells[3].textContent.replace(/[^0-9.\-]/g, "")))`)
	}
	sortState := func(col int) string {
		return eval[string](p, table+`.querySelectorAll("thead th")[`+strconv.Itoa(col)+`].getAttribute("aria-sort")`)
	}
	if got := sortState(0); got != "ascending" {
		t.Errorf("initial aria-sort of 排名 = %q, want ascending", got)
	}
	// Click 数值: largest first.
	p.do("sort by value", chromedp.Click(chromedp.CSS(`.indicator-block:first-of-type thead th:nth-child(4) button`)))
	if got := sortState(3); got != "descending" {
		t.Errorf("aria-sort of 数值 = %q, want descending", got)
	}
	if v := values(); !slices.IsSortedFunc(v, func(a, b float64) int { return cmp.Compare(b, a) }) {
		t.Errorf("values not descending: %v", v)
	}
	if got := sortState(0); got != "none" {
		t.Errorf("aria-sort of 排名 after sorting by 数值 = %q, want none", got)
	}
	// Enter on the focused header button sorts the other way.
	p.do("keyboard sort", chromedp.Focus(chromedp.CSS(`.indicator-block:first-of-type thead th:nth-child(4) button`)), chromedp.KeyEvent("\r"))
	if got := sortState(3); got != "ascending" {
		t.Errorf("aria-sort of 数值 after Enter = %q, want ascending", got)
	}
	if v := values(); !slices.IsSorted(v) {
		t.Errorf("values not ascending: %v", v)
	}
	p.shot("10-indicators")
}

// A draft with two practices links its paragraphs to cases, and exports.
func TestBrowserLink(t *testing.T) {
	p := newPage(t, 1280, 900)
	p.open("/?view=link", "#draft")
	draft := "关于支持科技型中小企业发展的若干措施（征求意见稿）\n\n" +
		"一、拓宽融资渠道。推动银行开展知识产权质押贷款，支持轻资产的科技型中小企业以专利权质押融资，由政府风险补偿资金分担损失。\n\n" +
		"二、推动小升规。对首次纳入规模以上统计的工业企业给予一次性奖励，建立规下企业培育库，实行包联帮扶。\n\n" +
		"三、加强督促检查，确保各项措施落到实处。"
	// The draft comes in through the file picker, as a user's .txt would.
	file := filepath.Join(t.TempDir(), "草稿.txt")
	if err := os.WriteFile(file, []byte(draft), 0o644); err != nil {
		t.Fatal(err)
	}
	p.do("pick file", chromedp.SetUploadFiles(chromedp.CSS("#draft-file"), []string{file}))
	p.waitFor("file read", `document.getElementById("draft").value.includes("知识产权质押贷款")`)
	p.do("submit", chromedp.Click(chromedp.CSS(".link-form button[type=submit]")))
	p.do("linked", chromedp.WaitVisible(chromedp.CSS(".para.is-linked .note cite")))
	linked := eval[int](p, `document.querySelectorAll(".para.is-linked").length`)
	if linked < 2 {
		t.Errorf("%d linked paragraphs, want the two practices linked", linked)
	}
	cites := p.texts(".para.is-linked .note cite")
	if len(cites) == 0 || !strings.Contains(cites[0], "》经验") {
		t.Errorf("citations = %v", cites)
	}
	counties := p.texts(".para.is-linked .note .county-badge")
	if !slices.Contains(counties, "长治高新区") {
		t.Errorf("linked counties = %v, want 长治高新区 (知识产权质押贷款)", counties)
	}
	p.shot("11-link")

	// The drafter drops a suggested link: it leaves the page and the export.
	before := eval[int](p, `document.querySelectorAll(".note").length`)
	dropped := p.texts(".note:first-of-type cite")[0]
	p.do("drop link", chromedp.Click(chromedp.CSS(".note .drop-link")))
	p.waitFor("link dropped", fmt.Sprintf(`document.querySelectorAll(".note").length === %d`, before-1))

	// Markdown export: a Blob download, with footnotes.
	dir := t.TempDir()
	if _, err := chromedp.CallBrowser(p.ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
		Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dir,
	}); err != nil {
		t.Fatalf("download behavior: %v", err)
	}
	p.do("export", chromedp.Click(chromedp.CSS(".export-buttons > button:first-of-type")))
	var md []byte
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		if len(files) == 1 {
			md, _ = os.ReadFile(files[0])
			if len(md) > 0 {
				break
			}
		}
	}
	text := string(md)
	if !strings.Contains(text, "[^1]: 参见《") || !strings.Contains(text, "知识产权质押贷款") {
		t.Errorf("exported Markdown lacks footnotes or text:\n%s", text)
	}
	t.Logf("dropped %s", dropped)
	if n := strings.Count(text, "]: 参见"); n > before-1 {
		t.Errorf("export has %d notes after dropping one of %d", n, before)
	}
}

// A query with a generic piece (经济 of 楼宇经济) lists the passages that
// match only that piece after a separator, outside the count.
func TestBrowserWeakMatches(t *testing.T) {
	p := newPage(t, 1280, 900)
	p.open("/?q="+url.QueryEscape("楼宇经济"), ".hits .hit")
	p.waitFor("weak separator", `document.querySelector(".weak-separator") !== null`)
	strong := eval[int](p, `document.querySelectorAll("ol.hits:not(.hits-weak) .hit").length`)
	weak := eval[int](p, `document.querySelectorAll("ol.hits-weak .hit").length`)
	if strong == 0 || weak == 0 {
		t.Errorf("%d strong and %d weak hits shown", strong, weak)
	}
	summary := p.texts("#results-summary")
	if len(summary) == 0 || !strings.Contains(summary[0], "共 "+strconv.Itoa(strong)+" 条结果") || !strings.Contains(summary[0], "较弱匹配") {
		t.Errorf("summary %v with %d strong hits", summary, strong)
	}
	p.shot("02b-weak-matches")
}

// The documents page lists the built-in report, which cannot be deleted.
func TestBrowserDocuments(t *testing.T) {
	p := newPage(t, 1280, 900)
	p.open("/?view=documents", ".doc-table tbody tr")
	titles := p.texts(".doc-table tbody th")
	if len(titles) == 0 || !strings.Contains(titles[0], "2022年全省中小企业高质量发展示范县(开发区)工作成效与经验") {
		t.Errorf("documents = %v", titles)
	}
	if badges := p.texts(".doc-table .badge"); !slices.Contains(badges, "内置") {
		t.Errorf("badges = %v, want 内置", badges)
	}
	if n := eval[int](p, `document.querySelectorAll(".doc-table button[data-delete]").length`); n != 0 {
		t.Errorf("%d delete buttons for built-in documents", n)
	}
	p.shot("12-documents")
}

// On a 1024-pixel laptop and a narrow window nothing overflows sideways.
func TestBrowserNarrow(t *testing.T) {
	p := newPage(t, 1024, 800)
	pages := []struct{ name, path, sel string }{
		{"search", "/?q=" + url.QueryEscape("小升规"), ".hits .hit"},
		{"case", "/?view=case&id=" + firstCaseID(t), ".similar-item, .similar-none"},
		{"county", "/?view=county&name=" + url.QueryEscape("定襄县"), ".chart-card svg"},
		{"indicators", "/?view=indicators", ".indicator-block svg"},
	}
	for _, width := range []int{1024, 760} {
		p.do("viewport", chromedp.EmulateViewport(int64(width), 800))
		for _, pg := range pages {
			p.open(pg.path, pg.sel)
			overflow := eval[int](p, `document.documentElement.scrollWidth - document.documentElement.clientWidth`)
			if overflow > 0 {
				t.Errorf("%s at %d px: page is %d px wider than the window", pg.name, width, overflow)
			}
			p.shot("13-" + pg.name + "-" + strconv.Itoa(width))
		}
	}
}

// firstCaseID is the first passage of the first case of the report.
func firstCaseID(t *testing.T) string {
	t.Helper()
	var body struct {
		Counties []struct {
			Cases []struct {
				Number int    `json:"number"`
				First  string `json:"first_passage"`
			} `json:"cases"`
		} `json:"counties"`
	}
	getJSON(t, "/api/counties", 200, &body)
	for _, c := range body.Counties {
		for _, cs := range c.Cases {
			if cs.Number == 1 {
				return cs.First
			}
		}
	}
	t.Fatal("no case 1 in /api/counties")
	return ""
}

// Theme chips lead to a theme page that groups the practices by county.
func TestBrowserThemes(t *testing.T) {
	p := newPage(t, 1280, 900)
	p.open("/?view=themes", ".theme-card .theme-name")
	p.do("open theme", chromedp.Click(chromedp.CSS(`.theme-card a.theme-name[href*="`+url.QueryEscape("财政扶持")+`"]`)))
	p.do("groups", chromedp.WaitVisible(chromedp.CSS(".theme-group .theme-case-title a")))
	counties := p.texts(".theme-group .theme-county .county-link")
	if len(counties) < 2 {
		t.Errorf("财政扶持 grouped under %v, want several counties", counties)
	}
	for _, href := range eval[[]string](p, `[...document.querySelectorAll(".theme-case-title a")].map(a => a.getAttribute("href"))`) {
		if !strings.Contains(href, "view=case") {
			t.Errorf("case link %q does not open a case page", href)
		}
	}
	p.shot("14-theme")
}

// Upload and deletion against a stand-in for the write endpoints (the test
// server is read-only): the UI sends the token as a Bearer header and the
// files as "file" parts, shows each file's outcome, and confirms deletions.
func TestBrowserDocumentsAdmin(t *testing.T) {
	const token = "s3cret"
	fake := newFakeDocuments(t, token)
	p := newPage(t, 1280, 900)
	p.allowConsole("status of 401")
	dialogs := chromedp.Events(p.ctx, cdppage.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			if strings.Contains(ev.Message, "确定删除") {
				_, _ = chromedp.Call(p.ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
			}
		}
	}()
	dir := t.TempDir()
	good := filepath.Join(dir, "某县经验.md")
	bad := filepath.Join(dir, "程序.exe")
	if err := os.WriteFile(good, []byte("# 某县经验\n\n一是建立包联机制。\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("MZ"), 0o644); err != nil {
		t.Fatal(err)
	}
	p.do("open", chromedp.Navigate(fake.URL+"/?view=documents"), chromedp.WaitVisible(chromedp.CSS(".doc-table tbody tr")))
	if disabled := eval[bool](p, `document.querySelector(".upload-form button[type=submit]").disabled`); !disabled {
		t.Error("upload is enabled without a token and files")
	}

	// A wrong token: the server's message is shown.
	p.do("wrong token", chromedp.SendKeys(chromedp.ID("admin-token"), "wrong"),
		chromedp.SetUploadFiles(chromedp.ID("upload-files"), []string{good}),
		chromedp.Click(chromedp.CSS(".upload-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".upload-result .alert")))
	if msg := p.texts(".upload-result .alert"); len(msg) == 0 || !strings.Contains(msg[0], "需要有效的管理令牌") {
		t.Errorf("401 message = %v", msg)
	}

	// The right token, two files: one accepted, one refused.
	p.do("right token", chromedp.Click(chromedp.CSS(".token-form .btn-small")), chromedp.SendKeys(chromedp.ID("admin-token"), token),
		chromedp.SetUploadFiles(chromedp.ID("upload-files"), []string{good, bad}),
		chromedp.Click(chromedp.CSS(".upload-form button[type=submit]")),
		chromedp.WaitVisible(chromedp.CSS(".upload-list .upload-fail")))
	if ok := p.texts(".upload-list .upload-ok"); len(ok) != 1 || !strings.Contains(ok[0], "某县经验.md") {
		t.Errorf("accepted files = %v", ok)
	}
	if fail := p.texts(".upload-list .upload-fail"); len(fail) != 1 || !strings.Contains(fail[0], "程序.exe：不支持的文件格式") {
		t.Errorf("refused files = %v", fail)
	}
	if summary := p.texts(".upload-result .task-progress"); len(summary) != 1 || !strings.Contains(summary[0], "任务 #1 已完成：收录 1 个文件") {
		t.Errorf("task summary = %v", summary)
	}
	p.waitFor("uploaded row", `document.querySelectorAll(".doc-table button[data-delete]").length === 1`)
	if got := sessionToken(p); got != token {
		t.Errorf("sessionStorage token = %q", got)
	}
	p.shot("15-documents-uploaded")

	// Delete it, after the confirmation.
	p.do("delete", chromedp.Click(chromedp.CSS(".doc-table button[data-delete]")), chromedp.WaitVisible(chromedp.CSS(".doc-status .notice")))
	p.waitFor("row gone", `document.querySelectorAll(".doc-table button[data-delete]").length === 0`)
	if n := fake.deleted(); n != 1 {
		t.Errorf("%d authorised deletions, want 1", n)
	}
}

func sessionToken(p *page) string {
	return eval[string](p, `sessionStorage.getItem("kb-admin-token") || ""`)
}

// fakeDocuments serves the write endpoints of /api/documents and the
// upload tasks with the API's shapes and passes every other request to the
// real test server.
type fakeDocuments struct {
	*httptest.Server
	mu       sync.Mutex
	docs     []map[string]any
	tasks    []map[string]any
	removals int
}

func (f *fakeDocuments) deleted() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.removals
}

func newFakeDocuments(t *testing.T, token string) *fakeDocuments {
	t.Helper()
	target, err := url.Parse(ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(target)
	f := &fakeDocuments{}
	authorised := func(w http.ResponseWriter, r *http.Request) bool {
		if r.Header.Get("Authorization") != "Bearer "+token {
			writeJSON(w, http.StatusUnauthorized, map[string]any{"error": "需要有效的管理令牌（Authorization: Bearer …）"})
			return false
		}
		return true
	}
	f.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/api/documents" && r.Method == http.MethodGet:
			resp, err := http.Get(ts.URL + "/api/documents")
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			defer resp.Body.Close()
			var body struct {
				Documents []map[string]any `json:"documents"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			f.mu.Lock()
			body.Documents = append(body.Documents, f.docs...)
			f.mu.Unlock()
			writeJSON(w, http.StatusOK, body)
		case r.URL.Path == "/api/documents" && r.Method == http.MethodPost:
			if !authorised(w, r) {
				return
			}
			if err := r.ParseMultipartForm(1 << 20); err != nil {
				writeJSON(w, http.StatusBadRequest, map[string]any{"error": "请以 multipart/form-data 上传，文件字段名为 file"})
				return
			}
			// As the API: 202 with a task; the task's files are ingested
			// when it is first polled, and it finishes on the next poll.
			files := []map[string]any{}
			for _, fh := range r.MultipartForm.File["file"] {
				files = append(files, map[string]any{"name": fh.Filename, "size": fh.Size, "status": "pending"})
			}
			f.mu.Lock()
			f.tasks = append(f.tasks, map[string]any{"id": len(f.tasks) + 1, "status": "queued", "files_total": len(files),
				"files_done": 0, "passages": 0, "added": 0, "failed": 0, "files": files})
			task := f.tasks[len(f.tasks)-1]
			f.mu.Unlock()
			writeJSON(w, http.StatusAccepted, task)
		case strings.HasPrefix(r.URL.Path, "/api/tasks/") && r.Method == http.MethodGet:
			if !authorised(w, r) {
				return
			}
			id, _ := strconv.Atoi(strings.TrimPrefix(r.URL.Path, "/api/tasks/"))
			f.mu.Lock()
			defer f.mu.Unlock()
			if id < 1 || id > len(f.tasks) {
				writeJSON(w, http.StatusNotFound, map[string]any{"error": "没有这个任务"})
				return
			}
			task := f.tasks[id-1]
			switch task["status"] {
			case "queued":
				task["status"], task["passages"] = "processing", 1
			case "processing":
				added := 0
				for _, file := range task["files"].([]map[string]any) {
					name := file["name"].(string)
					if !strings.HasSuffix(name, ".md") {
						file["status"], file["code"] = "failed", "unsupported_format"
						file["error"] = name + ": 不支持的文件格式：" + filepath.Ext(name)
						continue
					}
					doc := map[string]any{"id": "up" + strconv.Itoa(len(f.docs)+1), "title": strings.TrimSuffix(name, ".md"),
						"format": "md", "source": name, "passages": 1, "cases": 0, "builtin": false, "added": time.Now().Format(time.RFC3339)}
					f.docs = append(f.docs, doc)
					file["status"], file["document_id"], file["title"], file["passages"] = "added", doc["id"], doc["title"], 1
					added++
				}
				task["status"], task["added"], task["failed"] = "succeeded", added, task["files_total"].(int)-added
				task["files_done"] = task["files_total"]
				if added == 0 {
					task["status"] = "failed"
				}
			}
			writeJSON(w, http.StatusOK, task)
		case strings.HasPrefix(r.URL.Path, "/api/documents/") && r.Method == http.MethodDelete:
			if !authorised(w, r) {
				return
			}
			id := strings.TrimPrefix(r.URL.Path, "/api/documents/")
			f.mu.Lock()
			defer f.mu.Unlock()
			for i, d := range f.docs {
				if d["id"] == id {
					f.docs = slices.Delete(f.docs, i, i+1)
					f.removals++
					writeJSON(w, http.StatusOK, map[string]any{"deleted": id})
					return
				}
			}
			writeJSON(w, http.StatusNotFound, map[string]any{"error": "没有这个文档"})
		default:
			proxy.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(f.Close)
	return f
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
