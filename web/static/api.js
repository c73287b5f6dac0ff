/* Calls the app's JSON API; an error response (application/problem+json) becomes an Error whose message
   is the problem's detail, so pages can show it as text. */
"use strict";
window.Api = {
  request: async function (method, url, body) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(url, {
      method: method, headers: headers, credentials: "same-origin",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const type = response.headers.get("Content-Type") || "";
    const data = type.indexOf("json") >= 0 ? await response.json() : { detail: await response.text() };
    if (!response.ok) {
      const error = new Error(data.detail || data.title || (response.status + " " + response.statusText));
      error.status = response.status;
      error.problem = data;
      throw error;
    }
    data._status = response.status;
    return data;
  },
  incidentUrl: function (iid, rest) {
    return "/api/incidents/" + encodeURIComponent(iid) + (rest || "");
  },
};
