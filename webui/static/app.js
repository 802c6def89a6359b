// Browser interface of the knowledge base.
//
// Rules kept throughout this file (the page runs under CSP default-src 'self'):
//   * no inline handlers, no eval, no HTML strings built from data;
//   * every server string goes in with textContent, except hit.snippet,
//     which the server delivers already escaped apart from <mark> tags.
//
// The query state (q, facet filters, page) lives in the URL query string so
// that a link can be shared; it is restored on load and on popstate.
(function () {
  "use strict";

  const PAGE_SIZE = 10;

  // Facets in display order. `key` is both the query parameter and the key
  // of the facets object returned by the API.
  const FACETS = [
    { key: "city", label: "城市" },
    { key: "county", label: "县区" },
    { key: "theme", label: "主题" },
    { key: "kind", label: "类型" },
  ];

  // How many values a facet shows before "展开全部" is needed.
  const FACET_COLLAPSED_LIMIT = 8;

  // Facets the user has expanded (kept across re-renders).
  const expandedFacets = new Set();

  // Current request, so that a newer search can cancel an older one.
  let inFlight = null;

  // Facets of the last search response.
  let lastFacets = {};

  // Whole-corpus facets, fetched once for the "no results" suggestions.
  let corpusFacetsPromise = null;

  // ---------------------------------------------------------------------
  // Small DOM helpers

  const $ = (id) => document.getElementById(id);

  // el("span", {className: "x", text: "..."}, child, ...) creates an element.
  // `text` always goes through textContent; attributes through setAttribute.
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      for (const [name, value] of Object.entries(props)) {
        if (value === undefined || value === null || value === false) continue;
        if (name === "text") node.textContent = String(value);
        else if (name === "className") node.className = value;
        else if (name === "dataset") Object.assign(node.dataset, value);
        else node.setAttribute(name, value === true ? "" : String(value));
      }
    }
    for (const child of children) {
      if (child !== null && child !== undefined && child !== false) node.append(child);
    }
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  // Focus is restored by a data-focus-key after a container is re-rendered,
  // so that toggling a facet does not throw keyboard users back to the top.
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
  // State <-> URL

  function emptyFilters() {
    const filters = {};
    for (const f of FACETS) filters[f.key] = [];
    return filters;
  }

  function stateFromURL() {
    const params = new URLSearchParams(window.location.search);
    const filters = emptyFilters();
    for (const f of FACETS) {
      // Drop blanks and duplicates that a hand-edited URL might contain.
      filters[f.key] = [...new Set(params.getAll(f.key).map((v) => v.trim()).filter(Boolean))];
    }
    const page = parseInt(params.get("page") || "1", 10);
    return {
      q: (params.get("q") || "").trim(),
      filters,
      page: Number.isFinite(page) && page > 0 ? page : 1,
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
    return params;
  }

  function pageURL(state) {
    const qs = stateParams(state).toString();
    return window.location.pathname + (qs ? "?" + qs : "");
  }

  // Moves the app to a new state: records it in history and runs the search.
  // Re-submitting the same state replaces the entry instead of stacking it.
  function navigate(state, focusAfter) {
    const url = pageURL(state);
    const current = window.location.pathname + window.location.search;
    if (url === current) window.history.replaceState(null, "", url);
    else window.history.pushState(null, "", url);
    runSearch(state, focusAfter);
  }

  function hasFilters(state) {
    return FACETS.some((f) => state.filters[f.key].length > 0);
  }

  function cloneState(state) {
    const filters = {};
    for (const f of FACETS) filters[f.key] = state.filters[f.key].slice();
    return { q: state.q, filters, page: state.page };
  }

  // ---------------------------------------------------------------------
  // API access

  // Fetches JSON; throws an Error whose message is suitable for the user.
  async function fetchJSON(url, signal) {
    let response;
    try {
      response = await fetch(url, { signal, headers: { Accept: "application/json" } });
    } catch (err) {
      if (err.name === "AbortError") throw err;
      throw new Error("无法连接服务器，请检查网络后重试。");
    }
    let body = null;
    try {
      body = await response.json();
    } catch (_) {
      body = null;
    }
    if (!response.ok) {
      const message = body && typeof body.error === "string" && body.error
        ? body.error
        : `请求失败（HTTP ${response.status}）。`;
      throw new Error(message);
    }
    if (!body || typeof body !== "object") throw new Error("服务器返回的数据无法解析。");
    return body;
  }

  function corpusFacets() {
    if (!corpusFacetsPromise) {
      corpusFacetsPromise = fetchJSON("/api/facets").catch((err) => {
        corpusFacetsPromise = null; // allow a retry next time
        throw err;
      });
    }
    return corpusFacetsPromise;
  }

  // ---------------------------------------------------------------------
  // Search flow

  async function runSearch(state, focusAfter) {
    if (inFlight) inFlight.abort();
    const controller = new AbortController();
    inFlight = controller;

    $("q").value = state.q;
    document.title = state.q
      ? `${state.q} - 县域中小企业发展经验知识库`
      : "县域中小企业发展经验知识库";
    setBusy(true);

    const params = stateParams(state);
    params.set("page", String(state.page));
    params.set("size", String(PAGE_SIZE));

    try {
      const data = await fetchJSON("/api/search?" + params.toString(), controller.signal);
      if (controller !== inFlight) return;
      hideError();
      render(state, data);
      if (focusAfter === "summary") $("results-summary").focus();
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
    const box = $("error");
    box.textContent = message;
    box.hidden = false;
  }

  function hideError() {
    const box = $("error");
    box.hidden = true;
    box.textContent = "";
  }

  // ---------------------------------------------------------------------
  // Rendering: everything below builds DOM nodes, never HTML strings
  // (the snippet is the only exception, see renderSnippet).

  function render(state, data) {
    const focusKey = currentFocusKey();
    const hits = Array.isArray(data.hits) ? data.hits : [];
    const total = Number(data.total) || 0;

    renderFacets(state, data.facets || {});
    renderChips(state);
    renderSummary(total, data.took_ms);
    if (hits.length > 0) renderHits(hits);
    else renderNoResults(state, total);
    renderPagination(state, total, Number(data.size) || PAGE_SIZE);

    restoreFocus(focusKey, $("results-summary"));
  }

  // After an API error: keep the filters usable, empty the result list.
  // Facets of the last good response stay; on a first-load failure the
  // whole-corpus facets are used so the user can still browse.
  function renderFailure(state) {
    renderChips(state);
    $("results-summary").textContent = "检索未完成";
    clear($("results"));
    $("pagination").hidden = true;
    if ($("facets").firstChild) {
      renderFacets(state, lastFacets);
      return;
    }
    renderFacets(state, {});
    corpusFacets()
      .then((facets) => renderFacets(stateFromURL(), facets))
      .catch(() => {});
  }

  function renderSummary(total, tookMs) {
    const took = Number(tookMs);
    const tookText = Number.isFinite(took) ? formatMs(took) : "—";
    $("results-summary").textContent = `共 ${total} 条结果（用时 ${tookText} 毫秒）`;
  }

  // 0.4 -> "0.40", 12.345 -> "12.3", 250.7 -> "251".
  function formatMs(ms) {
    if (ms < 10) return ms.toFixed(2);
    if (ms < 100) return ms.toFixed(1);
    return ms.toFixed(0);
  }

  // ---- Facets

  function renderFacets(state, facets) {
    lastFacets = facets; // kept for local re-renders (展开全部 / 收起)
    const container = $("facets");
    clear(container);
    for (const facet of FACETS) {
      container.append(renderFacetGroup(facet, facetValues(facet, state, facets)));
    }
  }

  // Server values plus any selected value the server does not report
  // (count unknown), so that a selection can always be undone from the list.
  function facetValues(facet, state, facets) {
    const list = Array.isArray(facets[facet.key]) ? facets[facet.key] : [];
    const values = list
      .filter((item) => item && item.value)
      .map((item) => ({ value: String(item.value), count: Number(item.count) || 0 }));
    const known = new Set(values.map((v) => v.value));
    for (const selected of state.filters[facet.key]) {
      if (!known.has(selected)) values.push({ value: selected, count: null });
    }
    return values.map((v) => ({ ...v, selected: state.filters[facet.key].includes(v.value) }));
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
    const list = el("ul", { className: "facet-list" });
    values.forEach((item, index) => {
      // Selected values stay visible even when the list is collapsed.
      const hidden = !expanded && index >= FACET_COLLAPSED_LIMIT && !item.selected;
      if (!hidden) list.append(el("li", null, facetButton(facet, item)));
    });
    group.append(list);

    if (values.length > FACET_COLLAPSED_LIMIT) {
      group.append(el("button", {
        type: "button",
        className: "facet-more",
        "aria-expanded": expanded ? "true" : "false",
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
      dataset: {
        action: "toggle-facet",
        facet: facet.key,
        value: item.value,
        focusKey: `facet:${facet.key}:${item.value}`,
      },
    },
    el("span", { className: "facet-check", "aria-hidden": "true" }),
    el("span", { className: "facet-value", text: item.value }),
    item.count === null ? null : el("span", { className: "facet-count", text: String(item.count) }));
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
        }, el("span", { className: "chip-x", "aria-hidden": "true", text: "×" }), ` ${value}`)));
      }
    }
    $("active-filters").hidden = !hasFilters(state);
    const cleared = cloneState(state);
    cleared.filters = emptyFilters();
    cleared.page = 1;
    $("clear-all").href = pageURL(cleared);
  }

  // ---- Hits

  function renderHits(hits) {
    const list = $("results");
    clear(list);
    const ol = el("ol", { className: "hits" });
    hits.forEach((hit, index) => ol.append(el("li", null, renderHit(hit, index))));
    list.append(ol);
  }

  function renderHit(hit, index) {
    const detailId = `hit-detail-${index}`;
    const article = el("article", { className: "hit", dataset: { action: "toggle-hit" } });

    const toggle = el("button", {
      type: "button",
      className: "hit-title",
      "aria-expanded": "false",
      "aria-controls": detailId,
      dataset: { action: "toggle-hit" },
    },
    el("span", { className: "hit-caret", "aria-hidden": "true" }),
    el("span", { text: hit.title || "（无标题）" }));
    article.append(el("h3", { className: "hit-heading" }, toggle));

    article.append(renderMeta(hit));

    const path = headingPath(hit);
    if (path) article.append(el("p", { className: "hit-path", text: path }));

    article.append(renderSnippet(hit));
    article.append(renderDetail(hit, detailId));
    return article;
  }

  function renderMeta(hit) {
    const meta = el("p", { className: "hit-meta" });
    const counties = Array.isArray(hit.counties) && hit.counties.length > 0
      ? hit.counties.join("、")
      : hit.county;
    const cities = Array.isArray(hit.cities) && hit.cities.length > 0
      ? hit.cities.join("、")
      : hit.city;
    const parts = [counties, cities, hit.kind].filter(Boolean);
    if (parts.length > 0) meta.append(el("span", { className: "hit-place", text: parts.join(" · ") }));

    const themes = Array.isArray(hit.themes) ? hit.themes.filter(Boolean) : [];
    if (themes.length > 0) {
      const tags = el("span", { className: "tags" });
      tags.append(el("span", { className: "sr-only", text: "主题：" }));
      for (const theme of themes) tags.append(el("span", { className: "tag", text: theme }));
      meta.append(tags);
    }
    return meta;
  }

  function headingPath(hit) {
    if (Array.isArray(hit.heading_path) && hit.heading_path.length > 0) {
      return hit.heading_path.filter(Boolean).join(" › ");
    }
    return hit.heading || "";
  }

  // The snippet is server-produced HTML in which everything except
  // <mark>…</mark> is already escaped; this is the only innerHTML use.
  function renderSnippet(hit) {
    const p = el("p", { className: "hit-snippet" });
    if (hit.snippet) p.innerHTML = hit.snippet;
    else p.textContent = truncate(hit.text || "", 160);
    return p;
  }

  function renderDetail(hit, detailId) {
    const detail = el("div", { className: "hit-detail", id: detailId, hidden: true });
    detail.append(el("div", { className: "hit-text", text: hit.text || "" }));

    if (hit.citation) {
      const status = el("span", { className: "copy-status", role: "status" });
      detail.append(el("div", { className: "hit-cite" },
        el("span", { className: "cite-label", text: "引用：" }),
        el("cite", { className: "cite-text", text: hit.citation }),
        el("button", {
          type: "button",
          className: "btn btn-small",
          dataset: { action: "copy-citation", citation: hit.citation },
          text: "复制引用",
        }),
        status));
    }
    return detail;
  }

  function truncate(text, max) {
    const chars = Array.from(text);
    return chars.length > max ? chars.slice(0, max).join("") + "…" : text;
  }

  // ---- No results

  function renderNoResults(state, total) {
    const box = $("results");
    clear(box);
    const empty = el("div", { className: "empty" });

    // A page past the end (e.g. from an old link) is not "no results".
    if (total > 0) {
      const first = cloneState(state);
      first.page = 1;
      empty.append(el("p", { className: "empty-title", text: "该页没有内容。" }),
        el("p", null, el("a", { href: pageURL(first), dataset: { action: "first-page" }, text: "返回第 1 页" })));
      box.append(empty);
      return;
    }

    empty.append(el("p", { className: "empty-title", text: "未找到相关结果" }));
    const hints = el("ul", { className: "empty-hints" });
    if (state.q) hints.append(el("li", { text: "请检查关键词是否有误，或换用更简短、更通用的词语。" }));
    if (hasFilters(state)) hints.append(el("li", { text: "可以减少筛选条件后再试。" }));
    if (hints.firstChild) empty.append(hints);

    const suggestions = el("div", { className: "suggestions" });
    empty.append(suggestions);
    box.append(empty);
    fillSuggestions(suggestions);
  }

  // Theme names from the whole corpus, each one a one-click search.
  async function fillSuggestions(container) {
    let facets;
    try {
      facets = await corpusFacets();
    } catch (_) {
      return; // suggestions are optional
    }
    const themes = Array.isArray(facets.theme) ? facets.theme.filter((t) => t && t.value) : [];
    if (themes.length === 0 || !container.isConnected) return;

    container.append(el("p", { className: "suggestions-title", text: "可以按主题浏览：" }));
    const list = el("ul", { className: "suggestion-list" });
    for (const theme of themes) {
      list.append(el("li", null, el("button", {
        type: "button",
        className: "suggestion",
        dataset: { action: "suggest-theme", value: theme.value },
      }, el("span", { text: theme.value }),
      el("span", { className: "facet-count", text: String(Number(theme.count) || 0) }))));
    }
    container.append(list);
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
  // Hit expansion and citation copying

  function toggleHit(article) {
    const button = article.querySelector(".hit-title");
    const detail = article.querySelector(".hit-detail");
    const open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    detail.hidden = !open;
    article.classList.toggle("is-open", open);
  }

  async function copyCitation(button) {
    const text = button.dataset.citation || "";
    const status = button.parentElement.querySelector(".copy-status");
    const ok = await copyText(text);
    status.textContent = ok ? "已复制" : "复制失败，请手动选择上方引用文字复制";
    status.classList.toggle("is-error", !ok);
    window.clearTimeout(Number(status.dataset.timer || 0));
    status.dataset.timer = String(window.setTimeout(() => { status.textContent = ""; }, 3000));
  }

  // navigator.clipboard only exists in secure contexts (https or localhost);
  // intranet deployments over plain http fall back to execCommand.
  async function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      try {
        await navigator.clipboard.writeText(text);
        return true;
      } catch (_) {
        // fall through to the legacy path
      }
    }
    const area = el("textarea", { readonly: true, "aria-hidden": "true", className: "copy-buffer" });
    area.value = text;
    document.body.append(area);
    const previous = document.activeElement;
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (_) {
      ok = false;
    }
    area.remove();
    if (previous && previous.focus) previous.focus();
    return ok;
  }

  // ---------------------------------------------------------------------
  // Event wiring (delegated; no inline handlers)

  function onSubmit(event) {
    event.preventDefault();
    const state = stateFromURL();
    state.q = $("q").value.trim();
    state.page = 1;
    navigate(state);
  }

  function toggleFilter(state, facet, value) {
    const list = state.filters[facet];
    const at = list.indexOf(value);
    if (at >= 0) list.splice(at, 1);
    else list.push(value);
    state.page = 1;
  }

  function onFacetsClick(event) {
    const button = event.target.closest("button[data-action]");
    if (!button) return;
    if (button.dataset.action === "toggle-facet") {
      const state = stateFromURL();
      toggleFilter(state, button.dataset.facet, button.dataset.value);
      navigate(state);
    } else if (button.dataset.action === "facet-more") {
      const key = button.dataset.facet;
      if (expandedFacets.has(key)) expandedFacets.delete(key);
      else expandedFacets.add(key);
      const focusKey = currentFocusKey();
      rerenderFacets();
      restoreFocus(focusKey);
    }
  }

  // Expanding a facet list needs no new request: rebuild from the last data.
  function rerenderFacets() {
    renderFacets(stateFromURL(), lastFacets);
  }

  function onChipsClick(event) {
    const button = event.target.closest("button[data-action='remove-filter']");
    if (!button) return;
    const state = stateFromURL();
    toggleFilter(state, button.dataset.facet, button.dataset.value);
    // Move keyboard focus to a neighbouring chip (restored by its key after
    // the re-render), or to the result summary when it was the last one.
    const item = button.closest("li");
    const next = item && (item.nextElementSibling || item.previousElementSibling);
    if (next) next.querySelector("button").focus();
    else $("results-summary").focus();
    navigate(state);
  }

  function onClearAll(event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    const state = stateFromURL();
    state.filters = emptyFilters();
    state.page = 1;
    navigate(state, "summary");
  }

  function onResultsClick(event) {
    const target = event.target;
    const action = target.closest("[data-action]");
    if (!action) return;

    switch (action.dataset.action) {
      case "copy-citation":
        copyCitation(action);
        return;
      case "suggest-theme": {
        const state = { q: "", filters: emptyFilters(), page: 1 };
        state.filters.theme = [action.dataset.value];
        navigate(state, "summary");
        return;
      }
      case "first-page": {
        if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
        event.preventDefault();
        const state = stateFromURL();
        state.page = 1;
        navigate(state, "summary");
        return;
      }
      case "toggle-hit": {
        // Clicks inside the expanded text (reading, selecting) do not collapse it.
        if (target.closest(".hit-detail")) return;
        if (target.closest("a")) return;
        const selection = window.getSelection();
        if (selection && !selection.isCollapsed && action.tagName !== "BUTTON") return;
        toggleHit(action.closest(".hit"));
        return;
      }
      default:
    }
  }

  function goToPage(delta) {
    const state = stateFromURL();
    state.page = Math.max(1, state.page + delta);
    navigate(state, "summary");
    $("results-summary").scrollIntoView({ block: "start", behavior: "smooth" });
  }

  function onHomeClick(event) {
    if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    event.preventDefault();
    navigate({ q: "", filters: emptyFilters(), page: 1 });
  }

  function init() {
    $("search-form").addEventListener("submit", onSubmit);
    $("facets").addEventListener("click", onFacetsClick);
    $("chips").addEventListener("click", onChipsClick);
    $("clear-all").addEventListener("click", onClearAll);
    $("results").addEventListener("click", onResultsClick);
    $("prev-page").addEventListener("click", () => goToPage(-1));
    $("next-page").addEventListener("click", () => goToPage(1));
    $("home-link").addEventListener("click", onHomeClick);
    window.addEventListener("popstate", () => runSearch(stateFromURL()));
    runSearch(stateFromURL());
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
