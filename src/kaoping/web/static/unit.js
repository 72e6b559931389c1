/* 被考评单位 pages: evidence upload and appeals through the API (kpFetch sends the CSRF token).
   The size and type are checked here first so a unit on a slow line is not made to wait for a refusal,
   but the server decides (413 above 5 MB, 415 when the bytes are not an image): its answer is shown too. */
(function () {
  "use strict";

  function say(form, text) {
    var out = form.querySelector("[data-message]");
    if (out) { out.textContent = text; }
  }

  function bindUpload(form) {
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var input = form.querySelector("input[type=file]");
      var file = input && input.files && input.files[0];
      say(form, "");
      if (!file) { say(form, form.dataset.noFile); return; }
      var accepted = (form.dataset.accept || "").split(",");
      if (file.type && accepted.indexOf(file.type) < 0) { say(form, form.dataset.badType); return; }
      if (file.size > Number(form.dataset.maxBytes)) { say(form, form.dataset.tooBig); return; }
      var data = new FormData(form);
      var button = form.querySelector("button");
      if (button) { button.disabled = true; }
      try {
        var r = await window.kpFetch("/api/evidence", { method: "POST", body: data });
        if (r.ok) {
          say(form, form.dataset.done);
          window.location.reload();
          return;
        }
        if (r.status === 413) { say(form, form.dataset.tooBig); }
        else if (r.status === 415) { say(form, form.dataset.badType); }
        else { say(form, form.dataset.failed + "（" + r.status + "）：" + await window.kpProblem(r)); }
      } finally {
        if (button) { button.disabled = false; }
      }
    });
  }

  function bindAppeal(form) {
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      say(form, "");
      var text = form.elements.text.value.trim();
      if (!text) { say(form, form.dataset.empty); return; }
      var body = {
        period: form.elements.period.value,
        scheme: form.elements.scheme.value,
        unit_id: form.elements.unit_id.value,
        target: form.elements.target.value,
        text: text
      };
      var r = await window.kpFetch("/api/appeals", {
        method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
      });
      if (r.ok) { window.location.reload(); return; }
      say(form, form.dataset.failed + "（" + r.status + "）：" + await window.kpProblem(r));
    });
  }

  /* a link to a collapsed section (得分构成 → #component-2) opens it */
  function openTarget() {
    var el = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
    if (el && el.tagName === "DETAILS") { el.open = true; }
  }
  window.addEventListener("hashchange", openTarget);
  openTarget();

  document.querySelectorAll("form.evidence-form").forEach(bindUpload);
  document.querySelectorAll("form.appeal-form").forEach(bindAppeal);
})();
