/* Our own SVG drawing: elements, and a line chart with axes and a legend. All text goes in via textContent. */
"use strict";
window.Svg = (function () {
  const NS = "http://www.w3.org/2000/svg";
  const PALETTE = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"];

  function el(tag, attrs, text) {
    const node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function svg(width, height, label) {
    return el("svg", { viewBox: "0 0 " + width + " " + height, role: "img", "aria-label": label || "" });
  }

  function niceTicks(lo, hi, count) {
    if (hi === lo) return [lo];
    const raw = (hi - lo) / count, mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 5, 10].map(function (m) { return m * mag; }).find(function (s) { return s >= raw; });
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) ticks.push(+v.toFixed(10));
    return ticks;
  }

  /* series: [{name, points: [[x, y]...], dashed?, color?}]; options: {xLabel, yLabel, xFormat, yFormat, yMin, yMax} */
  function lineChart(container, series, options) {
    const o = options || {}, W = 800, H = 320, L = 56, R = 12, T = 12, B = 64;
    const xs = [], ys = [];
    series.forEach(function (s) { s.points.forEach(function (p) { xs.push(p[0]); ys.push(p[1]); }); });
    const chart = svg(W, H, o.label);
    container.replaceChildren(chart);
    if (!xs.length) { chart.appendChild(el("text", { x: L, y: H / 2 }, "No data to draw.")); return chart; }
    const x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
    const y0 = o.yMin !== undefined ? o.yMin : Math.min.apply(null, ys);
    const y1 = o.yMax !== undefined ? o.yMax : Math.max.apply(null, ys);
    const sx = function (x) { return L + (x1 === x0 ? 0.5 : (x - x0) / (x1 - x0)) * (W - L - R); };
    const sy = function (y) { return H - B - (y1 === y0 ? 0.5 : (y - y0) / (y1 - y0)) * (H - T - B); };
    const fx = o.xFormat || String, fy = o.yFormat || String;
    niceTicks(y0, y1, 5).forEach(function (v) {
      chart.appendChild(el("line", { x1: L, x2: W - R, y1: sy(v), y2: sy(v), class: "grid" }));
      chart.appendChild(el("text", { x: L - 4, y: sy(v) + 4, "text-anchor": "end" }, fy(v)));
    });
    niceTicks(x0, x1, 6).forEach(function (v) {
      chart.appendChild(el("line", { x1: sx(v), x2: sx(v), y1: T, y2: H - B, class: "grid" }));
      chart.appendChild(el("text", { x: sx(v), y: H - B + 14, "text-anchor": "middle" }, fx(v)));
    });
    if (o.xLabel) chart.appendChild(el("text", { x: (L + W - R) / 2, y: H - B + 30, "text-anchor": "middle" }, o.xLabel));
    if (o.yLabel) chart.appendChild(el("text", { x: 4, y: T + 4, "text-anchor": "start" }, o.yLabel));
    series.forEach(function (s, i) {
      const color = s.color || PALETTE[i % PALETTE.length];
      const d = s.points.map(function (p, j) { return (j ? "L" : "M") + sx(p[0]).toFixed(1) + " " + sy(p[1]).toFixed(1); }).join(" ");
      const path = el("path", { d: d, fill: "none", stroke: color, "stroke-width": 2, class: "series" });
      if (s.dashed) path.setAttribute("stroke-dasharray", "6 4");
      path.appendChild(el("title", {}, s.name));
      chart.appendChild(path);
      if (s.markers) s.points.forEach(function (p) { chart.appendChild(el("circle", { cx: sx(p[0]), cy: sy(p[1]), r: 3, fill: color })); });
    });
    legend(chart, series, L, H - 18, W);
    return chart;
  }

  function legend(chart, series, x, y, width) {
    let cx = x, cy = y;
    series.forEach(function (s, i) {
      const color = s.color || PALETTE[i % PALETTE.length], w = 34 + 7 * String(s.name).length;
      if (cx + w > width) { cx = x; cy += 14; }
      const line = el("line", { x1: cx, x2: cx + 22, y1: cy - 4, y2: cy - 4, stroke: color, "stroke-width": 2 });
      if (s.dashed) line.setAttribute("stroke-dasharray", "6 4");
      chart.appendChild(line);
      chart.appendChild(el("text", { x: cx + 26, y: cy }, s.name));
      cx += w;
    });
  }

  return { el: el, svg: svg, lineChart: lineChart, niceTicks: niceTicks, PALETTE: PALETTE };
})();
