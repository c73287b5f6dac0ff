/* The timeline page: milestones on an SVG time axis (UTC), a table with local times and durations,
   and the times the sources disagree on, each with both claims and their sources. */
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("timeline-data").textContent);
  const all = (data.timeline.events || []).filter(function (e) { return !isNaN(Date.parse(e.at)); });
  /* A time told only to the day is a band over that day, never a milestone at 00:00. */
  const events = all.filter(function (e) { return !e.band; });
  const bands = all.filter(function (e) { return e.band; });
  const start = data.timeline.start ? Date.parse(data.timeline.start.at) : null;
  const end = data.timeline.end ? Date.parse(data.timeline.end.at) : null;
  const local = data.local || {};
  const S = window.Svg;

  function text(tag, content, cls) {
    const node = document.createElement(tag);
    node.textContent = content === undefined || content === null ? "" : String(content);
    if (cls) node.className = cls;
    return node;
  }
  function pad(n) { return String(n).padStart(2, "0"); }
  function clock(ms, offsetMin, zone) {
    const d = new Date(ms + (offsetMin || 0) * 60000);
    return d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " +
      pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + " " + zone;
  }
  function span(minutes) {
    if (minutes === null || isNaN(minutes)) return "";
    const h = Math.floor(Math.abs(minutes) / 60), m = Math.round(Math.abs(minutes) % 60);
    return (minutes < 0 ? "-" : "") + (h ? h + " h " : "") + m + " min";
  }
  /* The instant a claim's normalised value names ("2025-10-20T07:48:00Z;converts=..."), or null. */
  function claimTime(claim) {
    const head = String(claim.value || "").split(";")[0];
    const t = Date.parse(head);
    return /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(head) && !isNaN(t) ? t : null;
  }
  const conflicts = (data.conflicts.conflicts || []).concat(data.timeline.conflicts || []);
  const seen = new Set();
  const uniqueConflicts = conflicts.filter(function (c) {
    const key = c.about + "|" + c.claims.map(function (x) { return x.id; }).join(",");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });

  function drawAxis() {
    const box = document.getElementById("timeline-axis");
    const marks = [];
    uniqueConflicts.forEach(function (c) {
      c.claims.forEach(function (claim) { const t = claimTime(claim); if (t !== null) marks.push({ t: t, claim: claim, c: c }); });
    });
    let times = events.map(function (e) { return Date.parse(e.at); });
    if (!times.length) times = bands.map(function (e) { return Date.parse(e.band.from); });
    if (!times.length) { box.replaceChildren(text("p", "No timed events.", "hint")); return; }
    const W = 900, H = 230, L = 20, R = 20, axisY = 150;
    // The axis spans the milestones; a disputed time far outside them (a wrong year) is listed below, not drawn.
    const e0 = Math.min.apply(null, times), e1 = Math.max.apply(null, times), slack = Math.max(e1 - e0, 3600000) / 4;
    // A clock-time dispute is about the time of day: a claim dated on another day (a wrong date in its
    // article, reported as its own conflict) is drawn at its clock time on the nearest day of the axis.
    const day = 86400000, mid = (e0 + e1) / 2;
    marks.forEach(function (m) {
      if (m.c.kind === "time" && (m.t < e0 - slack || m.t > e1 + slack)) {
        m.t += Math.round((mid - m.t) / day) * day;
        m.moved = true;
      }
    });
    const near = marks.filter(function (m) { return m.t >= e0 - slack && m.t <= e1 + slack; });
    const t0 = Math.min.apply(null, [e0].concat(near.map(function (m) { return m.t; })));
    const t1 = Math.max.apply(null, [e1].concat(near.map(function (m) { return m.t; })));
    const sx = function (t) { return L + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (W - L - R); };
    const chart = S.svg(W, H, "timeline from " + clock(t0, 0, "UTC") + " to " + clock(t1, 0, "UTC"));
    chart.appendChild(S.el("line", { x1: L, x2: W - R, y1: axisY, y2: axisY, stroke: "#1d232b" }));
    // Ticks every 1, 2, 3, 6 or 12 hours, or whole days; labels carry the date once the axis spans days.
    const hour = 3600000, want = (t1 - t0) / hour / 8;
    const stepH = [1, 2, 3, 6, 12, 24, 48, 168, 720, 8760].find(function (h) { return h >= want; }) || 8760;
    const multiDay = t1 - t0 > 24 * hour;
    for (let t = Math.ceil(t0 / (stepH * hour)) * stepH * hour; t <= t1; t += stepH * hour) {
      const d = new Date(t);
      chart.appendChild(S.el("line", { x1: sx(t), x2: sx(t), y1: axisY, y2: axisY + 6, stroke: "#1d232b" }));
      chart.appendChild(S.el("text", { x: sx(t), y: axisY + 20, "text-anchor": "middle" },
        (multiDay ? d.getUTCFullYear() + "-" + pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " : "") +
        (stepH < 24 ? pad(d.getUTCHours()) + ":00" : "")));
    }
    bands.forEach(function (e) {
      const x0 = Math.max(sx(Date.parse(e.band.from)), L), x1 = Math.min(sx(Date.parse(e.band.to)), W - R);
      const rect = S.el("rect", { x: x0, y: axisY - 10, width: Math.max(x1 - x0, 2), height: 20, class: "band" });
      rect.appendChild(S.el("title", {}, e.band.from.slice(0, 10) + " (the whole day; no time told) " + e.label));
      chart.appendChild(rect);
    });
    events.forEach(function (e, i) {
      const x = sx(Date.parse(e.at)), row = i % 5, y = 16 + row * 24;
      chart.appendChild(S.el("line", { x1: x, x2: x, y1: y + 4, y2: axisY, class: "grid" }));
      const dot = S.el("circle", { cx: x, cy: axisY, r: 5, class: "milestone" });
      dot.appendChild(S.el("title", {}, clock(Date.parse(e.at), 0, "UTC") + " " + e.label +
                                        ((e.also || []).length ? " (also: " + e.also.join(", ") + ")" : "")));
      chart.appendChild(dot);
      const anchor = x > W * 0.7 ? "end" : "start";
      chart.appendChild(S.el("text", { x: x, y: y, "text-anchor": anchor }, e.label.length > 40 ? e.label.slice(0, 39) + "…" : e.label));
    });
    near.forEach(function (m) {
      const mark = S.el("rect", { x: sx(m.t) - 4, y: axisY + 28, width: 8, height: 8, class: "conflict" });
      mark.appendChild(S.el("title", {}, "disputed: " + m.claim.text + " (" + m.claim.source + ")" +
                                          (m.moved ? "; drawn at its clock time, its date is disputed too" : "")));
      chart.appendChild(mark);
    });
    chart.appendChild(S.el("text", { x: L, y: H - 6 }, clock(t0, 0, "UTC") + "  →  " + clock(t1, 0, "UTC")));
    box.replaceChildren(chart);
  }

  function fillTable() {
    const body = document.querySelector("#timeline-table tbody");
    const hasLocal = local.zone && typeof local.offset_minutes === "number";
    document.getElementById("local-head").textContent = hasLocal ? "Local (" + local.zone + ")" : "Local";
    document.getElementById("zone-note").textContent = hasLocal
      ? "The articles give times in " + local.zone + " (UTC" + (local.offset_minutes < 0 ? "−" : "+") +
        span(Math.abs(local.offset_minutes)).replace(" min", "").replace(" h 0", " h") + "); both are shown."
      : "The articles give no local time zone; times are UTC.";
    let previous = null;
    all.forEach(function (e) {
      const t = Date.parse(e.at), row = document.createElement("tr");
      row.dataset.id = e.id;
      const cells = e.band
        ? [e.band.from.slice(0, 10) + " (day)", "", e.label, e.role ? e.role.replace(/_/g, " ") : "", "", "",
           (e.sources || []).join("; ")]
        : [clock(t, 0, "UTC"), hasLocal ? clock(t, local.offset_minutes, local.zone) : "", e.label,
           e.role ? e.role.replace(/_/g, " ") : "", previous === null ? "" : span((t - previous) / 60000),
           start === null ? "" : span((t - start) / 60000), (e.sources || []).join("; ")];
      cells.forEach(function (v) { row.appendChild(text("td", v)); });
      body.appendChild(row);
      if (!e.band) previous = t;
    });
    document.getElementById("outage-span").textContent = start !== null && end !== null
      ? "The outage ran from " + clock(start, 0, "UTC") + " to " + clock(end, 0, "UTC") + " (" +
        data.timeline.duration_text + ")."
      : "The sources give no start and end to the minute.";
  }

  function fillLists() {
    const durations = document.getElementById("durations");
    (data.timeline.durations || []).forEach(function (d) {
      durations.appendChild(text("li", d.from_label + " → " + d.to_label + ": " + d.text));
    });
    if (!durations.children.length) durations.appendChild(text("li", "No durations between milestones.", "hint"));
    const list = document.getElementById("conflicts");
    uniqueConflicts.forEach(function (c) {
      const li = text("li", "");
      li.appendChild(text("strong", c.about + (c.kind ? " (" + c.kind + ")" : "")));
      c.claims.forEach(function (claim) {
        const line = text("span", "“" + claim.text + "” — " + claim.source + (claim.value ? " [" + claim.value + "]" : ""),
                          "claim" + (claim.id === c.likely ? " likely" : ""));
        if (claim.id === c.likely) line.appendChild(text("em", " (more likely right)"));
        li.appendChild(line);
      });
      if (c.reason) li.appendChild(text("span", c.reason, "claim hint"));
      list.appendChild(li);
    });
    if (!list.children.length) list.appendChild(text("li", "The sources do not disagree on any time or date.", "hint"));
  }

  drawAxis();
  fillTable();
  fillLists();
})();
