/* 申诉处理: the office answers an appeal through the API (kpFetch sends the CSRF token).
   Accepted: the correction draft is on the period page, which is where the office goes next to review and
   publish it.  Rejected: the inbox reloads.  A refusal (the appeal was answered meanwhile: 409) is shown. */
(function () {
  "use strict";

  function say(form, text) {
    form.querySelector("[data-message]").textContent = text;
  }

  function bind(form) {
    form.addEventListener("change", function () { say(form, ""); });
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      say(form, "");
      var chosen = form.querySelector("input[name=status]:checked");
      if (!chosen) { say(form, form.dataset.choose); return; }
      var answer = form.elements.answer.value.trim();
      if (!answer) { say(form, form.dataset.empty); return; }
      var withdraw = form.elements.withdraw_row;
      var body = {
        status: chosen.value,
        answer: answer,
        scheme: form.elements.scheme.value || null,
        withdraw_row: Boolean(withdraw && withdraw.checked)
      };
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        var r = await window.kpFetch("/api/appeals/" + form.dataset.id + "/answer", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
        });
        if (!r.ok) { say(form, form.dataset.failed + "（" + r.status + "）：" + await window.kpProblem(r)); return; }
        if (body.status === "accepted" && body.scheme) {
          window.location.assign("/periods/" + encodeURIComponent(body.scheme) + "/" + encodeURIComponent(form.dataset.period) + "#publish-panel");
          return;
        }
        window.location.reload();
      } finally {
        button.disabled = false;
      }
    });
  }

  document.querySelectorAll("form.answer-form").forEach(bind);
})();
