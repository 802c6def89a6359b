// Suggestions while typing in the search box: an ARIA 1.2 combobox with a
// listbox popup. Candidates are the corpus's themes, counties and cities
// (from /api/facets) and frequent terms derived in the browser from
// search results (see deriveTerms).
import { el, clear, list, cachedJSON } from "./dom.js";

const MAX_OPTIONS = 8;
const KIND_ORDER = { 主题: 0, 县区: 1, 城市: 2, 常用词: 3 };

let candidatesPromise = null;

// A document added or deleted changes the themes, places and terms.
document.addEventListener("kb:corpus-changed", () => { candidatesPromise = null; });

// Loads the candidates once per page.
function candidates() {
  if (!candidatesPromise) {
    candidatesPromise = loadCandidates().catch((err) => {
      candidatesPromise = null;
      throw err;
    });
  }
  return candidatesPromise;
}

async function loadCandidates() {
  const facets = await cachedJSON("/api/facets");
  const out = [];
  const seen = new Set();
  const add = (value, kind, count) => {
    if (!value || seen.has(value)) return;
    seen.add(value);
    out.push({ value, kind, count: Number(count) || 0 });
  };
  for (const t of list(facets.theme)) add(t.value, "主题", t.count);
  for (const c of list(facets.county)) add(c.value, "县区", c.count);
  for (const c of list(facets.city)) add(c.value, "城市", c.count);
  try {
    for (const t of await deriveTerms(facets, seen)) add(t.value, "常用词", t.count);
  } catch (_) {
    // frequent terms are a bonus; themes and places are enough
  }
  return out;
}

// Frequent terms: the wordings the search engine itself recognises. One
// search for all theme names returns every passage that touches a theme;
// the <mark>ed words of their snippets are the segmenter's domain terms
// (商务楼宇, 重点企业培育库, 上规升档…) and hit.matched names the related
// wordings the thesaurus brought in. Words found in more passages rank first.
async function deriveTerms(facets, exclude) {
  const q = list(facets.theme).map((t) => t.value).join(" ").slice(0, 900);
  if (!q) return [];
  const data = await cachedJSON("/api/search?q=" + encodeURIComponent(q) + "&size=100");
  const counts = new Map();
  const bump = (term) => {
    const t = String(term || "").trim();
    const n = Array.from(t).length;
    if (n < 3 || n > 10 || exclude.has(t) || !/^[\u4e00-\u9fff]+$/.test(t)) return;
    counts.set(t, (counts.get(t) || 0) + 1);
  };
  // The snippet is the server's escaped HTML with <mark> tags; a template
  // element parses it without running anything.
  const tpl = document.createElement("template");
  for (const hit of list(data.hits)) {
    const seen = new Set();
    if (hit.snippet) {
      tpl.innerHTML = hit.snippet;
      for (const m of tpl.content.querySelectorAll("mark")) seen.add(m.textContent);
    }
    for (const m of list(hit.matched)) {
      if (m.found) seen.add(m.found);
    }
    seen.forEach(bump);
  }
  return [...counts.entries()]
    .map(([value, count]) => ({ value, count }))
    .sort((a, b) => b.count - a.count);
}

// Attaches the combobox behaviour to the search input. onPick(value) runs
// when a suggestion is chosen (Enter or click).
export function initSuggest(input, listbox, onPick) {
  let options = [];
  let active = -1;
  let token = 0;

  const close = () => {
    listbox.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };

  const setActive = (i) => {
    const items = listbox.querySelectorAll("[role=option]");
    items.forEach((node, j) => node.setAttribute("aria-selected", j === i ? "true" : "false"));
    active = i;
    if (i >= 0 && items[i]) {
      input.setAttribute("aria-activedescendant", items[i].id);
      items[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  };

  const render = (typed) => {
    clear(listbox);
    if (options.length === 0) {
      close();
      return;
    }
    options.forEach((opt, i) => {
      const li = el("li", { id: `suggest-${i}`, role: "option", "aria-selected": "false", className: "suggest-option", dataset: { value: opt.value } });
      li.append(highlight(opt.value, typed), el("span", { className: "suggest-kind", text: opt.kind }));
      listbox.append(li);
    });
    listbox.hidden = false;
    input.setAttribute("aria-expanded", "true");
    active = -1;
  };

  const update = async () => {
    const typed = input.value.trim();
    const mine = ++token;
    if (!typed) {
      options = [];
      close();
      return;
    }
    let all;
    try {
      all = await candidates();
    } catch (_) {
      return;
    }
    if (mine !== token) return;
    options = rank(all, typed);
    render(typed);
  };

  input.addEventListener("input", update);
  input.addEventListener("focus", () => { candidates().catch(() => {}); });
  input.addEventListener("keydown", (event) => {
    const open = !listbox.hidden && options.length > 0;
    switch (event.key) {
      case "ArrowDown":
        event.preventDefault();
        if (!open) update();
        else setActive(active + 1 >= options.length ? 0 : active + 1);
        break;
      case "ArrowUp":
        if (!open) return;
        event.preventDefault();
        setActive(active <= 0 ? options.length - 1 : active - 1);
        break;
      case "Enter":
        if (open && active >= 0) {
          event.preventDefault();
          const value = options[active].value;
          close();
          onPick(value);
        } else {
          close();
        }
        break;
      case "Escape":
        if (open) {
          event.preventDefault();
          close();
        }
        break;
      case "Tab":
        close();
        break;
      default:
    }
  });
  input.addEventListener("blur", () => window.setTimeout(close, 150));
  // mousedown keeps the focus in the input; click picks.
  listbox.addEventListener("mousedown", (event) => event.preventDefault());
  listbox.addEventListener("click", (event) => {
    const li = event.target.closest("[role=option]");
    if (!li) return;
    close();
    onPick(li.dataset.value);
  });
  return { close };
}

// Candidates containing the typed text: prefix matches first, then by
// kind (themes, places, terms) and frequency.
function rank(all, typed) {
  const needle = typed.toLowerCase();
  const scored = [];
  for (const c of all) {
    const at = c.value.toLowerCase().indexOf(needle);
    if (at < 0 || c.value === typed) continue;
    scored.push({ c, prefix: at === 0 ? 0 : 1 });
  }
  scored.sort((a, b) => a.prefix - b.prefix
    || KIND_ORDER[a.c.kind] - KIND_ORDER[b.c.kind]
    || b.c.count - a.c.count);
  return scored.slice(0, MAX_OPTIONS).map((s) => s.c);
}

// The option text with the typed part in <b> (built as nodes, not HTML).
function highlight(value, typed) {
  const span = el("span", { className: "suggest-value" });
  const at = value.toLowerCase().indexOf(typed.toLowerCase());
  if (at < 0) {
    span.textContent = value;
    return span;
  }
  span.append(value.slice(0, at), el("b", { text: value.slice(at, at + typed.length) }), value.slice(at + typed.length));
  return span;
}
