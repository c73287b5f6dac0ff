/* The incident network: builds a vis-network from the page's JSON data block, shows node and edge
   details in the side panel, filters by kind and role, and highlights why-chains.
   Every text from the data goes into the page through textContent, never innerHTML. */
"use strict";

window.IncidentGraph = (function () {
  const DIM = "#dddddd";

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function readData(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  function paintSwatches(root) {
    root.querySelectorAll(".swatch[data-color]").forEach(function (sw) {
      sw.style.backgroundColor = sw.dataset.color;
    });
  }

  function evidenceList(evidence) {
    const list = el("ul", null, "evidence");
    (evidence || []).forEach(function (item) {
      const li = el("li");
      const quote = typeof item === "string" ? item : (item.quote || item.text || item.sentence || "");
      li.appendChild(el("blockquote", quote));
      const sentence = typeof item === "object" && item ? item.sentence : null;
      if (sentence && sentence !== quote) li.appendChild(el("p", "In context: " + sentence, "context"));
      const source = typeof item === "object" && item ? (item.source_title || item.title || item.source) : null;
      if (source) li.appendChild(el("cite", source));
      list.appendChild(li);
    });
    if (!list.children.length) list.appendChild(el("li", "No quoted evidence.", "hint"));
    return list;
  }

  function fact(dl, name, value) {
    if (value === undefined || value === null || value === "") return;
    dl.appendChild(el("dt", name));
    dl.appendChild(el("dd", Array.isArray(value) ? value.join(", ") : value));
  }

  function confidenceText(value) {
    return typeof value === "number" ? value.toFixed(2) : value;
  }

  function showNode(panel, node) {
    panel.replaceChildren(el("h2", node.label));
    const dl = el("dl");
    fact(dl, "Kind", node.kind);
    fact(dl, "Role", node.role ? node.role.replace(/_/g, " ") : "none assigned");
    fact(dl, "Confidence", confidenceText(node.confidence));
    fact(dl, "At (UTC)", node.at);
    fact(dl, "Averted", node.greyed ? "yes" : null);
    fact(dl, "Id", node.id);
    panel.appendChild(dl);
    panel.appendChild(el("h3", "Evidence"));
    panel.appendChild(evidenceList(node.evidence));
  }

  function showEdge(panel, edge, nodes) {
    const from = nodes.get(edge.from), to = nodes.get(edge.to);
    panel.replaceChildren(el("h2", edge.type || edge.label));
    const dl = el("dl");
    fact(dl, "From", from ? from.label : edge.from);
    fact(dl, "To", to ? to.label : edge.to);
    fact(dl, "Cue", edge.cue);
    fact(dl, "Confidence", confidenceText(edge.confidence));
    panel.appendChild(dl);
    panel.appendChild(el("h3", "Evidence"));
    panel.appendChild(evidenceList(edge.evidence));
  }

  /* Ids of the nodes and edges on some CAUSES path from a root cause to target. */
  function whyChains(data, target) {
    const causes = data.edges.filter(function (e) { return String(e.type).toUpperCase() === "CAUSES"; });
    const up = new Map(), down = new Map();
    causes.forEach(function (e) {
      if (!up.has(e.to)) up.set(e.to, []);
      up.get(e.to).push(e.from);
      if (!down.has(e.from)) down.set(e.from, []);
      down.get(e.from).push(e.to);
    });
    function reach(start, adj) {
      const seen = new Set(start), queue = start.slice();
      while (queue.length) {
        (adj.get(queue.shift()) || []).forEach(function (n) {
          if (!seen.has(n)) { seen.add(n); queue.push(n); }
        });
      }
      return seen;
    }
    const ancestors = reach([target], up);
    const roots = data.nodes.filter(function (n) { return n.role === "root_cause" && ancestors.has(n.id); })
      .map(function (n) { return n.id; });
    const fromRoots = reach(roots, down);
    const onPath = new Set([...ancestors].filter(function (id) { return fromRoots.has(id); }));
    const edges = causes.filter(function (e) { return onPath.has(e.from) && onPath.has(e.to); })
      .map(function (e) { return e.id; });
    return { roots: roots, nodes: onPath, edges: new Set(edges) };
  }

  function create(container, data, panel) {
    // The causal view leaves the kinds it hides out of the layout until the reader shows them (installFilters).
    const off = new Set(data.hidden_kinds || []);
    const nodes = new vis.DataSet(data.nodes.filter(function (n) { return !off.has(String(n.kind)); }));
    const edges = new vis.DataSet(data.edges);
    const network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    const status = document.getElementById("graph-status");
    function ready() {
      // Freeze the layout once it has settled, so clicks and highlights do not move the nodes.
      network.setOptions({ physics: false });
      if (data.hidden_kinds) readableZoom(network, data.options);
      if (status) status.textContent = nodes.length + " nodes, " + drawnEdges(network) + " edges drawn.";
      network.once("afterDrawing", function () { document.body.dataset.graphReady = "1"; });
      network.redraw();
    }
    const physics = data.options.physics || {};
    if (physics.enabled === false || (physics.stabilization && physics.stabilization.enabled === false)) ready();
    else network.once("stabilizationIterationsDone", ready);
    function show(params) {
      if (params.nodes && params.nodes.length) showNode(panel, nodes.get(params.nodes[0]));
      else if (params.edges && params.edges.length) showEdge(panel, edges.get(params.edges[0]), nodes);
    }
    network.on("click", show);
    if (data.hidden_kinds) hoverLabels(network, edges);
    if (data.hidden_kinds) layerBands(network, data.nodes);
    network.on("hoverNode", function (p) { showNode(panel, nodes.get(p.node)); });
    network.on("hoverEdge", function (p) { showEdge(panel, edges.get(p.edge), nodes); });
    return { network: network, nodes: nodes, edges: edges, data: data };
  }

  /* Fit the drawing, then zoom in until labels are at least MIN_LABEL_PX on screen, showing the leftmost
     (root cause) layers first, at the height of the most connected root cause but never past the drawing's
     top or bottom; the reader pans right along the chains. */
  const MIN_LABEL_PX = 12, LABEL_HALF_WIDTH = 100;
  function readableZoom(network, options) {
    network.fit({ animation: false });
    const font = ((options.nodes || {}).font || {}).size || 14;
    const scale = MIN_LABEL_PX / font;
    if (network.getScale() >= scale) return;
    const positions = network.getPositions();
    const xs = Object.values(positions).map(function (p) { return p.x; });
    const ys = Object.values(positions).map(function (p) { return p.y; });
    let start = null, best = -1;
    Object.keys(positions).forEach(function (id) {
      const node = network.body.data.nodes.get(id), links = network.getConnectedEdges(id).length;
      if (node && node.role === "root_cause" && links > best) { best = links; start = id; }
    });
    const box = network.canvas.frame.canvas.getBoundingClientRect();
    const half = box.height / 2 / scale, top = Math.min.apply(null, ys) - 20, bottom = Math.max.apply(null, ys) + 60;
    const wanted = start ? positions[start].y : (top + bottom) / 2;
    const y = bottom - top <= 2 * half ? (top + bottom) / 2 : Math.min(Math.max(wanted, top + half), bottom - half);
    const x = Math.min.apply(null, xs) - LABEL_HALF_WIDTH + box.width / 2 / scale;
    network.moveTo({ position: { x: x, y: y }, scale: scale, animation: false });
  }

  /* A light band behind each layer of the causal view (a layer may be folded into several sub-columns), so the
     reader sees the steps from root cause to impact. Drawn from the server's positions, under the nodes. */
  function layerBands(network, all) {
    const bands = new Map();
    let top = Infinity, bottom = -Infinity;
    all.forEach(function (n) {
      if (n.hidden || typeof n.x !== "number") return;
      const band = bands.get(n.level) || { x0: n.x, x1: n.x };
      band.x0 = Math.min(band.x0, n.x);
      band.x1 = Math.max(band.x1, n.x);
      bands.set(n.level, band);
      top = Math.min(top, n.y);
      bottom = Math.max(bottom, n.y);
    });
    network.on("beforeDrawing", function (ctx) {
      ctx.fillStyle = "#f1f4f8";
      bands.forEach(function (b) { ctx.fillRect(b.x0 - 100, top - 45, b.x1 - b.x0 + 200, bottom - top + 110); });
    });
  }

  /* Edges whose two ends are in the picture (an edge to a kind the reader has not switched on is not drawn). */
  function drawnEdges(network) {
    return network.body.edgeIndices.filter(function (id) { return network.body.edges[id].connected; }).length;
  }

  /* Edge labels appear while the pointer is on the edge, so the chains are not buried under their text. */
  function hoverLabels(network, edges) {
    network.on("hoverEdge", function (p) { edges.update({ id: p.edge, label: edges.get(p.edge).type }); });
    network.on("blurEdge", function (p) { edges.update({ id: p.edge, label: "" }); });
  }

  /* Colour every node and edge from its data, dimming those not in keep (when keep is given). */
  function highlight(graph, keepNodes, keepEdges) {
    const drawn = graph.data.nodes.filter(function (n) { return graph.nodes.get(n.id); });  // update must not add
    graph.nodes.update(drawn.map(function (n) {
      const on = !keepNodes || keepNodes.has(n.id);
      return { id: n.id, color: on ? n.color : DIM, borderWidth: keepNodes && on ? 3 : (n.borderWidth || 1) };
    }));
    graph.edges.update(graph.data.edges.map(function (e) {
      const on = !keepEdges || keepEdges.has(e.id);
      return { id: e.id, color: { color: on ? (keepEdges ? "#d62728" : "#8a8f98") : "#eeeeee" },
               width: keepEdges && on ? 3 : 1 };
    }));
  }

  function checkbox(fieldset, value, title, onChange, checked) {
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = checked !== false;
    box.value = value;
    box.addEventListener("change", onChange);
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + title));
    fieldset.appendChild(label);
  }

  function checkedValues(fieldset) {
    return new Set([...fieldset.querySelectorAll("input:checked")].map(function (b) { return b.value; }));
  }

  /* Checkboxes for every node kind and role present in the data; unchecking hides those nodes. */
  function installFilters(graph, kindSet, roleSet) {
    const off = new Set(graph.data.hidden_kinds || []);  // the causal view starts with events only
    function apply() {
      const kinds = checkedValues(kindSet), roles = checkedValues(roleSet);
      // Kinds left out of the causal layout join it (and leave it) as the reader ticks them.
      const optional = graph.data.nodes.filter(function (n) { return off.has(String(n.kind)); });
      graph.nodes.remove(optional.filter(function (n) { return !kinds.has(String(n.kind)); }).map(function (n) { return n.id; }));
      graph.nodes.update(optional.filter(function (n) { return kinds.has(String(n.kind)); }));
      graph.nodes.update(graph.data.nodes.filter(function (n) { return graph.nodes.get(n.id); }).map(function (n) {
        return { id: n.id, hidden: !(kinds.has(String(n.kind)) && roles.has(n.role || "none")) };
      }));
    }
    const kinds = [...new Set(graph.data.nodes.map(function (n) { return String(n.kind); }))].sort();
    const roles = [...new Set(graph.data.nodes.map(function (n) { return n.role || "none"; }))].sort();
    const names = { TimePoint: "Time points", Component: "Components", Event: "Events" };
    kinds.forEach(function (k) { checkbox(kindSet, k, off.size ? (names[k] || k) : k, apply, !off.has(k)); });
    roles.forEach(function (r) { checkbox(roleSet, r, r === "none" ? "no role" : r.replace(/_/g, " "), apply); });
  }

  function installWhy(graph, select, clear, status) {
    graph.data.nodes.filter(function (n) { return String(n.kind).toLowerCase() === "event"; })
      .sort(function (a, b) { return String(a.label).localeCompare(String(b.label)); })
      .forEach(function (n) {
        const option = el("option", n.label);
        option.value = n.id;
        select.appendChild(option);
      });
    select.addEventListener("change", function () {
      if (!select.value) { highlight(graph); status.textContent = ""; return; }
      const chains = whyChains(graph.data, select.value);
      if (!chains.roots.length) {
        highlight(graph, new Set([select.value]), new Set());
        status.textContent = "No causal chain from a root cause reaches this node.";
        return;
      }
      highlight(graph, chains.nodes, chains.edges);
      graph.network.fit({ nodes: [...chains.nodes], animation: false });
      status.textContent = chains.nodes.size + " nodes on the chains from " + chains.roots.length + " root cause(s).";
      graph.network.selectNodes([select.value]);
    });
    clear.addEventListener("click", function () { select.value = ""; select.dispatchEvent(new Event("change")); });
  }

  /* Save what the canvas shows now (zoom, pan and filters included) as a PNG on a white background. */
  function installPngButton(graph, button, name) {
    if (!button) return;
    button.addEventListener("click", function () {
      const canvas = graph.network.canvas.frame.canvas;
      const copy = document.createElement("canvas");
      copy.width = canvas.width;
      copy.height = canvas.height;
      const ctx = copy.getContext("2d");
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, copy.width, copy.height);
      ctx.drawImage(canvas, 0, 0);
      const link = el("a");
      link.href = copy.toDataURL("image/png");
      link.download = name + ".png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }

  function mount(dataId) {
    paintSwatches(document);
    const graph = create(document.getElementById("network"), readData(dataId), document.getElementById("details"));
    installFilters(graph, document.getElementById("kind-filter"), document.getElementById("role-filter"));
    installWhy(graph, document.getElementById("why-target"), document.getElementById("why-clear"),
               document.getElementById("why-status"));
    installPngButton(graph, document.getElementById("save-png"), "causal-view");
    return graph;
  }

  return { mount: mount, highlight: highlight, whyChains: whyChains, el: el, readData: readData,
           evidenceList: evidenceList };
})();
