// A small horizontal bar chart drawn as SVG (no library).
//
// The chart is laid out in real pixels for the width of its container, so
// that the text stays readable at any width; it is redrawn when the
// container is resized.
import { el, svg, clear, formatValue, href } from "./dom.js";

// Approximate text width: CJK characters are square, the rest narrower.
function textWidth(text, fontSize) {
  let w = 0;
  for (const ch of String(text)) w += /[\u2e80-\uffff]/.test(ch) ? fontSize : fontSize * 0.6;
  return w;
}

// barChart(container, {title, unit, rows: [{label, value, highlight}], compact})
// draws into container (cleared first) and returns it. Rows are drawn in
// the order given.
export function barChart(container, options) {
  container.classList.add("chart");
  const observed = Boolean(container.chartOptions);
  container.chartOptions = options;
  const draw = () => drawChart(container, container.chartOptions);
  draw();
  // One observer per container; a redraw with new rows reuses it.
  if (!observed && typeof ResizeObserver === "function") {
    let lastWidth = container.clientWidth;
    const observer = new ResizeObserver(() => {
      const w = container.clientWidth;
      if (Math.abs(w - lastWidth) < 8) return;
      lastWidth = w;
      if (!container.isConnected) {
        observer.disconnect();
        return;
      }
      draw();
    });
    observer.observe(container);
  }
  return container;
}

// hasOutlier: the largest value dwarfs the rest (over four times the
// second, or ten times the median), so that linear bars would hide them.
export function hasOutlier(values) {
  const v = values.filter((x) => x > 0).sort((a, b) => b - a);
  if (v.length < 3) return false;
  const median = v[Math.floor(v.length / 2)];
  return v[0] > 4 * v[1] || v[0] > 10 * median;
}

function drawChart(container, options) {
  const { title, unit, rows, compact } = options;
  clear(container);
  const values0 = rows.map((r) => Number(r.value) || 0);
  // With an outlier the chart offers a log scale, and starts with it.
  const outlier = values0.every((v) => v >= 0) && hasOutlier(values0);
  if (outlier && options.log === undefined) options.log = true;
  const log = outlier && options.log;
  if (outlier) {
    const toggle = el("button", {
      type: "button", className: "link-button scale-toggle",
      text: log ? "含离群值，已用对数刻度；改用线性刻度" : "有离群值：改用对数刻度",
    });
    toggle.addEventListener("click", () => {
      options.log = !log;
      drawChart(container, options);
      const again = container.querySelector(".scale-toggle");
      if (again) again.focus();
    });
    container.append(el("p", { className: "scale-note" }, toggle));
  }
  const fontSize = 13;
  const rowH = compact ? 21 : 33;
  const barH = compact ? 13 : 18;
  const top = 4;
  const width = Math.max(240, Math.floor(container.clientWidth || 480));
  const values = rows.map((r) => Number(r.value) || 0);
  const labels = rows.map((r) => String(r.label));
  const valueTexts = rows.map((r) => formatValue(r.value, unit));

  const labelW = Math.ceil(Math.max(24, ...labels.map((l) => textWidth(l, fontSize)))) + 10;
  const valueW = Math.ceil(Math.max(...valueTexts.map((v) => textWidth(v, fontSize)))) + 10;
  const barArea = Math.max(40, width - labelW - valueW - 4);
  const lo = Math.min(0, ...values);
  const hi = Math.max(0, ...values);
  const span = hi - lo || 1;
  const logHi = Math.log10(1 + hi) || 1;
  const x = log
    ? (v) => labelW + (Math.log10(1 + Math.max(0, v)) / logHi) * barArea
    : (v) => labelW + ((v - lo) / span) * barArea;
  const height = top * 2 + rows.length * rowH;

  const summary = rows.map((r, i) => `${labels[i]} ${valueTexts[i]}`).join("；");
  const root = svg("svg", {
    width, height, viewBox: `0 0 ${width} ${height}`,
    role: "img", "aria-label": `${title || "柱状图"}${log ? "（对数刻度）" : ""}：${summary}`,
    className: "bar-chart" + (compact ? " is-compact" : ""),
  });
  root.style.fontSize = fontSize + "px";

  rows.forEach((row, i) => {
    const y = top + i * rowH;
    const mid = y + rowH / 2;
    const v = values[i];
    const x0 = x(Math.min(0, v));
    const w = Math.max(v === 0 ? 0 : 1.5, Math.abs(x(v) - x(0)));
    const label = svg("text", { x: labelW - 8, y: mid, "text-anchor": "end", "dominant-baseline": "central", className: "bar-label", text: labels[i] });
    const g = svg("g", { className: "bar-row" + (row.highlight ? " is-hi" : "") },
      svg("title", { text: `${labels[i]}：${valueTexts[i]}` }),
      row.href ? svg("a", { href: row.href, className: "bar-link" }, label) : label,
      svg("rect", { x: x0, y: mid - barH / 2, width: w, height: barH, rx: 2, className: "bar" }),
      svg("text", { x: (v < 0 ? x(0) : x(v)) + 5, y: mid, "dominant-baseline": "central", className: "bar-value", text: valueTexts[i] }));
    root.append(g);
  });
  // The zero line.
  root.append(svg("line", { x1: x(0), x2: x(0), y1: top - 2, y2: height - top + 2, className: "bar-axis" }));
  container.append(root);
}

// Rows of an indicator table (API shape) for barChart, highest first.
export function indicatorRows(indicator, highlightCounty) {
  const rows = (indicator.rows || []).map((r) => ({
    label: r.county, value: r.value, highlight: r.county === highlightCounty, href: href.county(r.county),
  }));
  rows.sort((a, b) => (Number(b.value) || 0) - (Number(a.value) || 0));
  return rows;
}

// A figure element holding the chart of an indicator with its caption.
export function indicatorFigure(indicator, options) {
  const opts = options || {};
  const box = el("div", { className: "chart-box" });
  const figure = el("figure", { className: "chart-figure" + (opts.compact ? " is-compact" : "") },
    opts.caption === false ? null : el("figcaption", { className: "chart-caption", text: opts.caption || indicatorTitle(indicator) }),
    box);
  // Drawn once in the document, where the width is known.
  const rows = indicatorRows(indicator, opts.highlight);
  const limited = opts.limit ? rows.slice(0, opts.limit) : rows;
  if (opts.highlight && opts.limit && !limited.some((r) => r.highlight)) {
    const own = rows.find((r) => r.highlight);
    if (own) limited.push(own);
  }
  requestAnimationFrame(() => barChart(box, { title: indicatorTitle(indicator), unit: indicator.unit, rows: limited, compact: opts.compact }));
  return figure;
}

export function indicatorTitle(indicator) {
  const unit = indicator.unit ? `（${indicator.unit === "%" ? "%" : "单位：" + indicator.unit}）` : "";
  return (indicator.name || indicator.header || "指标") + unit;
}
