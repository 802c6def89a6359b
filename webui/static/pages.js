// The pages other than search: case / passage, counties, themes,
// indicators; the draft-link and documents pages live in their own files.
// Each page is `async (section, params, app)`: it draws into `section`
// (a fresh element per visit) from the URL parameters.
import {
  el, clear, list, href, fetchJSON, cachedJSON, countyLink, themeChips, copyButton,
  formatValue, headingPath, indicatorAnchor, loading, alertBox, pageLink, hanNumber,
} from "./dom.js";
import { barChart, indicatorFigure, indicatorTitle } from "./chart.js";
import { linkPage } from "./link.js";
import { documentsPage } from "./documents.js";
import { apiDocPage } from "./apidoc.js";

const zh = new Intl.Collator("zh-CN");

// ---------------------------------------------------------------------
// Shared pieces

function breadcrumb(...items) {
  const ol = el("ol");
  items.filter(Boolean).forEach((item, i, all) => {
    const last = i === all.length - 1;
    ol.append(el("li", null, item.url && !last
      ? el("a", { href: item.url, text: item.text })
      : el("span", { text: item.text, "aria-current": last ? "page" : null })));
  });
  return el("nav", { className: "breadcrumb", "aria-label": "位置" }, ol);
}

function pageHead(title, ...extra) {
  return el("header", { className: "page-head" }, el("h1", { className: "page-title", text: title }), ...extra);
}

function printButton() {
  const b = el("button", { type: "button", className: "btn btn-small", text: "打印本页" });
  b.addEventListener("click", () => window.print());
  return b;
}

// A table whose columns sort when their header button is pressed.
// columns: [{label, value(row) -> sortable, cell(row) -> node|string, numeric}]
function sortableTable(caption, columns, rows, initial, onSort) {
  const table = el("table", { className: "data-table sortable" });
  table.append(el("caption", { className: "sr-only", text: `${caption}（点击表头可排序）` }));
  const headRow = el("tr");
  const tbody = el("tbody");
  let sortCol = initial ? initial.col : -1;
  let dir = initial ? initial.dir : 1;

  const draw = () => {
    const sorted = rows.slice();
    if (sortCol >= 0) {
      const c = columns[sortCol];
      sorted.sort((a, b) => {
        const va = c.value(a);
        const vb = c.value(b);
        const d = c.numeric ? (Number(va) || 0) - (Number(vb) || 0) : zh.compare(String(va), String(vb));
        return d * dir;
      });
    }
    if (onSort) onSort(sorted);
    clear(tbody);
    for (const row of sorted) {
      const tr = el("tr", { className: row.highlight ? "is-hi" : null });
      columns.forEach((c, i) => {
        const content = c.cell ? c.cell(row) : String(c.value(row));
        tr.append(el(i === 0 && c.rowHeader ? "th" : "td", { className: c.numeric ? "num" : null, scope: i === 0 && c.rowHeader ? "row" : null }, content));
      });
      tbody.append(tr);
    }
    headRow.querySelectorAll("th").forEach((th, i) => {
      th.setAttribute("aria-sort", i === sortCol ? (dir > 0 ? "ascending" : "descending") : "none");
      const arrow = th.querySelector(".sort-arrow");
      arrow.textContent = i === sortCol ? (dir > 0 ? "▲" : "▼") : "↕";
    });
  };

  columns.forEach((c, i) => {
    const button = el("button", { type: "button", className: "sort-button", dataset: { col: String(i) } },
      el("span", { text: c.label }), el("span", { className: "sort-arrow", "aria-hidden": "true" }));
    button.addEventListener("click", () => {
      if (sortCol === i) dir = -dir;
      else {
        sortCol = i;
        dir = c.numeric && c.descFirst ? -1 : 1;
      }
      draw();
    });
    headRow.append(el("th", { scope: "col", className: c.numeric ? "num" : null }, button));
  });
  table.append(el("thead", null, headRow), tbody);
  draw();
  return el("div", { className: "table-wrap" }, table);
}

// The measure heading ("一是…") is shown apart; drop it from the text.
function bodyText(p) {
  const text = p.text || "";
  if (p.label && text.startsWith(p.label)) {
    return text.slice(p.label.length).replace(/^[。，,：:；;、\s]+/, "");
  }
  return text;
}

// ---------------------------------------------------------------------
// Case / passage page: /?view=case&id=… (or view=passage)

async function passagePage(section, params, app) {
  const id = params.get("id");
  if (!id) throw new Error("缺少文段编号（id）。");
  section.append(loading());
  const data = await fetchJSON(`/api/passages/${encodeURIComponent(id)}`);
  clear(section);
  if (data.case) await renderCase(section, data, app);
  else renderLonePassage(section, data, app);
}

async function renderCase(section, data, app) {
  const cs = data.case;
  const passages = list(cs.passages);
  const current = data.passage.id;
  app.setTitle(cs.title);

  const first = passages[0];
  // The document's headings down to the case, which is named by its number.
  const casePath = first ? list(first.heading_path).slice(0, 2).map((h) => (h === cs.title ? `经验${hanNumber(cs.number)}` : h)) : [];
  section.append(
    breadcrumb({ text: "检索", url: app.searchURL || "/" }, cs.county ? { text: cs.county, url: href.county(cs.county) } : null, { text: `经验${hanNumber(cs.number)}` }),
    pageHead(cs.title,
      el("p", { className: "page-meta" },
        cs.county ? el("span", { className: "meta-item" }, el("span", { className: "meta-label", text: "县区：" }), countyLink(cs.county)) : null,
        cs.city ? el("span", { className: "meta-item" }, el("span", { className: "meta-label", text: "城市：" }), cs.city) : null,
        list(cs.themes).length ? el("span", { className: "meta-item" }, el("span", { className: "meta-label", text: "主题：" }), themeChips(cs.themes)) : null),
      el("p", { className: "page-source" }, el("span", { className: "meta-label", text: "出处：" }),
        [`《${cs.doc_title || data.passage.doc_title}》`, ...casePath].join(" › ")),
      el("div", { className: "cite-box" },
        el("span", { className: "cite-label", text: "引用：" }), el("cite", { className: "cite-text", text: cs.citation }),
        copyButton(cs.citation), printButton())));

  const body = el("article", { className: "case-body", "aria-label": "案例全文" });
  const measures = passages.filter((p) => p.label).length;
  if (measures > 0) body.append(el("p", { className: "case-count", text: `本案例共 ${measures} 项举措` }));
  const similarBox = el("div", { className: "similar-body" });
  for (const p of passages) {
    const isCurrent = p.id === current && p.id !== (first && first.id);
    const block = el("section", { id: `p-${p.id}`, className: "measure" + (p.label ? " has-label" : "") + (isCurrent ? " is-current" : "") });
    const similarBtn = el("button", {
      type: "button", className: "link-button measure-similar",
      text: "类似做法", title: "查找其他县区与本段类似的做法", "aria-label": `查找与「${p.label || "本段"}」类似的其他县区做法`,
    });
    similarBtn.addEventListener("click", () => loadSimilar(similarBox, [{ id: p.id }], p.label || truncateText(bodyText(p), 16), true));
    block.append(el("div", { className: "measure-head" },
      p.label ? el("h2", { className: "measure-title", text: p.label }) : el("span", { className: "measure-intro", text: "概述" }),
      similarBtn));
    if (isCurrent) block.append(el("span", { className: "current-badge", text: "检索命中段落" }));
    block.append(el("p", { className: "measure-text", text: bodyText(p) }));
    body.append(block);
  }
  const policies = [...new Set(passages.flatMap((p) => list(p.policies)))];
  if (policies.length > 0) body.append(policyList(policies));
  const similar = el("aside", { className: "similar", "aria-labelledby": "similar-title" },
    el("h2", { id: "similar-title", className: "section-title", text: "其他县区的类似做法" }), similarBox);
  section.append(el("div", { className: "case-layout" }, body, similar));
  // Practices like the whole case: every passage asks, the answers merge.
  // The "类似做法" button of a measure narrows the panel to that measure.
  loadSimilar(similarBox, passages.map((p) => ({ id: p.id, label: p.label || "概述" })), null, false);

  body.append(await caseNeighbours(data, passages));
}

// The policy documents a case cites (《…》), each a search for the
// passages that cite it too.
function policyList(policies) {
  return el("section", { className: "case-policies", "aria-labelledby": "case-policies-title" },
    el("h2", { id: "case-policies-title", className: "section-title", text: `引用的政策文件（${policies.length}）` }),
    el("ul", { className: "policy-list" }, policies.map((name) => el("li", null,
      el("a", { href: "/?policy=" + encodeURIComponent(name), text: name.startsWith("《") ? name : `《${name}》`,
        title: "查看引用此文件的全部文段" })))));
}

// Links to the passages before and after the case in the document.
async function caseNeighbours(data, passages) {
  const nav = el("nav", { className: "prev-next", "aria-label": "前后内容" });
  if (passages.length === 0) return nav;
  const firstId = passages[0].id;
  const lastId = passages[passages.length - 1].id;
  const neighbour = async (id, side) => {
    if (id === data.passage.id) return data[side];
    try {
      return (await fetchJSON(`/api/passages/${encodeURIComponent(id)}`))[side];
    } catch (_) {
      return null;
    }
  };
  const [prev, next] = await Promise.all([neighbour(firstId, "prev"), neighbour(lastId, "next")]);
  appendPrevNext(nav, prev, next);
  return nav;
}

function appendPrevNext(nav, prev, next) {
  if (prev) nav.append(el("a", { href: href.passage(prev.id, false), className: "prev-link", rel: "prev" },
    el("span", { className: "pn-label", text: "‹ 上一部分" }), el("span", { className: "pn-title", text: prev.label || prev.title })));
  else nav.append(el("span"));
  if (next) nav.append(el("a", { href: href.passage(next.id, false), className: "next-link", rel: "next" },
    el("span", { className: "pn-label", text: "下一部分 ›" }), el("span", { className: "pn-title", text: next.label || next.title })));
}

// Fills the similar-practices panel. targets: the passages to compare,
// [{id, label}] (one measure, or every passage of the case); with several, the answers are
// merged per case of the other county, strongest first.
async function loadSimilar(box, targets, label, scroll) {
  clear(box);
  const intro = !label ? "与本案例各项举措类似的做法：" : label === "本段" ? "与本段类似的做法：" : `与「${label}」类似的做法：`;
  box.append(el("p", { className: "similar-for", text: intro }));
  const status = loading("正在查找类似做法…");
  box.append(status);
  const panel = box.parentElement;
  if (scroll && panel) {
    // Bring the top of the panel into view (it may be above or below).
    const r = panel.getBoundingClientRect();
    if (r.top < 0 || r.top > window.innerHeight * 0.7) panel.scrollIntoView({ block: "start" });
  }
  const answers = await Promise.all(targets.map((t) =>
    fetchJSON(`/api/passages/${encodeURIComponent(t.id)}/similar?size=5`).then((d) => ({ ...t, items: list(d.similar) }), (err) => ({ ...t, err }))));
  status.remove();
  if (answers.every((a) => a.err)) {
    box.append(alertBox(answers[0].err.message));
    return;
  }
  if (scroll && panel) {
    const h = panel.querySelector("h2");
    h.setAttribute("tabindex", "-1");
    h.focus({ preventScroll: true });
  }
  const items = mergeSimilar(answers).slice(0, 5);
  if (items.length === 0) {
    // Only offers with specific shared evidence come back: none is an answer.
    box.append(el("p", { className: "muted similar-none", text: "暂无类似做法：其他县区的案例与此没有足够具体的共同点。" }));
    return;
  }
  const ul = el("ul", { className: "similar-list" });
  for (const s of items) {
    const shared = el("p", { className: "shared" });
    if (s.concepts.length) shared.append(el("span", { className: "shared-label", text: "共同概念：" }), ...s.concepts.map((c) => el("span", { className: "term is-concept", text: c })));
    if (s.terms.length) shared.append(el("span", { className: "shared-label", text: "共同词语：" }), ...s.terms.slice(0, 8).map((t) => el("span", { className: "term", text: t })));
    ul.append(el("li", { className: "similar-item" },
      el("p", { className: "similar-head" },
        s.county ? countyLink(s.county, "county-link county-badge") : null,
        el("a", { href: href.passage(s.id, Boolean(s.case)), className: "similar-title", text: s.case ? s.case.title : s.title })),
      s.label ? el("p", { className: "similar-label", text: s.label }) : null,
      el("p", { className: "similar-text", text: truncateText(bodyText(s), 90) }),
      s.from ? el("p", { className: "similar-from muted small", text: `对应本案例：${s.from}` }) : null,
      shared.childNodes.length ? shared : null));
  }
  box.append(ul);
}

// One entry per case of another county (or per passage outside cases):
// scores add up, the best passage represents the case, shared words unite.
function mergeSimilar(answers) {
  const byKey = new Map();
  const labels = answers.length > 1 ? new Map() : null;
  for (const a of answers) {
    for (const s of a.items || []) {
      const key = s.case ? `${s.doc}#${s.case.number}` : s.id;
      const score = Number(s.score) || 0;
      let m = byKey.get(key);
      if (!m) {
        m = { ...s, total: 0, best: -1, terms: [], concepts: [], from: null };
        byKey.set(key, m);
      }
      m.total += score;
      if (score > m.best) {
        Object.assign(m, { id: s.id, label: s.label, text: s.text, title: s.title, best: score });
        if (labels) m.from = a.label;
      }
      for (const t of list(s.terms)) if (!m.terms.includes(t)) m.terms.push(t);
      for (const c of list(s.concepts)) if (!m.concepts.includes(c)) m.concepts.push(c);
    }
  }
  return [...byKey.values()].sort((x, y) => y.total - x.total);
}

function truncateText(text, n) {
  const chars = Array.from(text || "");
  return chars.length > n ? chars.slice(0, n).join("") + "…" : text;
}

function renderLonePassage(section, data, app) {
  const p = data.passage;
  const similarBox = el("div", { className: "similar-body" });
  const nav = el("nav", { className: "prev-next", "aria-label": "前后内容" });
  appendPrevNext(nav, data.prev, data.next);
  app.setTitle(p.label || p.title);
  section.append(
    breadcrumb({ text: "检索", url: app.searchURL || "/" }, { text: p.title || "文段" }),
    pageHead(p.label || p.title || "文段",
      el("p", { className: "page-meta" },
        list(p.counties).length ? el("span", { className: "meta-item" }, el("span", { className: "meta-label", text: "县区：" }),
          list(p.counties).flatMap((c, i) => (i ? ["、", countyLink(c)] : [countyLink(c)]))) : null,
        list(p.cities).length ? el("span", { className: "meta-item" }, el("span", { className: "meta-label", text: "城市：" }), list(p.cities).join("、")) : null,
        p.kind ? el("span", { className: "kind-badge", text: p.kind }) : null,
        themeChips(p.themes)),
      el("p", { className: "page-source" }, el("span", { className: "meta-label", text: "出处：" }), headingPath(p)),
      el("div", { className: "cite-box" },
        el("span", { className: "cite-label", text: "引用：" }), el("cite", { className: "cite-text", text: p.citation }),
        copyButton(p.citation), printButton())),
    el("div", { className: "case-layout" },
      el("article", { className: "case-body" }, el("section", { id: `p-${p.id}`, className: "measure" },
        el("p", { className: "measure-text", text: p.text || "" })),
      list(p.policies).length ? policyList(list(p.policies)) : null, nav),
      el("aside", { className: "similar", "aria-labelledby": "similar-title" },
        el("h2", { id: "similar-title", className: "section-title", text: "其他县区的类似做法" }), similarBox)));

  loadSimilar(similarBox, [{ id: p.id }], "本段", false);
}

// ---------------------------------------------------------------------
// Counties: /?view=counties and /?view=county&name=…

async function countiesPage(section, params, app) {
  app.setTitle("县区");
  section.append(breadcrumb({ text: "首页", url: "/" }, { text: "县区" }),
    pageHead("县区一览", el("p", { className: "page-lead", text: "各示范县（开发区）的经验案例与指标，按所属地级市分组。" })));
  const status = loading();
  section.append(status);
  const data = await cachedJSON("/api/counties");
  status.remove();
  const byCity = new Map();
  for (const c of list(data.counties)) {
    const city = c.city || "其他";
    if (!byCity.has(city)) byCity.set(city, []);
    byCity.get(city).push(c);
  }
  // The API lists counties in administrative order (the gazetteer's), so
  // the cities and their counties come in that order too.
  const cities = [...byCity.keys()];
  const grid = el("div", { className: "city-grid" });
  for (const city of cities) {
    const counties = byCity.get(city);
    grid.append(el("section", { className: "city-card", "aria-label": city },
      el("h2", { className: "city-name", text: city }),
      el("ul", { className: "county-list" }, counties.map((c) => el("li", { className: "county-item" },
        el("p", { className: "county-line" }, countyLink(c.name, "county-link county-name"),
          el("span", { className: "muted small", text: ` ${list(c.cases).length} 个案例 · ${list(c.indicators).length} 项指标` })),
        list(c.cases).map((cs) => el("p", { className: "county-case" },
          el("a", { href: href.passage(cs.first_passage, true), text: cs.title }))))))));
  }
  section.append(grid);
  if (cities.length === 0) {
    section.append(el("p", { className: "muted", text: "知识库中还没有县区资料。" }));
    return;
  }
  section.append(await countyMatrix(list(data.counties)));
}

// All counties against all indicators: value and rank, sortable by any column.
async function countyMatrix(counties) {
  const box = el("section", { className: "page-section", "aria-labelledby": "matrix-title" },
    el("h2", { id: "matrix-title", className: "section-title", text: "指标总览" }),
    el("p", { className: "muted small", text: "每格为数值，括号内为在同批县区中的排名；点击表头排序，点击县区名查看详情。" }));
  let tables;
  try {
    tables = list((await cachedJSON("/api/indicators")).indicators);
  } catch (err) {
    box.append(alertBox(err.message));
    return box;
  }
  if (tables.length === 0) return box;
  const rows = counties.map((c) => {
    const row = { name: c.name, city: c.city, cells: {} };
    for (const t of tables) {
      const r = list(t.rows).find((x) => x.county === c.name);
      if (r) row.cells[t.name] = r;
    }
    return row;
  });
  const columns = [
    { label: "县区", value: (r) => r.name, cell: (r) => countyLink(r.name), rowHeader: true },
    { label: "所属市", value: (r) => r.city || "" },
    ...tables.map((t) => ({
      label: t.name + (t.unit ? `（${t.unit}）` : ""),
      numeric: true,
      descFirst: true,
      value: (r) => (r.cells[t.name] ? r.cells[t.name].value : -Infinity),
      cell: (r) => {
        const c = r.cells[t.name];
        if (!c) return "—";
        return el("span", { className: "matrix-cell" }, formatValue(c.value, t.unit === "%" ? "%" : ""),
          el("span", { className: "matrix-rank" + (c.rank <= 3 ? " is-top" : ""), text: `(${c.rank})` }));
      },
    })),
  ];
  box.append(el("div", { className: "matrix" }, sortableTable("各县区指标总览", columns, rows)));
  return box;
}

async function countyPage(section, params, app) {
  const name = (params.get("name") || "").trim();
  if (!name) return countiesPage(section, params, app);
  section.append(loading());
  const [data, all] = await Promise.all([
    fetchJSON(`/api/counties/${encodeURIComponent(name)}`),
    cachedJSON("/api/indicators").catch(() => ({ indicators: [] })),
  ]);
  clear(section);
  app.setTitle(data.name);
  const cases = list(data.cases);
  const inds = list(data.indicators);
  section.append(
    breadcrumb({ text: "首页", url: "/" }, { text: "县区", url: href.counties() }, { text: data.name }),
    pageHead(data.name,
      el("p", { className: "page-meta" },
        data.city ? el("span", { className: "meta-item" }, el("span", { className: "meta-label", text: "所属市：" }), data.city) : null,
        el("span", { className: "meta-item", text: `${cases.length} 个案例 · ${inds.length} 项指标` }),
        el("a", { href: "/?county=" + encodeURIComponent(data.name), className: "meta-item no-print", text: "检索本县区的全部文段 ›" }),
        printButton())));

  const caseSection = el("section", { className: "page-section", "aria-labelledby": "county-cases" },
    el("h2", { id: "county-cases", className: "section-title", text: "经验案例" }));
  if (cases.length === 0) caseSection.append(el("p", { className: "muted", text: "本县区暂无收录的经验案例。" }));
  else {
    caseSection.append(el("ul", { className: "case-list" }, cases.map((cs) => el("li", { className: "case-card" },
      el("a", { href: href.passage(cs.first_passage, true), className: "case-link", text: cs.title }),
      el("p", { className: "case-card-meta" }, el("span", { className: "muted", text: `${cs.passages} 段` }), themeChips(cs.themes))))));
  }
  section.append(caseSection);

  if (inds.length === 0) return;
  const tables = new Map(list(all.indicators).map((t) => [t.name, t]));
  const chartSection = el("section", { className: "page-section", "aria-labelledby": "county-charts" },
    el("h2", { id: "county-charts", className: "section-title", text: "主要指标与排名" }),
    el("p", { className: "muted small", text: `深色柱为${data.name}；其余为同批示范县（开发区）。` }));
  const grid = el("div", { className: "chart-grid" });
  for (const ind of inds) {
    const table = tables.get(ind.name);
    const head = el("div", { className: "chart-card-head" },
      el("h3", { className: "chart-card-title" }, el("a", { href: href.indicators(ind.name), text: ind.name })),
      el("p", { className: "rank-line" },
        el("strong", { className: "rank-value", text: formatValue(ind.value, ind.unit) }),
        el("span", { className: "rank-badge", text: `第 ${ind.rank} / ${ind.out_of} 名` })));
    grid.append(el("div", { className: "chart-card" }, head,
      table ? indicatorFigure(table, { highlight: data.name, caption: false, compact: true }) : null));
  }
  chartSection.append(grid);
  section.append(chartSection);

  const rows = inds.map((ind) => {
    const t = tables.get(ind.name);
    const values = t ? list(t.rows).map((r) => Number(r.value) || 0) : [];
    const leaders = t ? list(t.rows).filter((r) => r.rank === 1) : [];
    // The median: one large county would drag a mean far from every other.
    const med = median(values);
    const sum = values.reduce((a, b) => a + b, 0);
    const top = Math.max(...values);
    const dominant = ind.unit !== "%" && values.length > 2 && sum > 0 && top / sum >= 0.5 ? leaders[0] : null;
    return { ...ind, med: med === null ? null : Math.round(med * 10) / 10, leaders, dominant, share: dominant ? top / sum : 0 };
  });
  section.append(el("section", { className: "page-section", "aria-labelledby": "county-table" },
    el("h2", { id: "county-table", className: "section-title", text: "指标对比表" }),
    sortableTable(`${data.name}的指标`, [
      { label: "指标", value: (r) => r.name, cell: (r) => el("a", { href: href.indicators(r.name), text: r.name }), rowHeader: true },
      { label: `${data.name}`, value: (r) => r.value, cell: (r) => formatValue(r.value, r.unit), numeric: true, descFirst: true },
      { label: "排名", value: (r) => r.rank, cell: (r) => `第 ${r.rank} / ${r.out_of} 名`, numeric: true },
      { label: "最高（县区）", value: (r) => (r.leaders.length ? r.leaders[0].value : 0), cell: leaderCell, numeric: true, descFirst: true },
      { label: "中位数", value: (r) => r.med, cell: medianCell, numeric: true, descFirst: true },
    ], rows)));
}

function median(values) {
  if (values.length === 0) return null;
  const v = values.slice().sort((a, b) => a - b);
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

// The median, and a warning when one county holds half the total or more.
function medianCell(r) {
  if (r.med === null) return "—";
  const text = formatValue(r.med, r.unit);
  if (!r.dominant) return text;
  return el("span", null, text, el("span", { className: "dominant-note", text: `（${r.dominant.county}占合计 ${Math.round(r.share * 100)}%）` }));
}

// "100%（定襄县等 4 个县区）": the top value and who holds it.
function leaderCell(r) {
  if (r.leaders.length === 0) return "—";
  const who = r.leaders.length === 1 ? r.leaders[0].county : `${r.leaders[0].county}等 ${r.leaders.length} 个县区`;
  return `${formatValue(r.leaders[0].value, r.unit)}（${who}）`;
}

// ---------------------------------------------------------------------
// Themes: /?view=themes and /?view=theme&name=…

// All passages of kind 经验 (the county practices), fetched page by page.
async function practices(extra) {
  const out = [];
  for (let page = 1; page <= 10; page++) {
    const data = await fetchJSON(`/api/search?kind=${encodeURIComponent("经验")}&size=100&page=${page}${extra || ""}`);
    out.push(...list(data.hits));
    if (out.length >= (Number(data.total) || 0) || list(data.hits).length === 0) break;
  }
  return out;
}

async function themesPage(section, params, app) {
  app.setTitle("主题");
  section.append(breadcrumb({ text: "首页", url: "/" }, { text: "主题" }),
    pageHead("主题一览", el("p", { className: "page-lead", text: "按主题浏览各县区的做法；数字为相关文段数。" })));
  const status = loading();
  section.append(status);
  const [facets, hits] = await Promise.all([cachedJSON("/api/facets"), practices().catch(() => [])]);
  status.remove();
  const counties = new Map(); // theme -> Set of counties with practices
  for (const h of hits) {
    for (const t of list(h.themes)) {
      if (!counties.has(t)) counties.set(t, new Set());
      if (h.county) counties.get(t).add(h.county);
    }
  }
  const grid = el("ul", { className: "theme-grid" });
  for (const t of list(facets.theme)) {
    const cs = [...(counties.get(t.value) || [])].sort(zh.compare);
    grid.append(el("li", { className: "theme-card" },
      el("a", { href: href.theme(t.value), className: "theme-name", text: t.value }),
      el("p", { className: "muted small", text: `${t.count} 个文段` + (cs.length ? ` · ${cs.length} 个县区有做法` : "") }),
      cs.length ? el("p", { className: "theme-counties", text: cs.join("、") }) : null));
  }
  section.append(grid);
}

async function themePage(section, params, app) {
  const name = (params.get("name") || "").trim();
  if (!name) return themesPage(section, params, app);
  app.setTitle(`主题：${name}`);
  const lead = el("p", { className: "page-lead theme-description" });
  section.append(
    breadcrumb({ text: "首页", url: "/" }, { text: "主题", url: href.themes() }, { text: name }),
    pageHead(`主题：${name}`, lead));
  cachedJSON("/api/themes").then((data) => {
    const th = list(data.themes).find((x) => x.name === name);
    if (th && th.description) lead.textContent = th.description;
    else lead.remove();
  }).catch(() => lead.remove());
  const status = loading();
  section.append(status);
  const hits = await practices(`&theme=${encodeURIComponent(name)}`);
  status.remove();
  const byCounty = new Map();
  for (const h of hits) {
    const county = h.county || "未注明县区";
    if (!byCounty.has(county)) byCounty.set(county, new Map());
    const key = h.case ? h.case.number : h.id;
    const cases = byCounty.get(county);
    if (!cases.has(key)) cases.set(key, { title: h.case ? h.case.title : h.title, first: h.id, items: [] });
    cases.get(key).items.push(h);
  }
  const counties = [...byCounty.entries()].sort((a, b) => count(b[1]) - count(a[1]) || zh.compare(a[0], b[0]));
  section.append(el("p", { className: "page-lead", role: "status", text: hits.length
    ? `${counties.length} 个县区的 ${hits.length} 段做法涉及「${name}」。`
    : `暂无标注为「${name}」的县区做法。` }),
  el("p", { className: "small" }, el("a", { href: "/?theme=" + encodeURIComponent(name), text: `在检索中查看「${name}」的全部文段（含成效、问题展望等）›` })));

  const wrap = el("div", { className: "theme-groups" });
  for (const [county, cases] of counties) {
    const group = el("section", { className: "theme-group", "aria-label": county },
      el("h2", { className: "theme-county" }, county === "未注明县区" ? county : countyLink(county),
        el("span", { className: "muted small", text: ` ${count(cases)} 段` })));
    for (const cs of cases.values()) {
      const ul = el("ul", { className: "theme-measures" });
      for (const h of cs.items) {
        ul.append(el("li", null, el("a", { href: href.passage(h.id, Boolean(h.case)), text: h.label || truncateText(h.text, 36) })));
      }
      group.append(el("div", { className: "theme-case" },
        el("h3", { className: "theme-case-title" }, el("a", { href: href.passage(cs.first, true), text: cs.title })), ul));
    }
    wrap.append(group);
  }
  section.append(wrap);

  // The report's other passages on the theme (results, problems, outlook).
  const other = await fetchJSON(`/api/search?theme=${encodeURIComponent(name)}&size=20`).catch(() => null);
  const rest = other ? list(other.hits).filter((h) => h.kind !== "经验") : [];
  if (rest.length > 0) {
    section.append(el("section", { className: "page-section", "aria-labelledby": "theme-other" },
      el("h2", { id: "theme-other", className: "section-title", text: "报告中的相关论述" }),
      el("ul", { className: "other-passages" }, rest.map((h) => el("li", null,
        el("a", { href: href.passage(h.id, Boolean(h.case)), text: h.label || h.title }),
        el("span", { className: "kind-badge", text: h.kind }),
        el("p", { className: "muted small", text: truncateText(bodyText(h), 110) }))))));
  }
}

function count(cases) {
  let n = 0;
  for (const c of cases.values()) n += c.items.length;
  return n;
}

// ---------------------------------------------------------------------
// Indicators: /?view=indicators

async function indicatorsPage(section, params, app) {
  app.setTitle("指标");
  section.append(breadcrumb({ text: "首页", url: "/" }, { text: "指标" }));
  const status = loading();
  section.append(status);
  const data = await cachedJSON("/api/indicators");
  status.remove();
  const tables = list(data.indicators);
  const source = tables.find((t) => t.doc_title);
  section.append(pageHead("分县指标对比",
    el("p", { className: "page-lead", text: `${tables.length} 张指标表${source ? `，数据来自《${source.doc_title}》` : ""}。点击表头可排序。` })));
  const toc = el("nav", { className: "toc", "aria-label": "指标目录" },
    el("ul", null, tables.map((t) => el("li", null, el("a", { href: "#" + indicatorAnchor(t.name), text: t.name })))));
  section.append(toc);
  for (const t of tables) {
    const isPercent = t.unit === "%" || t.unit === "％";
    const block = el("section", { id: indicatorAnchor(t.name), className: "indicator-block", "aria-labelledby": indicatorAnchor(t.name) + "-h" },
      el("h2", { id: indicatorAnchor(t.name) + "-h", className: "section-title", text: indicatorTitle(t) }),
      t.caption || !isPercent ? el("p", { className: "muted small" },
        t.caption ? `原表：${t.caption}` : "",
        !isPercent && t.total ? `${t.caption ? "；" : ""}合计 ${formatValue(t.total, t.unit)}` : "") : null);
    const rows = list(t.rows).map((r) => ({ ...r }));
    // The chart shows the rows in the order the table is sorted.
    const chartBox = el("div", { className: "chart-box" });
    const redraw = (sorted) => barChart(chartBox, {
      title: indicatorTitle(t), unit: t.unit, rows: sorted.map((r) => ({ label: r.county, value: r.value, href: href.county(r.county) })),
    });
    block.append(el("div", { className: "indicator-layout" },
      el("figure", { className: "chart-figure" }, chartBox),
      sortableTable(t.name, [
        { label: "排名", value: (r) => r.rank, numeric: true },
        { label: "县区", value: (r) => r.county, cell: (r) => countyLink(r.county) },
        { label: "所属市", value: (r) => r.city || "" },
        { label: "数值", value: (r) => r.value, cell: (r) => formatValue(r.value, t.unit), numeric: true, descFirst: true },
      ], rows, { col: 0, dir: 1 }, (sorted) => requestAnimationFrame(() => redraw(sorted)))));
    section.append(block);
  }
}

// ---------------------------------------------------------------------

function notFoundPage(section, params, app) {
  app.setTitle("页面不存在");
  section.append(pageHead("页面不存在"), el("p", null, "地址中的页面名称无法识别。", pageLink("/", "返回检索首页")));
}

export const PAGES = {
  case: passagePage,
  passage: passagePage,
  counties: countiesPage,
  county: countyPage,
  themes: themesPage,
  theme: themePage,
  indicators: indicatorsPage,
  link: linkPage,
  documents: documentsPage,
  api: apiDocPage,
  notfound: notFoundPage,
};

