/* Reviewers' corrections on the graph page (pages/_corrections_panel.html).
   Click an event for "Set role...", "Set time...", "Link to..." and "Rename"; click a link for "Confirm" and
   "Reject". The corrections are listed with withdraw buttons; reviewers' links are drawn dashed, confirmed ones
   bold, and rejected ones (not in the answers any more) only when "Show rejected links" is ticked. Every write
   goes to /api/incidents/{iid}/corrections with If-Match (the incident's ETag); then the page reloads, so
   everything on it is the corrected answer. */
"use strict";
(function () {
  const panel = document.getElementById("corrections");
  const graph = window.incidentGraph;
  if (!panel || !graph) return;
  const el = window.IncidentGraph.el;
  const api = "/api/incidents/" + encodeURIComponent(panel.dataset.incident) + "/corrections";
  const nameInput = document.getElementById("reviewer-name");
  const tokenInput = document.getElementById("reviewer-token");
  const note = document.getElementById("correction-note");
  const status = document.getElementById("correction-status");
  const actions = document.getElementById("correction-actions");
  const list = document.getElementById("correction-list");
  const showRejected = document.getElementById("show-rejected");
  const LINK_TYPES = ["CAUSES", "AFFECTS", "DEPENDS_ON"];
  const ROLES = ["root_cause", "not_root_cause", "trigger", "contributing_factor", "first_symptom", "symptom",
                 "impact", "recovery", "mitigation"];
  let etag = null;
  let report = { corrections: [], rejected_links: [] };

  // Beside the details panel in the causal view; below the three-column layout of the whole graph.
  const details = document.getElementById("details");
  const layout = details ? details.closest(".graph-layout") : null;
  if (layout) layout.after(panel);
  else if (details) details.after(panel);
  nameInput.value = localStorage.getItem("reviewer-name") || "";
  tokenInput.value = sessionStorage.getItem("reviewer-token") || "";
  nameInput.addEventListener("change", function () { localStorage.setItem("reviewer-name", nameInput.value.trim()); });
  tokenInput.addEventListener("change", function () { sessionStorage.setItem("reviewer-token", tokenInput.value.trim()); });

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", Boolean(isError));
  }

  function headers(json) {
    const out = {};
    if (json) out["Content-Type"] = "application/json";
    if (etag) out["If-Match"] = etag;
    const token = tokenInput.value.trim();
    if (token) out.Authorization = "Bearer " + token;
    return out;
  }

  function write(method, url, body) {
    say("Saving…");
    return fetch(url, { method: method, headers: headers(body !== undefined),
                        body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (response) {
        if (response.ok) {
          say("Saved; showing the corrected graph…");
          window.location.reload();
          return null;
        }
        return response.json().catch(function () { return {}; }).then(function (problem) {
          say((problem.detail || response.status + " " + response.statusText), true);
        });
      })
      .catch(function (err) { say("Could not save: " + err, true); });
  }

  function correct(fields) {
    const body = Object.assign({}, fields);
    const author = nameInput.value.trim();
    const text = note.value.trim();
    if (author) body.author = author;
    if (text) body.note = text;
    return write("POST", api, body);
  }

  function button(label, id, onClick) {
    const b = el("button", label);
    b.type = "button";
    b.id = id;
    b.addEventListener("click", onClick);
    return b;
  }

  function choice(id, options) {
    const select = el("select");
    select.id = id;
    options.forEach(function (o) {
      const option = el("option", o.label);
      option.value = o.value;
      select.appendChild(option);
    });
    return select;
  }

  function labelOf(id) {
    const node = graph.data.nodes.find(function (n) { return n.id === id; });
    return node ? node.label : id;
  }

  function row() {
    const div = el("div", null, "actions");
    div.append.apply(div, arguments);
    return div;
  }

  function showLink(edge) {
    actions.replaceChildren(el("p", labelOf(edge.from) + " → " + labelOf(edge.to) + " (" + edge.type + ")"));
    if (LINK_TYPES.indexOf(edge.type) < 0) {
      actions.appendChild(el("p", "Only CAUSES, AFFECTS and DEPENDS_ON links can be corrected.", "hint"));
      return;
    }
    const link = { source: edge.from, target: edge.to, type: edge.type };
    actions.appendChild(row(
      button("Confirm", "confirm-link", function () { correct(Object.assign({ action: "accept_link" }, link)); }),
      button("Reject", "reject-link", function () { correct(Object.assign({ action: "reject_link" }, link)); })));
  }

  function showEvent(node) {
    actions.replaceChildren(el("p", node.label + (node.role ? " (" + node.role.replace(/_/g, " ") + ")" : "")));
    const roles = choice("role-choice", ROLES.map(function (r) { return { value: r, label: r.replace(/_/g, " ") }; }));
    actions.appendChild(row(roles, button("Set role…", "set-role", function () {
      correct({ action: "set_role", node: node.id, role: roles.value });
    })));
    const time = el("input");
    time.id = "time-choice";
    time.placeholder = "2025-10-20T06:48:00Z";
    time.value = node.at || "";
    actions.appendChild(row(time, button("Set time…", "set-time", function () {
      correct({ action: "set_time", node: node.id, utc: time.value.trim() });
    })));
    const others = graph.data.nodes.filter(function (n) { return n.kind === "Event" && n.id !== node.id; })
      .sort(function (a, b) { return String(a.label).localeCompare(String(b.label)); })
      .map(function (n) { return { value: n.id, label: n.label }; });
    const target = choice("link-choice", others);
    actions.appendChild(row(target, button("Link to…", "add-link", function () {
      correct({ action: "add_link", source: node.id, target: target.value, type: "CAUSES" });
    })));
    const name = el("input");
    name.id = "rename-choice";
    name.value = node.label;
    actions.appendChild(row(name, button("Rename", "rename-event", function () {
      correct({ action: "rename_event", node: node.id, label: name.value.trim() });
    })));
  }

  graph.network.on("click", function (params) {
    if (params.nodes && params.nodes.length) {
      const node = graph.nodes.get(params.nodes[0]);
      if (node && node.kind === "Event") showEvent(node);
      else actions.replaceChildren(el("p", "Only events and links can be corrected.", "hint"));
    } else if (params.edges && params.edges.length) {
      const edge = graph.edges.get(params.edges[0]);
      if (edge && !edge.rejected) showLink(edge);
    }
  });

  function withdraw(correction) {
    const author = nameInput.value.trim();
    return write("DELETE", api + "/" + encodeURIComponent(correction.id) +
                 (author ? "?author=" + encodeURIComponent(author) : ""));
  }

  function renderList() {
    list.replaceChildren();
    if (!report.corrections.length) {
      list.appendChild(el("li", "None yet.", "hint"));
      return;
    }
    report.corrections.forEach(function (c) {
      const li = el("li", null, c.status);
      li.dataset.correction = c.id;
      li.append(el("span", c.said || (c.action.replace(/_/g, " ") + ": " + (c.touches || []).join(", "))), " ",
                el("span", c.status, "badge"));
      if (c.status === "orphaned") li.append(" ", el("span", c.reason || ""));
      if (c.status === "withdrawn") li.append(" ", el("span", "withdrawn by " + c.withdrawn_by + " " + c.withdrawn_at));
      else li.append(" ", button("Withdraw", "withdraw-" + c.id, function () { withdraw(c); }));
      list.appendChild(li);
    });
  }

  function drawReviewed() {
    graph.edges.update(graph.data.edges.filter(function (e) { return e.added_by || e.confirmed_by; })
      .map(function (e) { return { id: e.id, dashes: Boolean(e.added_by), width: e.confirmed_by ? 3 : 1 }; }));
  }

  function rejectedEdges() {
    return (report.rejected_links || []).filter(function (r) {
      return graph.nodes.get(r.source) && graph.nodes.get(r.target);
    }).map(function (r, i) {
      return { id: "rejected-" + i, from: r.source, to: r.target, type: r.type, rejected: true, dashes: [2, 6],
               color: { color: "#b00020" }, arrows: "to", title: r.said };
    });
  }

  showRejected.addEventListener("change", function () {
    const edges = rejectedEdges();
    if (showRejected.checked) graph.edges.update(edges);
    else graph.edges.remove(edges.map(function (e) { return e.id; }));
  });

  fetch(api)
    .then(function (response) {
      etag = response.headers.get("ETag");
      return response.json();
    })
    .then(function (data) {
      report = data;
      renderList();
      drawReviewed();
      showRejected.parentNode.append(" (" + (report.rejected_links || []).length + ")");
      panel.dataset.loaded = "1";
    })
    .catch(function (err) { say("Could not read the corrections: " + err, true); });
})();
