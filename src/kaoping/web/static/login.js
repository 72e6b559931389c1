/* The sign-in form: posts to the API's login, then goes to ?next= (checked by the server to be a path on this
   site) or the role's landing page (the JSON island from the policy table). A file, not an inline script:
   the Content-Security-Policy allows scripts from this site only. */
(function () {
  "use strict";
  var form = document.getElementById("login-form");
  var island = document.getElementById("landing-data");
  if (!form) { return; }
  var landing = {};
  try { landing = JSON.parse((island && island.textContent) || "{}"); } catch (e) { landing = {}; }
  form.addEventListener("submit", async function (ev) {
    ev.preventDefault();
    var err = document.getElementById("login-error");
    err.textContent = "";
    var body = { username: form.username.value, password: form.password.value };
    var r = await fetch("/api/auth/login", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
      credentials: "same-origin"
    });
    if (r.ok) {
      var me = (await r.json()).user || {};
      var next = form.dataset.next;
      /* the server already checked ?next=; a path on this site only, in case the page was served by another */
      if (!/^\/(?![\/\\])[^\\]*$/.test(next || "")) { next = "/"; }
      if (!next || next === "/") {
        next = (landing[me.role] || "/public").replace("{unit_id}", me.unit_id || "");
      }
      window.location.assign(next);
    } else {
      var said = "";
      if (r.status === 429 || r.status === 503) {
        /* locked or busy: the server's own sentence says until when (as text, never as markup) */
        try { said = String((await r.json()).detail || ""); } catch (e) { said = ""; }
      }
      err.textContent = r.status === 401 ? form.dataset.wrong : (said || form.dataset.failed + "（" + r.status + "）");
    }
  });
})();
