/* The counterfactual page: run a model scenario or a graph intervention through the API, compare it
   with the baseline (outcome table, availability chart), grey out averted nodes, sweep a parameter,
   and ask the model checker for the shortest counterexample of the DNS race. */
"use strict";
(function () {
  const iid = document.querySelector(".cf-form").dataset.incident;
  const graph = window.IncidentGraph.mount("graph-data");
  window.incidentGraph = graph;
  const original = new Map(graph.data.nodes.map(function (n) { return [n.id, n.color]; }));
  const status = document.getElementById("cf-status");
  const api = window.Api, S = window.Svg, el = window.IncidentGraph.el;
  let model = { scenarios: [], parameters: [], fixes: [] };

  function nameOf(item) { return typeof item === "string" ? item : (item.name || item.id || JSON.stringify(item)); }
  function isTime(v) { return typeof v === "string" && /^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v); }
  function show(v) {
    if (v === null || v === undefined) return "—";
    if (typeof v === "boolean") return v ? "yes" : "no";
    if (typeof v === "number") return String(Math.round(v * 100) / 100);
    if (Array.isArray(v)) return v.map(show).join(", ");
    return String(v);
  }

  /* Parameters as [{name, value}] whatever shape /api/model gives them in. */
  function parameters(raw) {
    if (!raw) return [];
    if (!Array.isArray(raw)) return Object.keys(raw).map(function (k) { return { name: k, value: raw[k] }; });
    return raw.map(function (p) {
      if (typeof p === "string") return { name: p, value: null };
      return { name: p.name || p.id, value: p.value !== undefined ? p.value : p.default, unit: p.unit,
               description: p.description, min: p.min, max: p.max };
    }).filter(function (p) { return p.name; });
  }

  function fillModel() {
    const scenario = document.getElementById("scenario"), sweepParam = document.getElementById("sweep-param");
    scenario.replaceChildren();
    model.scenarios.map(nameOf).forEach(function (name) {
      const option = el("option", name);
      option.value = name;
      scenario.appendChild(option);
    });
    const box = document.getElementById("params");
    box.replaceChildren(el("p", "Leave a parameter empty to keep the scenario's value.", "hint"));
    parameters(model.parameters).filter(function (p) { return p.value === null || typeof p.value === "number"; })
      .forEach(function (p) {
        const label = el("label", p.name + (p.unit ? " (" + p.unit + ")" : ""));
        const input = el("input");
        input.type = "number"; input.step = "any"; input.dataset.param = p.name;
        input.placeholder = p.value === null ? "" : String(p.value);
        if (typeof p.min === "number") input.min = p.min;
        if (typeof p.max === "number") input.max = p.max;
        if (p.description) label.title = p.description;
        label.appendChild(input);
        box.appendChild(label);
        const option = el("option", p.name);
        option.value = p.name;
        option.dataset.min = typeof p.min === "number" ? p.min : "";
        option.dataset.max = typeof p.max === "number" ? p.max : "";
        sweepParam.appendChild(option);
        document.getElementById("sweep-against").appendChild(option.cloneNode(true));
      });
    sweepParam.dispatchEvent(new Event("change"));
    const fixes = document.getElementById("check-fixes");
    fixes.replaceChildren(el("p", "Fixes to switch on:", "hint"));
    (model.fixes || []).map(nameOf).forEach(function (name) {
      const label = el("label", " " + name), box2 = el("input");
      box2.type = "checkbox"; box2.value = name;
      label.prepend(box2);
      fixes.appendChild(label);
    });
  }

  function fillRemovable() {
    const select = document.getElementById("remove");
    graph.data.nodes.filter(function (n) { return String(n.kind) === "Event"; })
      .sort(function (a, b) { return (a.role === "root_cause" ? 0 : 1) - (b.role === "root_cause" ? 0 : 1) ||
                                     String(a.label).localeCompare(String(b.label)); })
      .forEach(function (n) {
        const option = el("option", n.label + (n.role ? " — " + n.role.replace(/_/g, " ") : ""));
        option.value = n.id;
        select.appendChild(option);
      });
  }

  /* "DWFM collapses for lease_timeout_min 10–20." from the API's [[first, last], ...] runs of collapsing points. */
  function collapseText(param, ranges) {
    if (!ranges || !ranges.length) return "No DWFM congestive collapse.";
    return "DWFM collapses for " + param + " " + ranges.map(function (r) {
      return r[0] === r[1] ? String(r[0]) : r[0] + "–" + r[1];
    }).join(", ") + ".";
  }

  function changedParams() {
    const out = {};
    document.querySelectorAll("#params input[data-param]").forEach(function (input) {
      if (input.value !== "") out[input.dataset.param] = Number(input.value);
    });
    return out;
  }

  /* Availability series of one run as [{service, points: [[hours, value]]}], from the shapes the model may use. */
  function availability(run, t0) {
    const raw = run && (run.availability || run.series || (run.timeseries && run.timeseries.availability));
    if (!raw) return [];
    const entries = Array.isArray(raw)
      ? raw.map(function (s) { return [s.service || s.name, s.points || s.series || s.values]; })
      : Object.keys(raw).map(function (k) { return [k, raw[k]]; });
    return entries.map(function (entry) {
      const points = (entry[1] || []).map(function (p) {
        const t = Array.isArray(p) ? p[0] : (p.at !== undefined ? p.at : (p.t !== undefined ? p.t : (p.time !== undefined ? p.time : p.minute)));
        const v = Array.isArray(p) ? p[1] : (p.availability !== undefined ? p.availability : (p.value !== undefined ? p.value : p.up));
        const hours = isTime(t) ? (Date.parse(t) - t0) / 3600000 : Number(t) / (p && p.minute !== undefined ? 60 : 1);
        return [hours, typeof v === "boolean" ? (v ? 1 : 0) : Number(v)];
      }).filter(function (p) { return isFinite(p[0]) && isFinite(p[1]); });
      return { service: String(entry[0]), points: points };
    }).filter(function (s) { return s.points.length; });
  }

  function firstTime(run) {
    let best = Infinity;
    JSON.stringify(run || {}, function (k, v) { if (isTime(v)) best = Math.min(best, Date.parse(v)); return v; });
    return best;
  }

  function showComparison(result) {
    document.getElementById("cf-result").hidden = false;
    const base = result.baseline || {}, cf = result.counterfactual || {};
    const body = document.querySelector("#cf-outcomes tbody");
    body.replaceChildren();
    const keys = [...new Set(Object.keys(base).concat(Object.keys(cf)))].filter(function (k) {
      const v = base[k] !== undefined ? base[k] : cf[k];
      return v === null || typeof v !== "object";
    });
    keys.forEach(function (k) {
      const row = el("tr");
      [k.replace(/_/g, " "), show(base[k]), show(cf[k])].forEach(function (v) { row.appendChild(el("td", v)); });
      if (show(base[k]) !== show(cf[k])) row.className = "changed";
      body.appendChild(row);
    });
    const t0 = Math.min(firstTime(base), firstTime(cf));
    lastSeries = { base: availability(base, t0), cf: availability(cf, t0), t0: t0 };
    const pick = document.getElementById("availability-service"), keep = pick.value;
    pick.replaceChildren(el("option", "mean of all services"));
    pick.firstChild.value = "";
    [...new Set(lastSeries.base.concat(lastSeries.cf).map(function (s) { return s.service; }))].sort().forEach(function (name) {
      const option = el("option", name);
      option.value = name;
      pick.appendChild(option);
    });
    pick.value = [...pick.options].some(function (o) { return o.value === keep; }) ? keep : "";
    drawAvailability();
    greyOut(result.averted || []);
  }

  let lastSeries = null;

  /* Mean availability over services at each time of the first series (all share the model's time grid). */
  function meanSeries(list) {
    if (!list.length) return [];
    return list[0].points.map(function (p, i) {
      const values = list.map(function (s) { return s.points[i] ? s.points[i][1] : NaN; }).filter(isFinite);
      return [p[0], values.reduce(function (a, b) { return a + b; }, 0) / values.length];
    });
  }

  function drawAvailability() {
    const chart = document.getElementById("availability-chart"), service = document.getElementById("availability-service").value;
    const pickOut = function (list) {
      if (!service) return meanSeries(list);
      const found = list.find(function (s) { return s.service === service; });
      return found ? found.points : [];
    };
    const name = service || "all services (mean)";
    const base = pickOut(lastSeries.base), cf = pickOut(lastSeries.cf);
    if (!base.length && !cf.length) {
      chart.replaceChildren(el("p", "This run has no availability series (a graph intervention changes the graph, not the model).", "hint"));
      return;
    }
    // A run without an outage has no series: every service stays available, drawn as a flat line at 1.
    const span = (base.length ? base : cf).map(function (p) { return [p[0], 1]; });
    S.lineChart(chart, [{ name: name + " baseline", points: base.length ? base : span, color: S.PALETTE[0] },
                        { name: name + " counterfactual", points: cf.length ? cf : span, color: S.PALETTE[1], dashed: true }],
                { xLabel: "hours after " + (isFinite(lastSeries.t0) ? new Date(lastSeries.t0).toISOString().slice(0, 16) + "Z" : "start"),
                  yLabel: "availability", yMin: 0, yMax: 1, label: "availability over time",
                  xFormat: function (v) { return v + " h"; } });
  }
  document.getElementById("availability-service").addEventListener("change", function () { if (lastSeries) drawAvailability(); });

  function greyOut(averted) {
    const set = new Set(averted);
    graph.data.nodes.forEach(function (n) {
      n.greyed = set.has(n.id);
      n.color = n.greyed ? "#dddddd" : original.get(n.id);
    });
    window.IncidentGraph.highlight(graph);
    const list = document.getElementById("averted-list");
    list.replaceChildren();
    graph.data.nodes.filter(function (n) { return n.greyed; }).forEach(function (n) {
      const li = el("li", n.label);
      li.dataset.id = n.id;
      list.appendChild(li);
    });
    document.getElementById("averted-summary").textContent = averted.length
      ? averted.length + " node(s) averted (greyed out in the graph):"
      : "Nothing in the graph is averted.";
    document.body.dataset.averted = String(averted.length);
  }

  async function run(body, what) {
    status.textContent = "Running " + what + "…";
    try {
      const result = await api.request("POST", api.incidentUrl(iid, "/counterfactuals"), body);
      showComparison(result);
      status.textContent = what + ": done.";
      return result;
    } catch (error) {
      status.textContent = what + " failed: " + error.message;
      return null;
    }
  }

  document.getElementById("scenario-form").addEventListener("submit", function (event) {
    event.preventDefault();
    const name = document.getElementById("scenario").value;
    run({ scenario: name, params: changedParams() }, "scenario " + name);
  });
  document.getElementById("remove-form").addEventListener("submit", function (event) {
    event.preventDefault();
    const ids = [...document.getElementById("remove").selectedOptions].map(function (o) { return o.value; });
    if (!ids.length) { status.textContent = "Pick at least one node to remove."; return; }
    run({ remove: ids }, "removing " + ids.length + " node(s)");
  });
  document.getElementById("sweep-param").addEventListener("change", function (event) {
    const option = event.target.selectedOptions[0];
    if (!option) return;
    document.getElementById("sweep-from").value = option.dataset.min;
    document.getElementById("sweep-to").value = option.dataset.max;
  });
  document.getElementById("sweep-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const param = document.getElementById("sweep-param").value, metric = document.getElementById("sweep-metric").value;
    const lo = Number(document.getElementById("sweep-from").value), hi = Number(document.getElementById("sweep-to").value);
    const steps = Math.max(2, Math.min(50, Number(document.getElementById("sweep-steps").value) || 6));
    if (!param || !isFinite(lo) || !isFinite(hi)) { status.textContent = "Choose a parameter and a numeric range."; return; }
    const scenario = document.getElementById("scenario").value || "baseline";
    const against = document.getElementById("sweep-against").value;
    const againstValues = document.getElementById("sweep-against-values").value.split(",")
      .map(function (v) { return v.trim(); }).filter(Boolean).map(Number);
    if (against && (!againstValues.length || !againstValues.every(isFinite))) {
      status.textContent = "Give the values of " + against + " as numbers separated by commas."; return;
    }
    const fixed = changedParams();
    delete fixed[param];
    if (against) delete fixed[against];
    const body = { scenario: scenario, params: fixed, sweep: { parameter: param, start: lo, stop: hi, steps: steps } };
    if (against) body.against = { parameter: against, values: againstValues };
    status.textContent = "Sweeping " + param + (against ? " against " + against : "") + "…";
    let result;
    try {
      result = await api.request("POST", api.incidentUrl(iid, "/counterfactuals"), body);
    } catch (error) { status.textContent = "Sweep failed: " + error.message; return; }
    const rows = result.points || [];
    const times = rows.map(function (p) { return p[metric]; }).filter(isTime).map(Date.parse);
    const reference = times.length ? Math.min.apply(null, times) : null;
    const lines = new Map(), none = [];
    rows.forEach(function (p) {
      const key = against ? against + " = " + p.against_value : "";
      if (!lines.has(key)) lines.set(key, []);
      const y = isTime(p[metric]) ? (Date.parse(p[metric]) - reference) / 3600000 : p[metric];
      if (typeof y === "number" && isFinite(y)) lines.get(key).push([p.value, y]);
      else none.push(p.value + (against ? " (" + key + ")" : ""));
    });
    document.getElementById("sweep-result").hidden = false;
    const label = metric.replace(/_/g, " ") + (reference !== null ? " (h after " + new Date(reference).toISOString().slice(0, 16) + "Z)" : "");
    S.lineChart(document.getElementById("sweep-chart"), [...lines].map(function (entry) {
      return { name: entry[0] || label, points: entry[1], markers: true };
    }), { xLabel: param, yLabel: label, label: "sweep of " + param + (against ? " against " + against : "") });
    document.getElementById("sweep-caption").textContent = label + " as " + param + " goes from " + lo + " to " + hi +
      " in scenario " + scenario + "." + (none.length ? " No value (no outage) at " + param + " = " + none.join(", ") + "." : "") +
      (against ? (result.boundary || []).map(function (row) {
        return " " + against + " = " + row.against_value + ": " + collapseText(param, row.collapse_ranges);
      }).join("") : " " + collapseText(param, result.collapse_ranges));
    status.textContent = "Sweep done: " + rows.length + " runs.";
  });
  document.getElementById("check-form").addEventListener("submit", async function (event) {
    event.preventDefault();
    const body = { enactors: Number(document.getElementById("check-enactors").value),
                   plans: Number(document.getElementById("check-plans").value),
                   endpoints: Number(document.getElementById("check-endpoints").value),
                   fixes: [...document.querySelectorAll("#check-fixes input:checked")].map(function (b) { return b.value; }),
                   incident: iid };
    status.textContent = "Model checking…";
    try {
      const result = await api.request("POST", "/api/model/check", body);
      document.getElementById("check-result").hidden = false;
      document.getElementById("check-summary").textContent = (result.holds
        ? "The record is never empty: the safety property holds"
        : "The regional record can be emptied: shortest counterexample below") +
        " (" + result.states + " states, " + show(result.seconds) + " s).";
      const trace = document.getElementById("check-trace");
      trace.replaceChildren();
      (result.counterexample || []).forEach(function (step) {
        const words = typeof step === "string" ? step
          : (step.actor ? step.actor + ": " : "") + (step.description || step.action || JSON.stringify(step));
        const item = el("li", words);
        if (step.node) item.appendChild(el("em", " (graph: " + step.node + ")", "trace-node"));
        trace.appendChild(item);
      });
      status.textContent = "Model check done.";
    } catch (error) { status.textContent = "Model check failed: " + error.message; }
  });

  // Clicking an event in the graph adds it to (or takes it out of) the nodes to remove.
  graph.network.on("click", function (params) {
    if (!params.nodes.length) return;
    const option = [...document.getElementById("remove").options].find(function (o) { return o.value === params.nodes[0]; });
    if (option) option.selected = !option.selected;
  });

  fillRemovable();
  api.request("GET", "/api/model").then(function (data) {
    model = data;
    fillModel();
    document.body.dataset.modelReady = "1";
  }).catch(function (error) { status.textContent = "The model is not available: " + error.message; });
})();
