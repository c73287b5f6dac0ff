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
    const nodes = new vis.DataSet(data.nodes);
    const edges = new vis.DataSet(data.edges);
    const network = new vis.Network(container, { nodes: nodes, edges: edges }, data.options);
    const status = document.getElementById("graph-status");
    function ready() {
      // Freeze the layout once it has settled, so clicks and highlights do not move the nodes.
      network.setOptions({ physics: false });
      if (status) status.textContent = nodes.length + " nodes, " + edges.length + " edges.";
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
    network.on("hoverNode", function (p) { showNode(panel, nodes.get(p.node)); });
    network.on("hoverEdge", function (p) { showEdge(panel, edges.get(p.edge), nodes); });
    return { network: network, nodes: nodes, edges: edges, data: data };
  }

  /* Colour every node and edge from its data, dimming those not in keep (when keep is given). */
  function highlight(graph, keepNodes, keepEdges) {
    graph.nodes.update(graph.data.nodes.map(function (n) {
      const on = !keepNodes || keepNodes.has(n.id);
      return { id: n.id, color: on ? n.color : DIM, borderWidth: keepNodes && on ? 3 : 1 };
    }));
    graph.edges.update(graph.data.edges.map(function (e) {
      const on = !keepEdges || keepEdges.has(e.id);
      return { id: e.id, color: { color: on ? (keepEdges ? "#d62728" : "#8a8f98") : "#eeeeee" },
               width: keepEdges && on ? 3 : 1 };
    }));
  }

  function checkbox(fieldset, value, title, onChange) {
    const label = el("label");
    const box = el("input");
    box.type = "checkbox";
    box.checked = true;
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
    function apply() {
      const kinds = checkedValues(kindSet), roles = checkedValues(roleSet);
      graph.nodes.update(graph.data.nodes.map(function (n) {
        return { id: n.id, hidden: !(kinds.has(String(n.kind)) && roles.has(n.role || "none")) };
      }));
    }
    const kinds = [...new Set(graph.data.nodes.map(function (n) { return String(n.kind); }))].sort();
    const roles = [...new Set(graph.data.nodes.map(function (n) { return n.role || "none"; }))].sort();
    kinds.forEach(function (k) { checkbox(kindSet, k, k, apply); });
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

  function mount(dataId) {
    paintSwatches(document);
    const graph = create(document.getElementById("network"), readData(dataId), document.getElementById("details"));
    installFilters(graph, document.getElementById("kind-filter"), document.getElementById("role-filter"));
    installWhy(graph, document.getElementById("why-target"), document.getElementById("why-clear"),
               document.getElementById("why-status"));
    return graph;
  }

  return { mount: mount, highlight: highlight, whyChains: whyChains, el: el, readData: readData,
           evidenceList: evidenceList };
})();
