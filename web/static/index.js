/* The index page's upload form: posts the article to the API (the same validation as any client)
   and shows what was added, or the problem's detail on error. */
"use strict";
(function () {
  const form = document.getElementById("article-form");
  const result = document.getElementById("upload-result");
  const fileInput = document.getElementById("article-file");
  const text = document.getElementById("article-text");

  function line(tag, content, cls) {
    const node = document.createElement(tag);
    node.textContent = content;
    if (cls) node.className = cls;
    return node;
  }

  fileInput.addEventListener("change", function () {
    const file = fileInput.files[0];
    if (!file) return;
    file.text().then(function (content) {
      text.value = content;
      const title = document.getElementById("article-title");
      if (!title.value) title.value = file.name.replace(/\.[^.]+$/, "");
    });
  });

  form.addEventListener("submit", async function (event) {
    event.preventDefault();
    const iid = document.getElementById("incident-id").value.trim();
    const body = { text: text.value };
    ["title", "source", "published"].forEach(function (name) {
      const value = document.getElementById("article-" + name).value.trim();
      if (value) body[name] = value;
    });
    result.className = "result";
    result.replaceChildren(line("p", "Adding…"));
    try {
      const known = [...document.querySelectorAll("#incident-ids option")].some(function (o) { return o.value === iid; });
      if (!known) {
        // A new id: create the incident first (through the API, with its validation).
        const title = document.getElementById("incident-title").value.trim() || iid;
        await window.Api.request("POST", "/api/incidents", { id: iid, title: title });
      }
      const data = await window.Api.request("POST", window.Api.incidentUrl(iid, "/articles"), body);
      const heading = data._status === 201 ? "Article added" : "Already present: nothing duplicated";
      result.replaceChildren(line("p", heading + " (" + (data.article_id || "") + ")."));
      const added = data.added || {};
      const list = document.createElement("ul");
      Object.keys(added).forEach(function (key) { list.appendChild(line("li", key + ": " + added[key])); });
      result.appendChild(list);
      const link = line("a", "Open the graph");
      link.href = "/incidents/" + encodeURIComponent(iid);
      result.appendChild(link);
    } catch (error) {
      result.className = "result error";
      result.replaceChildren(line("p", "The article was not added:"), line("p", error.message, "problem"));
    }
  });
})();
