// Renders /openapi.json as a browsable page with a "try it" form per operation.
// No library and no other host: the page works offline. Text goes in with textContent only.
"use strict";

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function resolve(spec, schema, depth = 0) {
  // Inline $refs (a few levels deep) so each schema reads on its own.
  if (!schema || depth > 6) return schema;
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop();
    return resolve(spec, spec.components.schemas[name], depth + 1);
  }
  if (Array.isArray(schema)) return schema.map((s) => resolve(spec, s, depth + 1));
  if (typeof schema !== "object") return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) out[key] = typeof value === "object" ? resolve(spec, value, depth + 1) : value;
  return out;
}

function paramTable(params) {
  const table = el("table", {}, el("tr", {}, el("th", {}, "name"), el("th", {}, "in"), el("th", {}, "required"), el("th", {}, "schema")));
  for (const p of params) {
    table.append(el("tr", {}, el("td", {}, p.name), el("td", {}, p.in), el("td", {}, p.required ? "yes" : "no"),
      el("td", {}, el("code", {}, JSON.stringify(p.schema)))));
  }
  return table;
}

function tryForm(path, method, op) {
  const form = el("form", {});
  const inputs = {};
  for (const p of op.parameters || []) {
    inputs[p.name] = el("input", { name: p.name, placeholder: p.in + (p.required ? " (required)" : "") });
    form.append(el("label", {}, p.name + " "), inputs[p.name], el("br", {}));
  }
  const body = op.requestBody ? el("textarea", { name: "body", placeholder: "JSON body" }) : null;
  if (body) form.append(body);
  const output = el("pre", {});
  form.append(el("button", { type: "submit" }, "Send " + method.toUpperCase()), output);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    for (const p of op.parameters || []) {
      const value = inputs[p.name].value;
      if (p.in === "path") url = url.replace("{" + p.name + "}", encodeURIComponent(value));
      else if (value) query.append(p.name, value);
    }
    if ([...query].length) url += "?" + query;
    const init = { method: method.toUpperCase(), headers: { Accept: "application/json" } };
    if (body) { init.body = body.value; init.headers["Content-Type"] = "application/json"; }
    try {
      const response = await fetch(url, init);
      const text = await response.text();
      output.className = response.ok ? "status-ok" : "status-err";
      output.textContent = response.status + " " + response.statusText + "\n" + text;
    } catch (err) {
      output.className = "status-err";
      output.textContent = String(err);
    }
  });
  return form;
}

function operation(spec, path, method, op) {
  const details = el("details", {}, el("summary", {}, el("span", { class: "method " + method }, method.toUpperCase()),
    " ", el("span", { class: "path" }, path), " — ", op.summary || ""));
  if (op.description) details.append(el("p", {}, op.description));
  if ((op.parameters || []).length) details.append(el("h4", {}, "Parameters"), paramTable(op.parameters));
  if (op.requestBody) {
    for (const [type, content] of Object.entries(op.requestBody.content)) {
      details.append(el("h4", {}, "Request body (" + type + ")"), el("pre", {}, JSON.stringify(resolve(spec, content.schema), null, 2)));
    }
  }
  details.append(el("h4", {}, "Responses"));
  for (const [code, response] of Object.entries(op.responses || {})) {
    const schema = response.content && Object.values(response.content)[0].schema;
    const item = el("details", {}, el("summary", {}, code + " " + (response.description || "")));
    if (schema) item.append(el("pre", {}, JSON.stringify(resolve(spec, schema), null, 2)));
    details.append(item);
  }
  details.append(el("h4", {}, "Try it"), tryForm(path, method, op));
  return details;
}

async function main() {
  const root = document.getElementById("operations");
  const spec = await (await fetch(root.dataset.specUrl)).json();
  document.getElementById("api-title").textContent = spec.info.title + " " + spec.info.version;
  document.getElementById("api-description").textContent = spec.info.description || "";
  const byTag = new Map();
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push(operation(spec, path, method, op));
    }
  }
  root.replaceChildren();
  for (const [tag, ops] of byTag) root.append(el("h2", {}, tag), ...ops);
}

main().catch((err) => { document.getElementById("operations").textContent = "Could not load the API document: " + err; });
