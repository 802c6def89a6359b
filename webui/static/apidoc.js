// API documentation: /?view=api. Drawn from the server's own OpenAPI
// document (/openapi.json): every path and method with its summary,
// description, parameters, request body and answers, then the error codes.
// Plain DOM; the document's strings only ever go in as text.
import { el, fetchJSON, loading } from "./dom.js";

const METHODS = ["get", "head", "post", "put", "patch", "delete"];
const IN = { query: "查询", path: "路径", header: "请求头" };

// ref resolves a local "$ref" ("#/components/…") of the document.
function ref(doc, obj) {
  let seen = 0;
  while (obj && typeof obj.$ref === "string" && seen++ < 10) {
    const parts = obj.$ref.replace(/^#\//, "").split("/");
    obj = parts.reduce((o, k) => (o ? o[k] : undefined), doc);
  }
  return obj || {};
}

// refName is the component name of a "$ref", or "".
function refName(obj) {
  return obj && typeof obj.$ref === "string" ? obj.$ref.split("/").pop() : "";
}

// typeText describes a schema in a few words: string, integer 1–100, [string], Hit…
function typeText(doc, schema) {
  if (!schema) return "";
  const name = refName(schema);
  const s = ref(doc, schema);
  if (s.type === "array") return `${typeText(doc, s.items)}[]`;
  if (name) return name;
  let t = s.type || "object";
  if (s.format === "binary") t = "文件";
  else if (s.format) t += `(${s.format})`;
  if (s.enum) t += `：${s.enum.join(" | ")}`;
  if (s.minimum !== undefined && s.maximum !== undefined) t += `，${s.minimum}–${s.maximum}`;
  else if (s.minimum !== undefined) t += `，≥ ${s.minimum}`;
  else if (s.maximum !== undefined) t += `，≤ ${s.maximum}`;
  if (s.maxLength !== undefined) t += `，至多 ${s.maxLength} 字`;
  if (s.default !== undefined) t += `，默认 ${s.default}`;
  return t;
}

// rich renders the little Markdown of the descriptions: paragraphs
// (blank lines; a single line break continues the sentence), `code` and
// **bold**, as DOM nodes.
function rich(text, className) {
  const box = el("div", { className: className || "api-desc" });
  for (const block of String(text || "").split(/\n\s*\n/)) {
    const para = block.split("\n").map((l) => l.trim()).join("");
    if (!para) continue;
    const p = el("p");
    for (const piece of para.split(/(`[^`]+`|\*\*[^*]+\*\*)/)) {
      if (!piece) continue;
      if (piece.startsWith("`") && piece.endsWith("`") && piece.length > 1) p.append(el("code", { text: piece.slice(1, -1) }));
      else if (piece.startsWith("**") && piece.endsWith("**") && piece.length > 3) p.append(el("strong", { text: piece.slice(2, -2) }));
      else p.append(piece);
    }
    box.append(p);
  }
  return box;
}

// access says who may call an operation, from its security requirements.
function access(doc, op) {
  const sec = op.security || doc.security || [];
  if (sec.length === 0) return { text: "公开", className: "is-public" };
  if (sec.some((r) => Object.keys(r).length === 0)) return { text: "读取（设置读取令牌时需要令牌）", className: "is-read" };
  if (sec.every((r) => r.adminToken)) return { text: "需要管理令牌", className: "is-admin" };
  return { text: "需要令牌", className: "is-read" };
}

function opId(method, path) {
  return `api-${method}-${path.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "")}`;
}

function table(caption, head, rows) {
  return el("div", { className: "table-wrap" },
    el("table", { className: "data-table api-table" },
      el("caption", { className: "sr-only", text: caption }),
      el("thead", null, el("tr", null, head.map((h) => el("th", { scope: "col", text: h })))),
      el("tbody", null, rows)));
}

function parametersBlock(doc, params) {
  if (!params.length) return null;
  const rows = params.map((raw) => {
    const p = ref(doc, raw);
    return el("tr", null,
      el("th", { scope: "row" }, el("code", { text: p.name })),
      el("td", { className: "api-in", dataset: { label: "位置" }, text: IN[p.in] || p.in }),
      el("td", { className: "api-type", dataset: { label: "类型" }, text: typeText(doc, p.schema) }),
      el("td", { className: "api-req", dataset: { label: "必填" }, text: p.required ? "必填" : "可选" }),
      el("td", { dataset: { label: "说明" } }, rich(p.description, "api-cell")));
  });
  return el("div", { className: "api-block" },
    el("h4", { className: "api-subtitle", text: "参数" }),
    table("参数", ["名称", "位置", "类型", "必填", "说明"], rows));
}

function bodyBlock(doc, body) {
  if (!body) return null;
  const b = ref(doc, body);
  const items = Object.entries(b.content || {}).map(([type, media]) => {
    const s = ref(doc, media.schema);
    const fields = s.properties ? Object.keys(s.properties).join("、") : "";
    return el("li", null, el("code", { text: type }), " ", el("span", { className: "api-type", text: typeText(doc, media.schema) }),
      fields ? el("span", { className: "muted", text: `（字段：${fields}）` }) : null);
  });
  return el("div", { className: "api-block" },
    el("h4", { className: "api-subtitle", text: b.required ? "请求体（必需）" : "请求体" }),
    b.description ? rich(b.description) : null,
    el("ul", { className: "api-list" }, items));
}

function responsesBlock(doc, responses) {
  const rows = Object.entries(responses || {}).map(([status, raw]) => {
    const r = ref(doc, raw);
    const types = Object.entries(r.content || {}).map(([type, media]) => `${type}${media.schema ? ` · ${typeText(doc, media.schema)}` : ""}`);
    return el("tr", null,
      el("th", { scope: "row" }, el("span", { className: `api-status api-status-${status[0]}`, text: status })),
      el("td", { dataset: { label: "说明" } }, rich(r.description, "api-cell")),
      el("td", { className: "api-type", dataset: { label: "内容" }, text: types.join("；") || "—" }));
  });
  return el("div", { className: "api-block" },
    el("h4", { className: "api-subtitle", text: "应答" }),
    table("应答", ["状态", "说明", "内容"], rows));
}

function operation(doc, path, method, op) {
  const who = access(doc, op);
  return el("article", { className: "api-op", id: opId(method, path), "aria-labelledby": `${opId(method, path)}-title` },
    el("h3", { className: "api-op-title", id: `${opId(method, path)}-title` },
      el("span", { className: `api-method api-method-${method}`, text: method.toUpperCase() }),
      el("code", { className: "api-path", text: path }),
      el("span", { className: "api-summary", text: op.summary || "" })),
    el("p", { className: "api-access" }, el("span", { className: `badge api-auth ${who.className}`, text: who.text })),
    op.description ? rich(op.description) : null,
    parametersBlock(doc, [...(op.parameters || [])]),
    bodyBlock(doc, op.requestBody),
    responsesBlock(doc, op.responses));
}

function operations(doc) {
  const out = [];
  for (const [path, item] of Object.entries(doc.paths || {})) {
    for (const method of METHODS) {
      if (item[method]) out.push({ path, method, op: item[method], tag: (item[method].tags || ["其他"])[0] });
    }
  }
  return out;
}

// errorCodes lists the stable codes of the Error schema, each with the
// status and meaning its description gives ("- `code`（400）：meaning").
function errorCodes(doc) {
  const code = ref(doc, ref(doc, (doc.components.schemas || {}).Error).properties.code);
  const meaning = {};
  for (const line of String(code.description || "").split("\n")) {
    const m = line.match(/^-\s*`([a-z_]+)`（(\d+)）：(.*)$/);
    if (m) meaning[m[1]] = { status: m[2], text: m[3] };
  }
  const rows = (code.enum || []).map((c) => el("tr", null,
    el("th", { scope: "row" }, el("code", { text: c })),
    el("td", { className: "api-in", dataset: { label: "状态" } },
      meaning[c] ? el("span", { className: `api-status api-status-${meaning[c].status[0]}`, text: meaning[c].status }) : "—"),
    el("td", { dataset: { label: "含义" } }, rich(meaning[c] ? meaning[c].text : "", "api-cell"))));
  return el("section", { className: "page-section api-errors", "aria-labelledby": "api-errors-title" },
    el("h2", { id: "api-errors-title", className: "section-title", text: "错误代码" }),
    rich("错误一律返回 `{\"error\": \"中文说明\", \"code\": \"错误代码\"}`（结构见 `Error`）。`error` 给人看，措辞可能调整；程序请按 `code` 区分错误，代码一经发布不再改变含义。"),
    el("div", { className: "api-codes" }, table("错误代码", ["代码", "状态", "含义"], rows)));
}

export async function apiDocPage(section, params, app) {
  app.setTitle("接口文档");
  const wait = loading("正在读取接口文档…");
  section.append(
    el("header", { className: "page-head" },
      el("h1", { className: "page-title", text: "接口文档" }),
      el("p", { className: "page-lead" }, "本服务的 HTTP 接口（OpenAPI 3.0），由 ",
        el("a", { href: "/openapi.json", text: "/openapi.json" }), " 生成，可导入其他接口工具。")),
    wait);
  const doc = await fetchJSON("/openapi.json");
  wait.remove();
  const ops = operations(doc);
  const tags = [...new Set([...(doc.tags || []).map((t) => t.name), ...ops.map((o) => o.tag)])];

  const toc = el("nav", { className: "api-toc", "aria-label": "接口目录" },
    tags.map((tag) => {
      const mine = ops.filter((o) => o.tag === tag);
      if (!mine.length) return null;
      return el("div", { className: "api-toc-group" },
        el("h2", { className: "api-toc-title", text: tag }),
        el("ul", null, mine.map((o) => el("li", null,
          el("a", { href: `#${opId(o.method, o.path)}` },
            el("span", { className: `api-method api-method-${o.method}`, text: o.method.toUpperCase() }),
            el("code", { text: o.path }))))));
    }));

  section.append(
    el("section", { className: "api-intro", "aria-label": "概述" }, rich(doc.info && doc.info.description)),
    toc,
    el("div", { className: "api-ops" }, tags.map((tag) => {
      const mine = ops.filter((o) => o.tag === tag);
      if (!mine.length) return null;
      return el("section", { className: "page-section api-tag" },
        el("h2", { className: "section-title", text: tag }),
        mine.map((o) => operation(doc, o.path, o.method, o.op)));
    })),
    errorCodes(doc));
}
