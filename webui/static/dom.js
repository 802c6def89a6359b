// Shared helpers of the web UI: DOM building, API access, URLs, formatting.
//
// Rules kept by every module (the page runs under CSP default-src 'self'):
//   * no inline handlers, no eval, no HTML strings built from data;
//   * every server string goes in with textContent, except a search hit's
//     `snippet`, which the server delivers escaped apart from <mark> tags.

export const $ = (id) => document.getElementById(id);

// el("span", {className: "x", text: "..."}, child, ...) creates an element.
// `text` always goes through textContent; attributes through setAttribute.
export function el(tag, props, ...children) {
  const node = document.createElement(tag);
  setProps(node, props);
  appendAll(node, children);
  return node;
}

const SVG_NS = "http://www.w3.org/2000/svg";

// svg("rect", {x: 1, ...}) creates an SVG element (attributes as given).
export function svg(tag, props, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  setProps(node, props);
  appendAll(node, children);
  return node;
}

function setProps(node, props) {
  if (!props) return;
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = String(value);
    else if (name === "className") node.setAttribute("class", value);
    else if (name === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
}

function appendAll(node, children) {
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) node.append(child);
  }
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

export const list = (v) => (Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined && x !== "") : []);

// ---------------------------------------------------------------------
// URLs of the pages. Every page is addressed by the query string of "/",
// the only HTML route the server has, so any URL survives a reload.

function pageHref(params) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") qs.set(k, String(v));
  }
  const s = qs.toString();
  return "/" + (s ? "?" + s : "");
}

export const href = {
  search: (q) => pageHref({ q }),
  theme: (name) => pageHref({ view: "theme", name }),
  themes: () => pageHref({ view: "themes" }),
  county: (name) => pageHref({ view: "county", name }),
  counties: () => pageHref({ view: "counties" }),
  indicators: (name) => pageHref({ view: "indicators" }) + (name ? "#" + indicatorAnchor(name) : ""),
  link: () => pageHref({ view: "link" }),
  documents: () => pageHref({ view: "documents" }),
  // A passage: its whole case when it belongs to one, otherwise the passage alone.
  passage: (id, inCase) => pageHref({ view: inCase ? "case" : "passage", id }) + (inCase ? "#p-" + id : ""),
};

export function indicatorAnchor(name) {
  return "ind-" + String(name).replace(/\s+/g, "");
}

// Links to other pages of the app; app.js routes clicks on them without a reload.
export function pageLink(url, text, className) {
  return el("a", { href: url, className, text });
}

export function countyLink(name, className) {
  return pageLink(href.county(name), name, className || "county-link");
}

export function themeChip(name) {
  return el("a", { href: href.theme(name), className: "tag", text: name, title: `查看主题「${name}」的全部做法` });
}

// A "主题：" list of theme chips (links), or null when there is none.
export function themeChips(themes) {
  const names = list(themes);
  if (names.length === 0) return null;
  return el("span", { className: "tags" },
    el("span", { className: "sr-only", text: "主题：" }),
    names.map(themeChip));
}

// ---------------------------------------------------------------------
// API access

// The read token (serve --read-token): asked for once, on the first 401,
// kept for the browser session and sent as Authorization: Bearer.
const READ_TOKEN_KEY = "kb-read-token";
let tokenPrompt = null; // one dialog for all the requests that hit the 401

function readToken() {
  try {
    return sessionStorage.getItem(READ_TOKEN_KEY) || "";
  } catch (_) {
    return "";
  }
}

// Headers for a request: the stored read token unless the caller sends
// its own Authorization (the documents page sends the admin token).
export function authHeaders(headers) {
  const out = Object.assign({}, headers);
  const token = readToken();
  if (token && !Object.keys(out).some((k) => k.toLowerCase() === "authorization")) out.Authorization = `Bearer ${token}`;
  return out;
}

// askReadToken shows a small dialog; resolves with the token, or "" when
// the user cancels.
function askReadToken(wrong) {
  if (tokenPrompt) return tokenPrompt;
  tokenPrompt = new Promise((resolve) => {
    const input = el("input", { type: "password", id: "read-token-input", className: "token-input", autocomplete: "current-password", required: true });
    const ok = el("button", { type: "submit", className: "btn btn-primary", text: "确定" });
    const cancel = el("button", { type: "button", className: "btn", text: "取消" });
    const form = el("form", { method: "dialog", className: "token-form" },
      el("h2", { className: "token-title", id: "read-token-title", text: "需要访问令牌" }),
      el("p", { className: "token-help", text: wrong ? "令牌不正确，请重新输入。" : "本知识库设置了访问令牌，请向管理员索取后输入。令牌只保存在本浏览器标签页中，关闭后需重新输入。" }),
      el("label", { for: "read-token-input", className: "field-label", text: "访问令牌" }), input,
      el("div", { className: "form-row" }, ok, cancel));
    const dialog = el("dialog", { className: "token-dialog", "aria-labelledby": "read-token-title" }, form);
    let finished = false;
    const done = (token) => {
      if (finished) return;
      finished = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      tokenPrompt = null;
      resolve(token);
    };
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const token = input.value.trim();
      if (!token) return;
      try {
        sessionStorage.setItem(READ_TOKEN_KEY, token);
      } catch (_) {
        // private mode: the token lives for this request only
      }
      done(token);
    });
    cancel.addEventListener("click", () => done(""));
    // Closed some other way (form.submit()): nothing was entered.
    dialog.addEventListener("close", () => { if (tokenPrompt) done(""); });
    dialog.addEventListener("cancel", (event) => {
      event.preventDefault();
      done("");
    });
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
  return tokenPrompt;
}

// Fetches JSON; throws an Error whose message is suitable for the user
// (the server's {"error": …} when there is one). err.status holds the
// HTTP status. A 401 "unauthorized" asks for the read token and retries.
export async function fetchJSON(url, options) {
  const opts = Object.assign({}, options);
  const own = opts.headers && Object.keys(opts.headers).some((k) => k.toLowerCase() === "authorization");
  for (let attempt = 0; ; attempt++) {
    opts.headers = authHeaders(Object.assign({ Accept: "application/json" }, options && options.headers));
    try {
      return await fetchOnce(url, opts);
    } catch (err) {
      if (own || err.status !== 401 || !err.body || err.body.code !== "unauthorized" || attempt >= 3) throw err;
      const token = await askReadToken(attempt > 0 || Boolean(readToken()));
      if (!token) throw err;
    }
  }
}

async function fetchOnce(url, opts) {
  let response;
  try {
    response = await fetch(url, opts);
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
    const err = new Error(message);
    err.status = response.status;
    err.body = body;
    throw err;
  }
  if (!body || typeof body !== "object") throw new Error("服务器返回的数据无法解析。");
  return body;
}

// ---------------------------------------------------------------------
// The search API URL of a page's query string, and the first search of
// the page, started here in the first module the browser evaluates
// rather than after the whole app has loaded.

export const SEARCH_FACETS = ["city", "county", "theme", "kind", "policy"];
export const SEARCH_SORTS = ["relevance", "county", "order"];
export const SEARCH_PAGE_SIZE = 10;

// searchAPIURL normalises a page query string (as app.js reads it) into
// the /api/search URL; equal states give equal URLs.
export function searchAPIURL(search) {
  const params = new URLSearchParams(search);
  const out = new URLSearchParams();
  const q = (params.get("q") || "").trim();
  if (q) out.set("q", q);
  for (const key of SEARCH_FACETS) {
    for (const v of new Set(params.getAll(key).map((x) => x.trim()).filter(Boolean))) out.append(key, v);
  }
  const page = parseInt(params.get("page") || "1", 10);
  if (params.get("group") === "case") out.set("group", "case");
  const sort = params.get("sort");
  if (SEARCH_SORTS.includes(sort) && sort !== "relevance") out.set("sort", sort);
  out.set("page", String(Number.isFinite(page) && page > 0 ? page : 1));
  out.set("size", String(SEARCH_PAGE_SIZE));
  return "/api/search?" + out.toString();
}

let early = null;
if (!new URLSearchParams(window.location.search).get("view") && window.location.pathname === "/") {
  const url = searchAPIURL(window.location.search);
  const controller = new AbortController();
  early = { url, controller, promise: fetchJSON(url, { signal: controller.signal }) };
  early.promise.catch(() => {}); // handled by whoever takes it
}

// takeEarlySearch returns the promise of the first search when it is for
// url (and not taken yet), else null (and drops it).
export function takeEarlySearch(url) {
  const e = early;
  early = null;
  if (!e) return null;
  if (e.url === url) return e;
  e.controller.abort();
  return null;
}

// Cached GETs of data that does not change while the page is open
// (facets, counties, indicators). A failure is not cached.
const cache = new Map();

export function cachedJSON(url) {
  if (!cache.has(url)) {
    cache.set(url, fetchJSON(url).catch((err) => {
      cache.delete(url);
      throw err;
    }));
  }
  return cache.get(url);
}

// Forgets cached data (after a document is added or deleted).
export function clearCache() {
  cache.clear();
}

// county -> city, from /api/counties (counties with cases or figures).
export async function countyCities() {
  const data = await cachedJSON("/api/counties");
  const map = new Map();
  for (const c of list(data.counties)) if (c.name && c.city) map.set(c.name, c.city);
  return map;
}

// ---------------------------------------------------------------------
// Formatting

const numberFormat = new Intl.NumberFormat("zh-CN", { maximumFractionDigits: 2 });

export function formatNumber(v) {
  const n = Number(v);
  return Number.isFinite(n) ? numberFormat.format(n) : "—";
}

// A figure with its unit: percentages as "28.9%", others as "1,234 户".
export function formatValue(v, unit) {
  const u = unit || "";
  if (u === "%" || u === "％") return `${formatNumber(v)}%`;
  return u ? `${formatNumber(v)} ${u}` : formatNumber(v);
}

export function truncate(text, max) {
  const chars = Array.from(text || "");
  return chars.length > max ? chars.slice(0, max).join("") + "…" : text || "";
}

const HAN_DIGITS = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];

// 1 -> 一, 11 -> 十一, 23 -> 二十三 (case numbers are small).
export function hanNumber(n) {
  const v = Math.floor(Number(n));
  if (!Number.isFinite(v) || v < 0 || v >= 100) return String(n);
  if (v < 10) return HAN_DIGITS[v];
  const tens = Math.floor(v / 10);
  const ones = v % 10;
  return (tens > 1 ? HAN_DIGITS[tens] : "") + "十" + (ones ? HAN_DIGITS[ones] : "");
}

export function formatDate(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const pad = (x) => String(x).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// ---------------------------------------------------------------------
// Clipboard and feedback

// navigator.clipboard only exists in secure contexts (https or localhost);
// intranet deployments over plain http fall back to execCommand.
export async function copyText(text) {
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

// A "复制引用" button with its status line; copies `citation` on click.
export function copyButton(citation, label) {
  const status = el("span", { className: "copy-status", role: "status" });
  const button = el("button", { type: "button", className: "btn btn-small", text: label || "复制引用" });
  button.addEventListener("click", async () => {
    const ok = await copyText(citation);
    status.textContent = ok ? "已复制" : "复制失败，请手动选择引用文字复制";
    status.classList.toggle("is-error", !ok);
    window.clearTimeout(Number(status.dataset.timer || 0));
    status.dataset.timer = String(window.setTimeout(() => { status.textContent = ""; }, 3000));
  });
  return el("span", { className: "copy-wrap" }, button, status);
}

// Saves text (or a Blob) as a file through a Blob and a temporary download link.
export function download(filename, text, type) {
  const blob = text instanceof Blob ? text : new Blob([text], { type: type || "text/plain;charset=utf-8" });
  const url = URL.createObjectURL(blob);
  const a = el("a", { href: url, download: filename, className: "sr-only" });
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10000);
}

// An error box (role=alert) with the message.
export function alertBox(message) {
  return el("div", { className: "alert", role: "alert", text: message });
}

export function loading(text) {
  return el("p", { className: "loading", role: "status", text: text || "正在加载…" });
}

// 《文档》 › 二、… › 经验一 › 二是… (the case title, shown apart, is
// shortened to its number).
export function headingPath(p) {
  const parts = list(p.heading_path).map((h) => (p.case && h === p.case.title ? `经验${hanNumber(p.case.number)}` : h));
  if (parts.length === 0 && p.heading) parts.push(p.heading);
  if (p.doc_title) parts.unshift(`《${p.doc_title}》`);
  return parts.join(" › ");
}
