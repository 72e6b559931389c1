/* What every page shares: sign-out, print buttons, text-only chart tooltips (kpTip), and kpFetch — a fetch that sends the session's CSRF token on writes.
   The token is fetched once from /api/auth/csrf (the session cookie alone must never be enough to write). */
(function () {
  "use strict";
  var token = null;
  async function csrf() {
    if (token) { return token; }
    var r = await fetch("/api/auth/csrf", { credentials: "same-origin" });
    token = r.ok ? (await r.json()).csrf_token : "";
    return token;
  }
  window.kpFetch = async function (url, options) {
    options = options || {};
    options.credentials = "same-origin";
    var method = (options.method || "GET").toUpperCase();
    if (method !== "GET" && method !== "HEAD") {
      options.headers = Object.assign({}, options.headers || {}, { "X-CSRF-Token": await csrf() });
    }
    return fetch(url, options);
  };
  /* What a refused API call says: its ``detail`` (the message of the use case's refusal), else the status. */
  window.kpProblem = async function (r) {
    try {
      var body = await r.json();
      return typeof body.detail === "string" ? body.detail : JSON.stringify(body.detail);
    } catch (e) {
      return String(r.status);
    }
  };
  /* An ECharts tooltip as DOM built with textContent, one line per entry: a formatter that returns a string is
     put in the page as HTML, so a unit named <img onerror=...> would run (issue 14). ECharts 5 appends a
     returned element as it is. */
  window.kpTip = function (lines) {
    var box = document.createElement("div");
    lines.forEach(function (line) {
      var row = document.createElement("div");
      row.textContent = line;
      box.appendChild(row);
    });
    return box;
  };
  /* buttons that print the page (no inline onclick: the Content-Security-Policy allows no inline script) */
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.addEventListener("click", function () { window.print(); });
  });
  var out = document.getElementById("logout");
  if (out) {
    out.addEventListener("click", async function () {
      await window.kpFetch("/api/auth/logout", { method: "POST" });
      window.location.assign("/public");
    });
  }
  /* htmx requests (forms posting to pages) carry the token too */
  document.addEventListener("htmx:configRequest", function (ev) {
    if (token) { ev.detail.headers["X-CSRF-Token"] = token; }
  });
  if (document.body.dataset.csrf !== undefined || document.querySelector("[hx-post]")) { csrf(); }
})();
