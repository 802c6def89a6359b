// Suggestions while typing in the search box: an ARIA 1.2 combobox with a
// listbox popup. The server answers each prefix with at most ten themes,
// places and terms (GET /api/suggest?q=), a few hundred bytes; answers
// are kept for the page's life.
import { el, clear, list, fetchJSON } from "./dom.js";

const MAX_OPTIONS = 8;

const answers = new Map(); // typed text -> Promise of suggestions
let pending = null; // the request of the last keystroke

// A document added or deleted changes the themes, places and terms.
document.addEventListener("kb:corpus-changed", () => answers.clear());

function suggestionsFor(typed) {
  if (!answers.has(typed)) {
    if (pending) pending.abort();
    pending = new AbortController();
    const p = fetchJSON("/api/suggest?q=" + encodeURIComponent(typed), { signal: pending.signal })
      .then((data) => list(data.suggestions).slice(0, MAX_OPTIONS))
      .catch((err) => {
        answers.delete(typed);
        throw err;
      });
    answers.set(typed, p);
  }
  return answers.get(typed);
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
    let found;
    try {
      found = await suggestionsFor(typed);
    } catch (_) {
      return;
    }
    if (mine !== token) return;
    options = found;
    render(typed);
  };

  input.addEventListener("input", update);
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
