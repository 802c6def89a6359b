// Documents: /?view=documents. Lists what the knowledge base holds; with
// the admin token (kept in sessionStorage only, sent as a Bearer header)
// documents can be uploaded and the uploaded ones deleted.
import { el, clear, list, fetchJSON, clearCache, formatDate, alertBox, loading } from "./dom.js";

const TOKEN_KEY = "kb-admin-token";
const ACCEPT = ".txt,.md,.markdown,.html,.htm,.docx,.odt,.pdf";

export async function documentsPage(section, params, app) {
  app.setTitle("文档管理");
  const listBox = el("div", { className: "doc-list" });
  const status = el("div", { className: "doc-status", role: "status", "aria-live": "polite" });

  // ---- Admin token
  const token = el("input", { type: "password", id: "admin-token", autocomplete: "off", className: "text-input", "aria-describedby": "token-help" });
  token.value = sessionStorage.getItem(TOKEN_KEY) || "";
  const forget = el("button", { type: "button", className: "btn btn-small", text: "清除令牌" });

  // ---- Upload
  const files = el("input", { type: "file", id: "upload-files", multiple: true, accept: ACCEPT, className: "file-input" });
  const chosen = el("span", { className: "muted small" });
  const upload = el("button", { type: "submit", className: "btn btn-primary", text: "上传" });
  const uploadResult = el("div", { className: "upload-result", "aria-live": "polite" });
  const form = el("form", { className: "upload-form", "aria-labelledby": "upload-title" },
    el("h2", { id: "upload-title", className: "section-title", text: "上传文档" }),
    el("p", { className: "muted small", text: "支持 .txt .md .html .docx .odt .pdf，每个文件最大 50 MB，每次最多 20 个文件。上传后在后台建立索引，下方显示进度；完成后即可检索。" }),
    el("div", { className: "form-row" },
      el("label", { className: "btn file-label" }, "选择文件…", files), upload, chosen),
    uploadResult);

  const admin = el("section", { className: "admin-panel", "aria-labelledby": "admin-title" },
    el("h2", { id: "admin-title", className: "section-title", text: "管理权限" }),
    // A form of its own, so that browsers treat the password field properly.
    el("form", { className: "form-row token-form", "aria-label": "管理令牌" },
      el("label", { for: "admin-token", className: "field-label", text: "管理令牌" }), token, forget),
    el("p", { id: "token-help", className: "muted small", text: "上传和删除需要服务启动时设置的管理令牌。令牌只保存在本浏览器标签页中，关闭后即清除。" }),
    form);

  section.append(
    el("header", { className: "page-head" },
      el("h1", { className: "page-title", text: "文档管理" }),
      el("p", { className: "page-lead", text: "知识库收录的文档。内置文档随程序发布，不能删除。" })),
    status, listBox, admin);

  const updateControls = () => {
    const has = token.value.trim() !== "";
    const n = files.files ? files.files.length : 0;
    upload.disabled = !has || n === 0;
    chosen.textContent = n ? `已选择 ${n} 个文件：${[...files.files].map((f) => f.name).join("、")}` : "未选择文件";
    for (const b of listBox.querySelectorAll("button[data-delete]")) b.disabled = !has;
    listBox.classList.toggle("no-token", !has);
  };
  token.addEventListener("input", () => {
    if (token.value.trim()) sessionStorage.setItem(TOKEN_KEY, token.value.trim());
    else sessionStorage.removeItem(TOKEN_KEY);
    updateControls();
  });
  admin.querySelector(".token-form").addEventListener("submit", (event) => event.preventDefault());
  forget.addEventListener("click", () => {
    token.value = "";
    sessionStorage.removeItem(TOKEN_KEY);
    updateControls();
    token.focus();
  });
  files.addEventListener("change", updateControls);

  const auth = () => ({ Authorization: "Bearer " + token.value.trim() });

  const reload = async () => {
    clear(listBox);
    listBox.append(loading());
    let data;
    try {
      data = await fetchJSON("/api/documents");
    } catch (err) {
      clear(listBox);
      listBox.append(alertBox(err.message));
      return;
    }
    clear(listBox);
    listBox.append(documentsTable(list(data.documents), onDelete));
    updateControls();
  };

  async function onDelete(doc, button) {
    if (!window.confirm(`确定删除《${doc.title || doc.id}》吗？\n删除后其内容将不再能被检索。`)) return;
    button.disabled = true;
    clear(status);
    try {
      await fetchJSON(`/api/documents/${encodeURIComponent(doc.id)}`, { method: "DELETE", headers: auth() });
      corpusChanged();
      status.append(el("p", { className: "notice ok", text: `已删除《${doc.title || doc.id}》。` }));
      await reload();
    } catch (err) {
      status.append(alertBox(`删除失败：${err.message}`));
      button.disabled = false;
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const picked = files.files ? [...files.files] : [];
    if (picked.length === 0) return;
    const body = new FormData();
    for (const f of picked) body.append("file", f, f.name);
    upload.disabled = true;
    clear(uploadResult);
    uploadResult.append(loading(`正在上传 ${picked.length} 个文件…`));
    let task;
    try {
      // 202: the files are stored; a background task indexes them.
      task = await fetchJSON("/api/documents", { method: "POST", headers: auth(), body });
    } catch (err) {
      clear(uploadResult);
      uploadResult.append(alertBox(uploadError(err)));
      updateControls();
      return;
    }
    files.value = "";
    updateControls();
    await showTask(task);
  });

  // showTask follows a task to its end in the upload box, then lists what
  // became of each file.
  async function showTask(task) {
    const progress = el("p", { className: "task-progress", role: "status" });
    clear(uploadResult);
    uploadResult.append(progress);
    task = await followTask(task, progress, auth, () => section.isConnected);
    if (!task) return; // left the page, or lost the task: the list shows the outcome
    clear(uploadResult);
    uploadResult.append(el("p", { className: "task-progress", text: taskSummary(task) }));
    const rows = el("ul", { className: "upload-list" });
    for (const f of list(task.files)) {
      if (f.status === "added") {
        rows.append(el("li", { className: "upload-ok" }, el("span", { className: "upload-mark", "aria-hidden": "true", text: "✓" }),
          `${f.name}：已收录《${f.title || f.name}》，${f.passages} 个文段。`));
      } else {
        // The server's message may already start with the file name.
        const message = String(f.error || "未能收录").replace(new RegExp("^" + escapeRegExp(f.name) + "\\s*[:：]\\s*"), "");
        rows.append(el("li", { className: "upload-fail" }, el("span", { className: "upload-mark", "aria-hidden": "true", text: "✗" }),
          `${f.name}：${message}`));
      }
    }
    if (rows.firstChild) uploadResult.append(rows);
    if (task.added > 0) {
      corpusChanged();
      await reload();
    }
  }

  // An upload still running (the page was reloaded meanwhile) is followed again.
  async function resumeTasks() {
    if (!token.value.trim()) return;
    let data;
    try {
      data = await fetchJSON("/api/tasks?limit=20", { headers: auth() });
    } catch (_) {
      return; // not allowed, or an older server: nothing to resume
    }
    const running = list(data.tasks).filter((t) => t.status === "queued" || t.status === "processing").reverse();
    for (const t of running) {
      if (!section.isConnected) return;
      await showTask(t);
    }
  }

  await reload();
  resumeTasks();
}

// followTask polls GET /api/tasks/:id until the task has finished, showing
// its progress in box. It returns the finished task, or null when alive()
// turns false (the user left the page) or the task cannot be read.
async function followTask(task, box, auth, alive) {
  let failures = 0;
  for (;;) {
    box.textContent = taskProgress(task);
    if (task.status === "succeeded" || task.status === "failed") return task;
    await new Promise((resolve) => setTimeout(resolve, 500));
    if (!alive()) return null;
    try {
      task = await fetchJSON(`/api/tasks/${encodeURIComponent(task.id)}`, { headers: auth() });
      failures = 0;
    } catch (err) {
      // A restarting server: keep trying for a while; the task persists.
      if (++failures > 20) {
        box.textContent = `无法读取任务 #${task.id} 的进度：${err.message}`;
        return null;
      }
    }
  }
}

function taskProgress(t) {
  switch (t.status) {
    case "queued":
      return `任务 #${t.id}：已上传 ${t.files_total} 个文件，排队等待收录…`;
    case "processing":
      return `任务 #${t.id}：正在收录第 ${Math.min(t.files_done + 1, t.files_total)}/${t.files_total} 个文件，已建立 ${t.passages} 个文段的索引…`;
    default:
      return taskSummary(t);
  }
}

function taskSummary(t) {
  const failed = t.failed ? `，${t.failed} 个未能收录` : "";
  return `任务 #${t.id} 已完成：收录 ${t.added} 个文件（${t.passages} 个文段）${failed}。`;
}

function escapeRegExp(s) {
  return String(s).replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// The knowledge base changed: cached data is stale, the footer recounts.
function corpusChanged() {
  clearCache();
  document.dispatchEvent(new CustomEvent("kb:corpus-changed"));
}

// The server's message, with a hint for the statuses a user can act on.
function uploadError(err) {
  const hints = {
    401: "（请检查管理令牌）",
    403: "",
    409: "（该文档已在知识库中）",
    413: "（文件过大：每个文件最大 50 MB）",
    415: "（不支持的文件格式）",
    422: "（文件内容无法识别）",
  };
  return `上传失败：${err.message}${hints[err.status] || ""}`;
}

function documentsTable(docs, onDelete) {
  if (docs.length === 0) return el("p", { className: "muted", text: "知识库中还没有文档。" });
  const tbody = el("tbody");
  for (const d of docs) {
    const action = d.builtin
      ? el("span", { className: "muted small", text: "—" })
      : el("button", { type: "button", className: "btn btn-small btn-danger", dataset: { delete: d.id }, text: "删除", "aria-label": `删除《${d.title}》` });
    if (!d.builtin) action.addEventListener("click", () => onDelete(d, action));
    tbody.append(el("tr", null,
      el("th", { scope: "row", className: "doc-title" }, d.title || d.id, d.source ? el("span", { className: "doc-source", text: d.source }) : null),
      el("td", { text: d.issuer || "—" }),
      el("td", { className: "nowrap", text: d.date || (d.year ? String(d.year) : "—") }),
      el("td", { className: "nowrap", text: (d.format || "").toUpperCase() }),
      el("td", { className: "num", text: String(d.passages ?? "—") }),
      el("td", { className: "num", text: String(d.cases ?? "—") }),
      el("td", { className: "nowrap" }, d.builtin ? el("span", { className: "badge", text: "内置" }) : `上传于 ${formatDate(d.added)}`),
      el("td", null, action)));
  }
  const head = el("tr", null, ["标题", "发文单位", "日期", "格式", "文段", "案例", "来源", "操作"].map((h, i) =>
    el("th", { scope: "col", className: i === 4 || i === 5 ? "num" : null, text: h })));
  return el("div", { className: "table-wrap" },
    el("table", { className: "data-table doc-table" },
      el("caption", { className: "sr-only", text: "知识库文档列表" }),
      el("thead", null, head), tbody));
}
