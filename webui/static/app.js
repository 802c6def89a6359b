// Browser interface of the knowledge base: the router and the search page.
//
// Every page is addressed by the query string of "/" (the only HTML route
// of the server), so that any page can be linked and survives a reload:
//
//   /?q=楼宇经济&county=小店区&theme=…&kind=…&policy=…&page=2&group=case&sort=county   search
//   /?view=case&id=<passage id>#p-<passage id>   a case, the passage marked
//   /?view=passage&id=<passage id>               a passage outside cases
//   /?view=counties   /?view=county&name=小店区   counties
//   /?view=themes     /?view=theme&name=楼宇经济   themes
//   /?view=indicators[#ind-<name>]   /?view=link   /?view=documents
//
// Links between pages are plain <a href> elements; clicks on them are
// routed here without reloading the page (history.pushState).
//
// Search hits are rendered from the API data with DOM nodes; the only
// HTML taken from the server is hit.snippet (escaped apart from <mark>).
import {
  $, el, clear, list, href, fetchJSON, cachedJSON, countyCities, countyLink, themeChips,
  copyButton, truncate, headingPath, searchAPIURL, takeEarlySearch,
} from "./dom.js";
import { indicatorFigure } from "./chart.js";
import { initSuggest } from "./suggest.js";
import { PAGES } from "./pages.js";

performance.mark("kb:app-start");

const PAGE_SIZE = 10;
const SITE = "县域中小企业发展经验知识库";

// Facets of the search API in display order; city and county are shown
// together as one "地区" tree (counties under their city).
const FACETS = [
  { key: "city", label: "城市" },
  { key: "county", label: "县区" },
  { key: "theme", label: "主题" },
  { key: "kind", label: "类型" },
  { key: "policy", label: "引用的政策文件" },
];

const SORTS = ["relevance", "county", "order"];

// How many values a facet shows before "展开全部" is needed.
const FACET_COLLAPSED_LIMIT = 8;
const COUNTIES_PER_CITY_COLLAPSED = 3;

// Queries offered on the empty search page.
const SAMPLE_QUERIES = ["楼宇经济", "专精特新", "小升规 奖励", "知识产权质押贷款", "专业镇", "高层次人才", "中试基地", "融资难"];

const expandedFacets = new Set();
let inFlight = null;
let lastFacets = {};
let countyCity = new Map(); // county -> city, from /api/counties and from hits
let lastState = null; // the search on screen, retried by the error banner's button
let lastSearchURL = "/"; // the last search page, for the breadcrumb and the search box elsewhere
let firstPaint = true;

// ---------------------------------------------------------------------
// Focus helpers: a re-render keeps the keyboard focus on the "same" control.

function currentFocusKey() {
  const active = document.activeElement;
  return active && active.dataset ? active.dataset.focusKey || null : null;
}

function restoreFocus(key, fallback) {
  if (!key) return;
  const target = document.querySelector(`[data-focus-key="${CSS.escape(key)}"]`);
  if (target) target.focus();
  else if (fallback) fallback.focus();
}

// ---------------------------------------------------------------------
// Router

let routeGeneration = 0;
let routedURL = ""; // path and query of the page on screen

function currentView() {
  const view = new URLSearchParams(window.location.search).get("view") || "search";
  return view === "search" || PAGES[view] ? view : "notfound";
}

// Shows the page of the current URL. userNav: the user followed a link
// (focus moves to the new page's heading for screen readers).
function route(userNav) {
  const generation = ++routeGeneration;
  routedURL = window.location.pathname + window.location.search;
  const view = currentView();
  const navKey = { case: "search", passage: "search", county: "counties", theme: "themes" }[view] || view;
  for (const a of document.querySelectorAll(".site-nav a")) {
    if (a.dataset.nav === navKey) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  document.body.dataset.view = view;
  const searchView = $("view-search");
  const pageView = $("view-page");
  if (view === "search") {
    pageView.hidden = true;
    clear(pageView);
    searchView.hidden = false;
    runSearch(stateFromURL(), userNav ? "summary" : null);
    return;
  }
  searchView.hidden = true;
  if (inFlight) inFlight.abort();
  // The search box keeps the last query, so the user can refine it.
  $("q").value = new URLSearchParams(lastSearchURL.split("?")[1] || "").get("q") || "";
  pageView.hidden = false;
  clear(pageView);
  // Each page draws into its own section; a page still loading when the
  // user moves on writes into a detached node and is simply dropped.
  const section = el("section", { className: "page-body" });
  pageView.append(section);
  const params = new URLSearchParams(window.location.search);
  const render = PAGES[view] || PAGES.notfound;
  Promise.resolve(render(section, params, { setTitle, searchURL: lastSearchURL }))
    .catch((err) => {
      if (err && err.name === "AbortError") return;
      for (const node of section.querySelectorAll(".loading")) node.remove();
      if (!section.querySelector("h1")) {
        setTitle("无法显示此页");
        section.prepend(el("h1", { className: "page-title", text: "无法显示此页" }));
      }
      const retry = el("button", { type: "button", className: "btn btn-small", text: "重试" });
      retry.addEventListener("click", () => route(true));
      section.append(
        el("div", { className: "alert alert-retry", role: "alert" },
          el("span", { text: err && err.message ? err.message : "页面加载失败。" }), retry),
        el("p", null, el("a", { href: "/", text: "返回检索首页" }), "，或用上方搜索框查找。"));
    })
    .finally(() => {
      if (generation !== routeGeneration) return;
      scrollToHash();
      if (userNav) {
        const h1 = section.querySelector("h1");
        if (h1) {
          h1.setAttribute("tabindex", "-1");
          h1.focus({ preventScroll: true });
        }
      }
    });
}

function setTitle(title) {
  document.title = title ? `${title} - ${SITE}` : SITE;
}

function scrollToHash() {
  const id = decodeURIComponent(window.location.hash.slice(1));
  if (!id) return;
  const target = document.getElementById(id);
  if (target) target.scrollIntoView({ block: "start" });
}

// Follows an in-app URL without reloading.
function go(url, replace) {
  const current = window.location.pathname + window.location.search + window.location.hash;
  if (url === current || replace) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  if (!window.location.hash) window.scrollTo(0, 0);
  route(true);
}

// Clicks on links to "/?…" stay in the app.
function onDocumentClick(event) {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest("a[href]"); // HTML or SVG links
  if (!a || a.getAttribute("target") || a.hasAttribute("download")) return;
  const url = new URL(a.getAttribute("href"), window.location.href);
  if (url.origin !== window.location.origin || url.pathname !== "/") return;
  // A jump within the same page: let the browser scroll.
  if (url.search === window.location.search && url.hash) return;
  event.preventDefault();
  go(url.pathname + url.search + url.hash);
}

// ---------------------------------------------------------------------
// Search state <-> URL

function emptyFilters() {
  const filters = {};
  for (const f of FACETS) filters[f.key] = [];
  return filters;
}

function stateFromURL() {
  const params = new URLSearchParams(window.location.search);
  const filters = emptyFilters();
  for (const f of FACETS) {
    filters[f.key] = [...new Set(params.getAll(f.key).map((v) => v.trim()).filter(Boolean))];
  }
  const page = parseInt(params.get("page") || "1", 10);
  return {
    q: (params.get("q") || "").trim(),
    filters,
    page: Number.isFinite(page) && page > 0 ? page : 1,
    group: params.get("group") === "case",
    all: params.get("all") === "1",
    sort: SORTS.includes(params.get("sort")) ? params.get("sort") : "relevance",
  };
}

// Parameters shared by the page URL and the API call.
function stateParams(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const f of FACETS) {
    for (const value of state.filters[f.key]) params.append(f.key, value);
  }
  if (state.page > 1) params.set("page", String(state.page));
  if (state.group) params.set("group", "case");
  if (state.sort && state.sort !== "relevance") params.set("sort", state.sort);
  return params;
}

function pageURL(state) {
  const params = stateParams(state);
  if (state.all && isHome(state)) params.set("all", "1");
  const qs = params.toString();
  return "/" + (qs ? "?" + qs : "");
}

function hasFilters(state) {
  return FACETS.some((f) => state.filters[f.key].length > 0);
}

// The bare search page (no query, no filter) shows the welcome panel.
function isHome(state) {
  return !state.q && !hasFilters(state);
}

function cloneState(state) {
  const filters = {};
  for (const f of FACETS) filters[f.key] = state.filters[f.key].slice();
  return { q: state.q, filters, page: state.page, group: state.group, all: state.all, sort: state.sort };
}

function navigate(state, focusAfter) {
  const url = pageURL(state);
  const current = window.location.pathname + window.location.search;
  if (url === current) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  // Coming from another page (or going to one): show it through the router.
  if (currentView() !== "search" || document.body.dataset.view !== "search") {
    route(true);
    return;
  }
  routedURL = window.location.pathname + window.location.search;
  runSearch(state, focusAfter);
}

// ---------------------------------------------------------------------
// Search flow

async function runSearch(state, focusAfter) {
  if (inFlight) inFlight.abort();
  const controller = new AbortController();
  inFlight = controller;

  $("q").value = state.q;
  $("group-toggle").checked = state.group;
  $("sort-select").value = state.sort || "relevance";
  lastState = state;
  setTitle(state.q ? state.q : "");
  setBusy(true);

  const url = searchAPIURL(stateParams(state).toString());
  try {
    const early = takeEarlySearch(url);
    if (early) controller.signal.addEventListener("abort", () => early.controller.abort());
    const data = await (early ? early.promise : fetchJSON(url, { signal: controller.signal }));
    if (controller !== inFlight) return;
    hideError();
    state = applyServerFilters(state, data);
    lastSearchURL = pageURL(state);
    render(state, data);
    if (firstPaint) {
      firstPaint = false;
      performance.mark("kb:first-results");
      document.dispatchEvent(new Event("kb:first-results"));
    }
    if (focusAfter === "summary") $("results-summary").focus({ preventScroll: true });
  } catch (err) {
    if (err.name === "AbortError") return;
    showError(err.message);
    renderFailure(state);
  } finally {
    if (controller === inFlight) {
      inFlight = null;
      setBusy(false);
    }
  }
}

function setBusy(busy) {
  const results = $("results");
  results.setAttribute("aria-busy", busy ? "true" : "false");
  results.classList.toggle("is-loading", busy);
}

function showError(message) {
  $("error-text").textContent = message;
  $("error").hidden = false;
}

function hideError() {
  $("error").hidden = true;
  $("error-text").textContent = "";
}

// A query that starts with a place (太原市做法) comes back with the place
// applied as a filter and the rest searched: the page takes the same
// shape (a removable chip, the rest in the search box) so that removing
// the chip searches the rest everywhere.
function applyServerFilters(state, data) {
  const applied = data.applied_filters || {};
  const keys = Object.keys(applied).filter((k) => list(applied[k]).length > 0 && state.filters[k]);
  if (keys.length === 0) return state;
  const next = cloneState(state);
  next.q = String(data.searched || "");
  for (const k of keys) {
    for (const v of list(applied[k])) if (!next.filters[k].includes(v)) next.filters[k].push(v);
  }
  const url = pageURL(next);
  window.history.replaceState(null, "", url);
  routedURL = url;
  $("q").value = next.q;
  return next;
}

// ---------------------------------------------------------------------
// Rendering

function render(state, data) {
  const focusKey = currentFocusKey();
  const hits = list(data.hits);
  const total = Number(data.total) || 0;
  learnCities(hits);

  renderFacets(state, data.facets || {});
  renderChips(state);
  const note = $("facet-note");
  note.hidden = !data.places_conflict;
  note.textContent = data.places_conflict ? "所选城市与县区不重叠：这些县区不属于所选城市，可移除其中一项筛选。" : "";
  const home = isHome(state) && !state.all && state.page === 1;
  $("results-tools").hidden = home;
  if (home) {
    $("results-summary").textContent = `知识库共收录 ${total} 个文段`;
    clear($("indicator-preview"));
    renderWelcome();
    $("pagination").hidden = true;
  } else {
    renderSummary(state, data, total);
    renderIndicatorPreview(list(data.indicators));
    if (hits.length > 0) renderHits(hits, state);
    else renderNoResults(state, total, data);
    renderPagination(state, total + (Number(data.weak_total) || 0), Number(data.size) || PAGE_SIZE);
  }
  restoreFocus(focusKey, $("results-summary"));
}

function renderFailure(state) {
  renderChips(state);
  $("results-summary").textContent = "检索未完成";
  clear($("results"));
  clear($("indicator-preview"));
  $("pagination").hidden = true;
  if ($("facets").firstChild) {
    renderFacets(state, lastFacets);
    return;
  }
  renderFacets(state, {});
  cachedJSON("/api/facets").then((facets) => renderFacets(stateFromURL(), facets)).catch(() => {});
}

function renderSummary(state, data, total) {
  const took = Number(data.took_ms);
  const tookText = Number.isFinite(took) ? formatMs(took) : "—";
  const weak = Number(data.weak_total) || 0;
  // The count names what it counts: 关于“楼宇经济”共 7 条.
  const about = state.q ? `关于“${state.q}”` : hasFilters(state) ? "所选条件下" : "";
  let text = `${about}共 ${total} 条结果${weak ? `，另有 ${weak} 条较弱匹配` : ""}（用时 ${tookText} 毫秒）`;
  if (state.group) {
    const passages = Number(data.passages) || total;
    text = `${about}共 ${total} 组结果，涉及 ${passages} 个文段（用时 ${tookText} 毫秒）`;
  }
  $("results-summary").textContent = text;
}

// 0.4 -> "0.40", 12.345 -> "12.3", 250.7 -> "251".
function formatMs(ms) {
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

// Counties of hits that name one place, with its city.
function learnCities(hits) {
  for (const h of hits) {
    const counties = list(h.counties);
    const cities = list(h.cities);
    if (counties.length === 1 && cities.length === 1 && !countyCity.has(counties[0])) {
      countyCity.set(counties[0], cities[0]);
    }
  }
}

// ---- Facets

function renderFacets(state, facets) {
  lastFacets = facets;
  const container = $("facets");
  clear(container);
  container.append(renderRegionFacet(state, facets));
  for (const facet of FACETS.slice(2)) {
    container.append(renderFacetGroup(facet, facetValues(facet, state, facets)));
  }
}

// Server values plus any selected value the server does not report
// (count unknown), so that a selection can always be undone from the list.
function facetValues(facet, state, facets) {
  const values = list(facets[facet.key])
    .filter((item) => item.value)
    .map((item) => ({ value: String(item.value), count: Number(item.count) || 0 }));
  const known = new Set(values.map((v) => v.value));
  for (const selected of state.filters[facet.key]) {
    if (!known.has(selected)) values.push({ value: selected, count: null });
  }
  return values.map((v) => ({ ...v, selected: state.filters[facet.key].includes(v.value) }));
}

// "地区": each city with its counties below it. A county whose city is not
// known (not in /api/counties and never seen alone in a hit) is listed
// under "其他县区".
function renderRegionFacet(state, facets) {
  const cityFacet = FACETS[0];
  const countyFacet = FACETS[1];
  const cities = facetValues(cityFacet, state, facets);
  const counties = facetValues(countyFacet, state, facets);
  const group = el("section", { className: "facet", "aria-labelledby": "facet-region-title" });
  group.append(el("h3", { id: "facet-region-title", className: "facet-title", text: "地区（市 › 县区）" }));
  if (cities.length === 0 && counties.length === 0) {
    group.append(el("p", { className: "facet-empty", text: "暂无可选项" }));
    return group;
  }
  const byCity = new Map(cities.map((c) => [c.value, []]));
  const others = [];
  for (const county of counties) {
    const city = countyCity.get(county.value);
    if (city && byCity.has(city)) byCity.get(city).push(county);
    else others.push(county);
  }
  const expanded = expandedFacets.has("region");
  let hiddenCount = 0;
  const visible = (items, limit) => {
    const shown = items.filter((item, i) => expanded || i < limit || item.selected);
    hiddenCount += items.length - shown.length;
    return shown;
  };
  const tree = el("ul", { className: "facet-list facet-tree" });
  for (const city of cities) {
    const li = el("li", { className: "facet-city" }, facetButton(cityFacet, city));
    const sub = visible(byCity.get(city.value), COUNTIES_PER_CITY_COLLAPSED);
    if (sub.length > 0) {
      li.append(el("ul", { className: "facet-sublist", "aria-label": `${city.value}的县区` },
        sub.map((c) => el("li", null, facetButton(countyFacet, c)))));
    }
    tree.append(li);
  }
  if (others.length > 0) {
    const sub = visible(others, FACET_COLLAPSED_LIMIT);
    tree.append(el("li", { className: "facet-city" },
      el("span", { className: "facet-subhead", text: "其他县区" }),
      el("ul", { className: "facet-sublist", "aria-label": "其他县区" }, sub.map((c) => el("li", null, facetButton(countyFacet, c))))));
  }
  group.append(tree);
  if (hiddenCount > 0 || expanded) {
    group.append(el("button", {
      type: "button", className: "facet-more", "aria-expanded": expanded ? "true" : "false",
      dataset: { action: "facet-more", facet: "region", focusKey: "more:region" },
      text: expanded ? "收起" : `展开全部县区（另有 ${hiddenCount} 个）`,
    }));
  }
  return group;
}

function renderFacetGroup(facet, values) {
  const headingId = `facet-${facet.key}-title`;
  const group = el("section", { className: "facet", "aria-labelledby": headingId });
  group.append(el("h3", { id: headingId, className: "facet-title", text: facet.label }));
  if (values.length === 0) {
    group.append(el("p", { className: "facet-empty", text: "暂无可选项" }));
    return group;
  }
  const expanded = expandedFacets.has(facet.key);
  const ul = el("ul", { className: "facet-list" });
  values.forEach((item, index) => {
    const hidden = !expanded && index >= FACET_COLLAPSED_LIMIT && !item.selected;
    if (!hidden) ul.append(el("li", null, facetButton(facet, item)));
  });
  group.append(ul);
  if (values.length > FACET_COLLAPSED_LIMIT) {
    group.append(el("button", {
      type: "button", className: "facet-more", "aria-expanded": expanded ? "true" : "false",
      dataset: { action: "facet-more", facet: facet.key, focusKey: `more:${facet.key}` },
      text: expanded ? "收起" : `展开全部（${values.length}）`,
    }));
  }
  return group;
}

function facetButton(facet, item) {
  return el("button", {
    type: "button",
    className: "facet-toggle",
    "aria-pressed": item.selected ? "true" : "false",
    dataset: { action: "toggle-facet", facet: facet.key, value: item.value, focusKey: `facet:${facet.key}:${item.value}` },
  },
  el("span", { className: "facet-check", "aria-hidden": "true" }),
  el("span", { className: "facet-value", text: item.value }),
  item.count === null ? null : el("span", { className: "facet-count", text: String(item.count), "aria-label": `${item.count} 条` }));
}

// ---- Chips

function renderChips(state) {
  const chips = $("chips");
  clear(chips);
  for (const facet of FACETS) {
    for (const value of state.filters[facet.key]) {
      chips.append(el("li", null, el("button", {
        type: "button",
        className: "chip",
        title: `移除筛选：${facet.label} ${value}`,
        "aria-label": `移除筛选：${facet.label} ${value}`,
        dataset: { action: "remove-filter", facet: facet.key, value, focusKey: `chip:${facet.key}:${value}` },
      }, el("span", { className: "chip-x", "aria-hidden": "true", text: "×" }), ` ${facet.label}：${value}`)));
    }
  }
  $("active-filters").hidden = !hasFilters(state);
  const cleared = cloneState(state);
  cleared.filters = emptyFilters();
  cleared.page = 1;
  $("clear-all").href = pageURL(cleared);
}

// ---- Indicator preview: the first table the query names, as a chart.

function renderIndicatorPreview(indicators) {
  const box = $("indicator-preview");
  clear(box);
  if (indicators.length === 0) return;
  const first = indicators[0];
  const more = indicators.length > 1 ? `（另有 ${indicators.length - 1} 张相关指标表）` : "";
  box.append(el("aside", { className: "indicator-preview", "aria-label": "相关指标" },
    el("div", { className: "preview-head" },
      el("h3", { className: "preview-title", text: `相关指标：${first.name}` }),
      el("a", { href: href.indicators(first.name), className: "preview-link", text: `查看全部指标${more} ›` })),
    indicatorFigure(first, { compact: true, caption: false }),
    first.doc_title ? el("p", { className: "preview-source", text: `数据来源：《${first.doc_title}》` }) : null));
}

// ---- Hits

// Weak matches (only a generic piece of the query matched) come after the
// strong ones, in a list of their own under a separator.
function renderHits(hits, state) {
  const box = $("results");
  clear(box);
  const first = (state.page - 1) * PAGE_SIZE + 1;
  const strong = hits.filter((h) => !h.weak);
  const weak = hits.filter((h) => h.weak);
  if (strong.length) {
    const ol = el("ol", { className: "hits", start: String(first) });
    strong.forEach((hit, index) => ol.append(el("li", null, renderHit(hit, `hit-${index}`, state.filters.county))));
    box.append(ol);
  }
  if (weak.length) {
    box.append(el("p", { className: "weak-separator", role: "separator", text: "以下为较弱匹配：只含查询中较泛的词语" }));
    const ol = el("ol", { className: "hits hits-weak", start: String(first + strong.length) });
    weak.forEach((hit, index) => ol.append(el("li", null, renderHit(hit, `hit-w${index}`, state.filters.county))));
    box.append(ol);
  }
}

function renderHit(hit, key, selectedCounties) {
  const detailId = `${key}-detail`;
  const inCase = Boolean(hit.case);
  const article = el("article", { className: "hit" });

  // The case (or section) title, then the measure this passage is.
  const title = hit.case && hit.case.title ? hit.case.title : hit.title || "（无标题）";
  const link = el("a", { href: href.passage(hit.id, inCase), className: "hit-link" }, el("span", { text: title }));
  if (hit.label) link.append(el("span", { className: "hit-label", text: ` › ${hit.label}` }));
  article.append(el("h3", { className: "hit-heading" }, link));
  article.append(renderMeta(hit, selectedCounties));

  const path = headingPath(hit);
  if (path) article.append(el("p", { className: "hit-path" }, el("span", { className: "sr-only", text: "出处：" }), path));

  article.append(renderSnippet(hit));
  const why = renderWhy(hit.matched);
  if (why) article.append(why);

  const toggle = el("button", {
    type: "button", className: "link-button hit-toggle", "aria-expanded": "false", "aria-controls": detailId,
    dataset: { action: "toggle-hit" },
  }, el("span", { className: "hit-caret", "aria-hidden": "true" }), el("span", { className: "toggle-text", text: "展开全文" }));
  const actions = el("div", { className: "hit-actions" }, toggle);
  if (hit.citation) actions.append(copyButton(hit.citation));
  article.append(actions);

  const detail = el("div", { className: "hit-detail", id: detailId, hidden: true },
    el("div", { className: "hit-text", text: hit.text || "" }),
    hit.citation ? el("p", { className: "hit-cite" }, el("span", { className: "cite-label", text: "引用：" }), el("cite", { className: "cite-text", text: hit.citation })) : null);
  article.append(detail);

  const others = list(hit.others);
  if (others.length > 0) article.append(renderOthers(others, inCase));
  return article;
}

function renderMeta(hit, selectedCounties) {
  const meta = el("p", { className: "hit-meta" });
  const counties = list(hit.counties).length > 0 ? list(hit.counties) : list([hit.county]);
  // The counties the user filtered on come first: they are why the hit is here.
  const chosen = new Set(selectedCounties || []);
  counties.sort((a, b) => Number(chosen.has(b)) - Number(chosen.has(a)));
  const cities = list(hit.cities).length > 0 ? list(hit.cities) : list([hit.city]);
  const place = el("span", { className: "hit-place" });
  counties.slice(0, 4).forEach((c, i) => {
    if (i > 0) place.append("、");
    place.append(countyLink(c));
  });
  if (counties.length > 4) place.append(` 等 ${counties.length} 个县区`);
  if (cities.length > 0) place.append(counties.length > 0 ? " · " : "", cities.slice(0, 3).join("、") + (cities.length > 3 ? " 等" : ""));
  if (place.childNodes.length > 0) meta.append(place);
  if (hit.kind) meta.append(el("span", { className: "kind-badge", text: hit.kind }));
  const tags = themeChips(hit.themes);
  if (tags) meta.append(tags);
  return meta;
}

// The snippet is server-produced HTML in which everything except
// <mark>…</mark> is already escaped; this is the only innerHTML use.
function renderSnippet(hit) {
  const p = el("p", { className: "hit-snippet" });
  if (hit.snippet) p.innerHTML = hit.snippet;
  else p.textContent = truncate(hit.text || "", 160);
  return p;
}

// "为何匹配": the query's words, the concepts that brought related
// wordings, themes and places.
function renderWhy(matched) {
  const items = list(matched);
  if (items.length === 0) return null;
  const p = el("p", { className: "hit-why" }, el("span", { className: "why-label", text: "为何匹配：" }));
  items.slice(0, 6).forEach((m, i) => {
    if (i > 0) p.append(el("span", { className: "why-sep", "aria-hidden": "true", text: " · " }));
    const item = el("span", { className: "why-item" });
    item.append(el("b", { text: m.term || "" }));
    if (m.found && m.found !== m.term) item.append(" → ", el("span", { text: m.found }));
    if (m.via && m.via !== m.term) item.append(el("span", { className: "why-via", text: `（经由概念「${m.via}」）` }));
    if (m.kind) item.append(el("span", { className: "why-kind", text: m.kind }));
    p.append(item);
  });
  if (items.length > 6) p.append(el("span", { className: "why-more", text: ` 等 ${items.length} 项` }));
  return p;
}

// group=case: the case's other matching passages, folded.
function renderOthers(others, inCase) {
  const details = el("details", { className: "hit-others" },
    el("summary", { text: `${inCase ? "本案例" : "本节"}另有 ${others.length} 段相关` }));
  const ul = el("ul", { className: "others-list" });
  for (const o of others) {
    ul.append(el("li", null,
      el("a", { href: href.passage(o.id, Boolean(o.case)), className: "others-link", text: o.label || o.title || o.id }),
      o.snippet ? renderSnippet(o) : null));
  }
  details.append(ul);
  return details;
}

// ---- Welcome (empty search) and no results

function renderWelcome() {
  const box = $("results");
  clear(box);
  const queries = el("ul", { className: "suggestion-list" },
    SAMPLE_QUERIES.map((q) => el("li", null, el("a", { className: "suggestion", href: href.search(q), text: q }))));
  const themes = el("ul", { className: "suggestion-list" });
  const cases = el("ul", { className: "welcome-cases" });
  const panel = el("div", { className: "welcome" },
    el("p", { className: "welcome-lead", text: "输入关键词检索各县区的做法，或从下面开始：" }),
    el("h3", { className: "welcome-title", text: "常用检索" }), queries,
    el("h3", { className: "welcome-title", text: "按主题浏览" }), themes,
    el("p", { className: "welcome-more" }, el("a", { href: href.themes(), text: "全部主题 ›" })),
    el("h3", { className: "welcome-title", text: "各县区经验" }), cases,
    el("h3", { className: "welcome-title", text: "其他入口" }),
    el("ul", { className: "welcome-links" },
      el("li", null, el("a", { href: href.counties(), text: "县区一览：11 个示范县（开发区）的案例与指标" })),
      el("li", null, el("a", { href: href.indicators(), text: "指标对比：9 张分县指标表" })),
      el("li", null, el("a", { href: href.link(), text: "草稿关联：粘贴文稿，自动找到可引用的案例" })),
      el("li", null, el("a", { href: pageURL({ q: "", filters: emptyFilters(), page: 1, group: false, all: true }), text: "按原文顺序浏览全部文段" }))));
  box.append(panel);
  cachedJSON("/api/facets").then((facets) => {
    for (const t of list(facets.theme).slice(0, 14)) {
      themes.append(el("li", null, el("a", { className: "suggestion", href: href.theme(t.value) },
        el("span", { text: t.value }), el("span", { className: "facet-count", text: String(Number(t.count) || 0) }))));
    }
  }).catch(() => {});
  // Every case of the corpus, in document order, one click away.
  cachedJSON("/api/counties").then((data) => {
    const all = [];
    for (const c of list(data.counties)) {
      for (const cs of list(c.cases)) all.push({ county: c.name, ...cs });
    }
    all.sort((a, b) => (a.doc === b.doc ? a.number - b.number : String(a.doc).localeCompare(String(b.doc))));
    for (const cs of all.slice(0, 24)) {
      cases.append(el("li", null, countyLink(cs.county, "county-link county-badge"),
        el("a", { href: href.passage(cs.first_passage, true), text: cs.title.replace(/^经验[一二三四五六七八九十]+[：:]/, "") })));
    }
    const n = list(data.counties).length;
    const first = panel.querySelector(".welcome-links a");
    if (first && n) first.textContent = `县区一览：${n} 个县区（开发区）的案例与指标`;
  }).catch(() => {});
}

function renderNoResults(state, total, data) {
  const box = $("results");
  clear(box);
  const empty = el("div", { className: "empty" });
  if (total > 0) {
    const first = cloneState(state);
    first.page = 1;
    empty.append(el("p", { className: "empty-title", text: "该页没有内容。" }),
      el("p", null, el("a", { href: pageURL(first), text: "返回第 1 页" })));
    box.append(empty);
    return;
  }
  empty.append(el("p", { className: "empty-title", text: state.q ? `未找到关于“${state.q}”的结果` : "未找到相关结果" }));
  // The query names a place: offer it as a filter, the rest as the query.
  const offers = el("p", { className: "place-offers" });
  const named = (data && data.named_places) || {};
  for (const key of ["city", "county"]) {
    for (const place of list(named[key])) {
      if (state.filters[key].includes(place)) continue;
      const next = cloneState(state);
      next.filters[key].push(place);
      next.page = 1;
      const short = place.replace(/(市|县|区)$/, "");
      next.q = state.q.replace(place, " ").replace(short, " ").replace(/\s+/g, " ").trim();
      offers.append(el("a", { className: "btn btn-small place-offer", href: pageURL(next), text: `筛选：${place}` }));
    }
  }
  if (offers.firstChild) empty.append(el("p", { text: "查询中提到了地名，可以改为按地区筛选：" }), offers);
  if (data && data.places_conflict) empty.append(el("p", { className: "facet-note", text: "所选城市与县区不重叠，请移除其中一项。" }));
  const hints = el("ul", { className: "empty-hints" });
  if (state.q) hints.append(el("li", { text: "请检查关键词是否有误，或换用更简短、更通用的词语。" }));
  if (hasFilters(state)) hints.append(el("li", { text: "可以减少筛选条件后再试。" }));
  if (hints.firstChild) empty.append(hints);
  const suggestions = el("ul", { className: "suggestion-list" });
  empty.append(el("p", { className: "suggestions-title", text: "可以按主题浏览：" }), suggestions);
  box.append(empty);
  cachedJSON("/api/facets").then((facets) => {
    for (const t of list(facets.theme)) {
      suggestions.append(el("li", null, el("a", { className: "suggestion", href: href.theme(t.value) },
        el("span", { text: t.value }), el("span", { className: "facet-count", text: String(Number(t.count) || 0) }))));
    }
  }).catch(() => {});
}

// ---- Pagination

function renderPagination(state, total, size) {
  const nav = $("pagination");
  const pages = Math.max(1, Math.ceil(total / size));
  if (total <= size && state.page === 1) {
    nav.hidden = true;
    return;
  }
  nav.hidden = false;
  $("page-info").textContent = `第 ${state.page} / ${pages} 页`;
  $("prev-page").disabled = state.page <= 1;
  $("next-page").disabled = state.page >= pages;
}

// ---------------------------------------------------------------------
// Events (delegated; no inline handlers)

function onSubmit(event) {
  event.preventDefault();
  const state = currentView() === "search" ? stateFromURL() : { q: "", filters: emptyFilters(), page: 1, group: false, all: false };
  state.q = $("q").value.trim();
  state.page = 1;
  // The focus stays in the search box; the result count is announced
  // through the live region.
  navigate(state);
}

function toggleFilter(state, facet, value) {
  const values = state.filters[facet];
  const at = values.indexOf(value);
  if (at >= 0) values.splice(at, 1);
  else values.push(value);
  state.page = 1;
}

function onFacetsClick(event) {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  if (button.dataset.action === "toggle-facet") {
    // The box shows the click at once; the counts follow with the results.
    button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
    const state = stateFromURL();
    toggleFilter(state, button.dataset.facet, button.dataset.value);
    navigate(state);
  } else if (button.dataset.action === "facet-more") {
    const key = button.dataset.facet;
    if (expandedFacets.has(key)) expandedFacets.delete(key);
    else expandedFacets.add(key);
    const focusKey = currentFocusKey();
    renderFacets(stateFromURL(), lastFacets);
    restoreFocus(focusKey);
  }
}

function onChipsClick(event) {
  const button = event.target.closest("button[data-action='remove-filter']");
  if (!button) return;
  const state = stateFromURL();
  toggleFilter(state, button.dataset.facet, button.dataset.value);
  const item = button.closest("li");
  const next = item && (item.nextElementSibling || item.previousElementSibling);
  if (next) next.querySelector("button").focus();
  else $("results-summary").focus();
  navigate(state);
}

function onClearAll(event) {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
  event.preventDefault();
  event.stopPropagation();
  const state = stateFromURL();
  state.filters = emptyFilters();
  state.page = 1;
  navigate(state, "summary");
}

function onResultsClick(event) {
  const action = event.target.closest("[data-action='toggle-hit']");
  if (!action) return;
  const article = action.closest(".hit");
  const detail = article.querySelector(".hit-detail");
  const open = action.getAttribute("aria-expanded") !== "true";
  action.setAttribute("aria-expanded", open ? "true" : "false");
  action.querySelector(".toggle-text").textContent = open ? "收起全文" : "展开全文";
  detail.hidden = !open;
  article.classList.toggle("is-open", open);
}

function onSortChange() {
  const state = stateFromURL();
  state.sort = $("sort-select").value;
  state.page = 1;
  navigate(state);
}

// "/" anywhere outside a text field puts the cursor in the search box.
function onSlashKey(event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const t = event.target;
  if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
  event.preventDefault();
  const q = $("q");
  q.focus();
  q.select();
}

function onGroupToggle() {
  const state = stateFromURL();
  state.group = $("group-toggle").checked;
  state.page = 1;
  navigate(state);
}

function goToPage(delta) {
  const state = stateFromURL();
  state.page = Math.max(1, state.page + delta);
  navigate(state, "summary");
  $("results-summary").scrollIntoView({ block: "start" });
}

async function loadCountyCities() {
  try {
    const map = await countyCities();
    for (const [county, city] of map) countyCity.set(county, city);
    if (currentView() === "search" && Object.keys(lastFacets).length > 0) renderFacets(stateFromURL(), lastFacets);
  } catch (_) {
    // hits still teach some county -> city pairs
  }
}

async function loadFooterStats() {
  try {
    const h = await fetchJSON("/healthz");
    if (h.passages) $("footer-stats").textContent = ` 当前收录 ${h.documents || 0} 份文档、${h.passages} 个文段。`;
  } catch (_) {
    // optional
  }
}

function init() {
  $("search-form").addEventListener("submit", onSubmit);
  $("facets").addEventListener("click", onFacetsClick);
  $("chips").addEventListener("click", onChipsClick);
  $("clear-all").addEventListener("click", onClearAll);
  $("results").addEventListener("click", onResultsClick);
  $("group-toggle").addEventListener("change", onGroupToggle);
  $("sort-select").addEventListener("change", onSortChange);
  $("error-retry").addEventListener("click", () => {
    if (currentView() === "search") runSearch(lastState || stateFromURL(), "summary");
    else route(true);
  });
  document.addEventListener("keydown", onSlashKey);
  $("prev-page").addEventListener("click", () => goToPage(-1));
  $("next-page").addEventListener("click", () => goToPage(1));
  document.addEventListener("click", onDocumentClick);
  // On narrow screens the filters fold above the results (see style.css).
  $("facets-toggle").addEventListener("click", () => {
    const open = $("facets-toggle").getAttribute("aria-expanded") !== "true";
    $("facets-toggle").setAttribute("aria-expanded", open ? "true" : "false");
    $("facets-toggle").textContent = open ? "收起" : "展开";
    $("facets-panel").classList.toggle("is-open", open);
  });
  window.addEventListener("popstate", () => {
    // A jump to an anchor of the same page (a footnote, the table of
    // contents) is not a new page.
    if (window.location.pathname + window.location.search === routedURL) return;
    route(false);
  });
  initSuggest($("q"), $("suggest-list"), (value) => {
    $("q").value = value;
    $("search-form").requestSubmit();
  });
  // The county map and the footer wait for the first results: they
  // would only compete with them for the server and the network.
  let loaded = false;
  const later = () => {
    if (loaded) return;
    loaded = true;
    loadCountyCities();
    loadFooterStats();
  };
  if (currentView() === "search") document.addEventListener("kb:first-results", later, { once: true });
  else later();
  window.setTimeout(later, 3000); // the search failed: load them anyway
  document.addEventListener("kb:corpus-changed", () => {
    loadFooterStats();
    loadCountyCities();
  });
  route(false);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
