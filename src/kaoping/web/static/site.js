/* What every page shares: sign-out, and kpFetch — a fetch that sends the session's CSRF token on writes.
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
