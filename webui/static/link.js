// Draft linking: /?view=link. The user pastes a draft (or opens a file:
// .docx, .pdf, .html, .txt or .md, read by the server, any encoding);
// POST /api/link splits it into paragraphs and finds the cases each
// paragraph relates to. The annotated draft can be exported as Markdown
// (footnotes) or as a standalone HTML file with side notes, built here.
import { el, clear, list, href, fetchJSON, authHeaders, countyLink, download, alertBox } from "./dom.js";

const DRAFT_KEY = "kb-link-draft";
const RAN_KEY = "kb-link-ran";
const MAX_FILE = 20 << 20; // bytes, as the API; the text may have 200 000 characters

export async function linkPage(section, params, app) {
  app.setTitle("草稿关联");
  const textarea = el("textarea", {
    id: "draft", name: "text", rows: "12", className: "draft-input", spellcheck: "false",
    placeholder: "在此粘贴文稿，每段之间空一行或换行。例如：\n我县将推动科技型中小企业开展知识产权质押贷款……",
    "aria-describedby": "draft-help draft-count",
  });
  const counter = el("span", { id: "draft-count", className: "muted small", "aria-live": "off" });
  const fileInput = el("input", { type: "file", id: "draft-file", accept: ".docx,.pdf,.html,.htm,.txt,.md,.markdown", className: "file-input" });
  const fileStatus = el("span", { className: "muted small", role: "status" });
  const submit = el("button", { type: "submit", className: "btn btn-primary", text: "关联案例" });
  const clearBtn = el("button", { type: "button", className: "btn", text: "清空" });
  const form = el("form", { className: "link-form", "aria-label": "草稿关联" },
    el("label", { for: "draft", className: "field-label", text: "草稿文本" }),
    el("p", { id: "draft-help", className: "muted small", text: "粘贴文稿后点击「关联案例」，系统会逐段找出可引用的县区经验。文稿只用于本次分析，不会保存到服务器。" }),
    textarea,
    el("div", { className: "form-row" },
      el("label", { className: "btn file-label" }, "打开文件（Word、PDF、网页、文本）…", fileInput),
      fileStatus, counter),
    el("div", { className: "form-row" }, submit, clearBtn));
  const result = el("div", { className: "link-result", "aria-busy": "false" });
  // Only the outcome is announced, not the whole annotated draft.
  const live = el("p", { className: "sr-only", role: "status" });
  section.append(
    el("header", { className: "page-head" },
      el("h1", { className: "page-title", text: "草稿关联" }),
      el("p", { className: "page-lead", text: "把正在起草的材料与知识库中的县区案例对照：每段旁列出可引用的出处，可导出带脚注的文稿。" })),
    form, live, result);

  const updateCount = () => {
    const n = Array.from(textarea.value).length;
    counter.textContent = n ? `${n} 字` : "";
  };
  textarea.value = sessionStorage.getItem(DRAFT_KEY) || "";
  updateCount();
  textarea.addEventListener("input", () => {
    sessionStorage.setItem(DRAFT_KEY, textarea.value);
    sessionStorage.removeItem(RAN_KEY);
    updateCount();
  });

  // A file goes to the server, which reads every format and encoding; the
  // text it read comes back into the box with the links.
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (!file) return;
    if (file.size > MAX_FILE) {
      fileStatus.textContent = `文件过大（${Math.round(file.size / 1048576)} MB），请选择 20 MB 以内的文件。`;
      return;
    }
    const body = new FormData();
    body.append("file", file);
    fileStatus.textContent = `正在读取 ${file.name}…`;
    await run({ method: "POST", body }, (data) => {
      textarea.value = String(data.text || "");
      sessionStorage.setItem(DRAFT_KEY, textarea.value);
      updateCount();
      fileStatus.textContent = `已读入 ${file.name}`;
    }, () => { fileStatus.textContent = `无法读取 ${file.name}`; });
  });

  clearBtn.addEventListener("click", () => {
    textarea.value = "";
    sessionStorage.removeItem(DRAFT_KEY);
    sessionStorage.removeItem(RAN_KEY);
    updateCount();
    clear(result);
    textarea.focus();
  });

  // run posts the draft (the box's text, or the request given) and shows
  // the linked paragraphs; onData sees the response first, onError a failure.
  const run = async (request, onData, onError) => {
    clear(result);
    if (!request) {
      const text = textarea.value;
      if (!text.trim()) {
        result.append(alertBox("请先粘贴或打开一段文稿。"));
        textarea.focus();
        return;
      }
      request = { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ text }) };
    }
    submit.disabled = true;
    result.setAttribute("aria-busy", "true");
    result.append(el("p", { className: "loading", role: "status", text: "正在逐段关联…" }));
    try {
      const data = await fetchJSON("/api/link", request);
      if (onData) onData(data);
      clear(result);
      live.textContent = renderResult(result, data);
      sessionStorage.setItem(RAN_KEY, "1");
      // The result is below the form: bring it into view.
      const head = result.querySelector(".link-summary h2");
      if (head) {
        head.setAttribute("tabindex", "-1");
        head.scrollIntoView({ block: "start" });
        head.focus({ preventScroll: true });
      }
    } catch (err) {
      if (onError) onError(err);
      clear(result);
      live.textContent = "";
      result.append(alertBox(err.message));
    } finally {
      submit.disabled = false;
      result.setAttribute("aria-busy", "false");
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  // After a reload, show the last result again.
  if (textarea.value.trim() && sessionStorage.getItem(RAN_KEY)) await run();
}

// Footnotes: one number per distinct citation, in order of first use.
function footnotes(data) {
  const numbers = new Map();
  const notes = [];
  const perParagraph = list(data.paragraphs).map((p) => {
    const mine = [];
    for (const link of list(p.links)) {
      const key = link.citation || link.id;
      if (!numbers.has(key)) {
        numbers.set(key, notes.length + 1);
        notes.push({ n: notes.length + 1, link });
      }
      const n = numbers.get(key);
      if (!mine.some((m) => m.n === n)) mine.push({ n, link });
    }
    return mine;
  });
  return { notes, perParagraph };
}

function renderResult(box, data) {
  const paragraphs = list(data.paragraphs);
  const { notes, perParagraph } = footnotes(data);
  const linked = perParagraph.filter((m) => m.length).length; // after any link the user dropped
  const summary = `共 ${paragraphs.length} 段，其中 ${linked} 段找到可引用的案例（${notes.length} 处出处）`;
  box.append(el("div", { className: "link-summary" },
    el("h2", { className: "section-title", text: summary }),
    el("div", { className: "export-buttons" },
      wordButton(data),
      exportButton("导出 Markdown（脚注）", () => download("草稿-关联案例.md", toMarkdown(data), "text/markdown;charset=utf-8")),
      exportButton("导出 HTML（旁注）", () => download("草稿-关联案例.html", toHTML(data), "text/html;charset=utf-8")))));

  const ol = el("ol", { className: "para-list" });
  paragraphs.forEach((p, i) => {
    const mine = perParagraph[i];
    const isLinked = mine.length > 0;
    const text = el("div", { className: "para-text" },
      el("span", { className: "para-no", "aria-hidden": "true", text: String(i + 1) }),
      el("p", null, p.text, mine.map((m) => el("sup", { className: "fn-ref" }, el("a", { href: `#note-${i}-${m.n}`, text: `[${m.n}]`, "aria-label": `出处 ${m.n}` })))));
    const notesBox = el("div", { className: "para-notes" });
    if (isLinked) {
      // A dropped link leaves the page and every export.
      const drop = (l) => {
        p.links = list(p.links).filter((x) => x !== l);
        clear(box);
        renderResult(box, data);
        const next = box.querySelectorAll(".para")[i];
        if (next) next.querySelector(".drop-link, .para-text p")?.focus?.();
      };
      notesBox.append(el("ul", { className: "note-list" }, list(p.links).map((l) => noteItem(l, i, mine, drop))));
    } else {
      notesBox.append(el("p", { className: "muted small", text: "未找到相关案例" }));
    }
    ol.append(el("li", { className: "para" + (isLinked ? " is-linked" : "") + (p.heading ? " is-heading" : ""), "aria-label": `第 ${i + 1} 段${isLinked ? "，已关联案例" : ""}` }, text, notesBox));
  });
  box.append(ol);
  return summary;
}

function noteItem(link, paragraph, mine, drop) {
  const m = mine.find((x) => x.link === link) || mine.find((x) => x.link.citation === link.citation);
  const inCase = Boolean(link.case);
  const shared = [...list(link.concepts), ...list(link.terms).filter((t) => !list(link.concepts).includes(t))].slice(0, 8);
  return el("li", { className: "note", id: m ? `note-${paragraph}-${m.n}` : null },
    el("p", { className: "note-cite" },
      m ? el("span", { className: "fn-no", text: `[${m.n}]` }) : null,
      el("cite", { text: link.citation })),
    el("p", { className: "note-meta" },
      link.county ? countyLink(link.county, "county-link county-badge") : null,
      el("a", { href: href.passage(link.id, inCase), text: inCase ? link.case.title : link.title })),
    shared.length ? el("p", { className: "shared" }, el("span", { className: "shared-label", text: "共同：" }),
      shared.map((t) => el("span", { className: "term" + (list(link.concepts).includes(t) ? " is-concept" : ""), text: t }))) : null,
    dropButton(link, paragraph, drop));
}

function dropButton(link, paragraph, drop) {
  const b = el("button", { type: "button", className: "link-button drop-link", text: "移除此关联",
    "aria-label": `从第 ${paragraph + 1} 段移除关联：${link.citation}` });
  b.addEventListener("click", () => drop(link));
  return b;
}

// "导出 Word": the server writes the .docx (Word's own footnotes, the
// draft's headings as headings) from the paragraphs and the links left
// after any the user dropped.
function wordButton(data) {
  const status = el("span", { className: "muted small", role: "status" });
  const b = el("button", { type: "button", className: "btn btn-small btn-word", text: "导出 Word（脚注）" });
  b.addEventListener("click", async () => {
    b.disabled = true;
    status.textContent = "正在生成 Word 文档…";
    try {
      const paragraphs = list(data.paragraphs).map((p) => ({
        text: p.text, heading: Boolean(p.heading),
        links: list(p.links).map((l) => ({ citation: l.citation, terms: list(l.terms), concepts: list(l.concepts) })),
      }));
      const response = await fetch("/api/link/export?format=docx", {
        method: "POST",
        headers: authHeaders({ "Content-Type": "application/json" }),
        body: JSON.stringify({ title: "草稿", paragraphs }),
      });
      if (!response.ok) {
        let message = `导出失败（HTTP ${response.status}）`;
        try {
          const body = await response.json();
          if (body && body.error) message = body.error;
        } catch (_) {
          // not JSON
        }
        throw new Error(message);
      }
      const blob = await response.blob();
      download("草稿-关联案例.docx", blob, blob.type);
      status.textContent = "已生成 Word 文档";
    } catch (err) {
      status.textContent = err && err.message ? err.message : "导出失败";
    } finally {
      b.disabled = false;
    }
  });
  return el("span", { className: "copy-wrap" }, b, status);
}

function exportButton(label, action) {
  const b = el("button", { type: "button", className: "btn btn-small", text: label });
  b.addEventListener("click", action);
  return b;
}

// ---------------------------------------------------------------------
// Exports

function noteText(link) {
  return `参见${link.citation}`;
}

export function toMarkdown(data) {
  const { notes, perParagraph } = footnotes(data);
  // Adjacent marks would render as ¹² (read as 12): a comma separates them.
  const body = list(data.paragraphs).map((p, i) => p.text + perParagraph[i].map((m) => `[^${m.n}]`).join(","));
  const foot = notes.map((x) => `[^${x.n}]: ${noteText(x.link)}`);
  return body.join("\n\n") + (foot.length ? "\n\n" + foot.join("\n") : "") + "\n";
}

function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
}

export function toHTML(data) {
  const { notes, perParagraph } = footnotes(data);
  const paragraphs = list(data.paragraphs);
  const rows = paragraphs.map((p, i) => {
    const mine = perParagraph[i];
    const refs = mine.map((m) => `<sup><a href="#fn${m.n}">[${m.n}]</a></sup>`).join("");
    const side = mine.map((m) => {
      const l = m.link;
      const extra = [l.county, l.case ? l.case.title : l.title].filter(Boolean).map(esc).join(" · ");
      const shared = [...new Set([...list(l.concepts), ...list(l.terms)])].slice(0, 6).map(esc).join("、");
      return `<p class="note"><b>[${m.n}]</b> ${esc(noteText(l))}<br><small>${extra}${shared ? `<br>共同：${shared}` : ""}</small></p>`;
    }).join("");
    return `<div class="row${mine.length ? " linked" : ""}"><div class="para"><span class="no">${i + 1}</span><p>${esc(p.text)}${refs}</p></div><aside class="side">${side}</aside></div>`;
  }).join("\n");
  const foot = notes.map((x) => `<li id="fn${x.n}">${esc(noteText(x.link))}</li>`).join("\n");
  const now = new Date();
  const stamp = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>草稿关联结果</title>
<style>
body{font-family:"Microsoft YaHei","PingFang SC","Noto Sans CJK SC",sans-serif;color:#1d2733;max-width:1100px;margin:24px auto;padding:0 24px;line-height:1.8}
h1{font-size:22px;color:#1f4e79;margin:0 0 4px}
.meta{color:#55606d;font-size:14px;margin:0 0 20px}
.row{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:24px;padding:10px 0;border-bottom:1px solid #e3e7ec}
.para{position:relative;padding-left:38px}
.para p{margin:0}
.no{position:absolute;left:0;top:2px;width:26px;height:26px;border-radius:13px;background:#eef1f4;color:#55606d;font-size:13px;text-align:center;line-height:26px}
.linked .para{border-left:4px solid #1f4e79;padding-left:44px}
.linked .no{left:8px;background:#1f4e79;color:#fff}
.side{font-size:14px;color:#33404d}
.note{margin:0 0 8px}
.note small{color:#55606d}
sup a{color:#1f4e79;text-decoration:none}
ol.fn{font-size:14px}
@media (max-width:800px){.row{grid-template-columns:1fr}}
@media print{body{margin:0}.row{break-inside:avoid}}
</style>
</head>
<body>
<h1>草稿关联结果</h1>
<p class="meta">生成于 ${stamp}；共 ${paragraphs.length} 段，${perParagraph.filter((m) => m.length).length} 段关联到案例。出处来自县域中小企业发展经验知识库。</p>
${rows}
${notes.length ? `<h2>出处</h2>\n<ol class="fn">\n${foot}\n</ol>` : ""}
</body>
</html>
`;
}
