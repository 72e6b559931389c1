/* 应报分数: each owed row's form posts one score row to the fact API (the entry forms' own write path;
   kpFetch adds the CSRF token, the API fills the department's name as source) and marks the row as in. */
(function () {
  "use strict";
  document.querySelectorAll("form.owed-form").forEach(function (form) {
    form.addEventListener("submit", async function (event) {
      event.preventDefault();
      var row = form.closest("tr");
      var status = form.querySelector(".form-status");
      var input = form.querySelector("input[name=score]");
      status.textContent = "";
      var body = {
        period: row.dataset.period, unit_id: row.dataset.unit, part: row.dataset.part,
        item: row.dataset.item, score: input.value.trim()
      };
      try {
        var r = await window.kpFetch("/api/scores", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body)
        });
        if (r.ok) {
          row.dataset.status = "filled";
          row.className = "owed-filled";
          row.querySelector("td.status").textContent = form.dataset.msgSaved;
          form.replaceWith(document.createTextNode(input.value.trim()));
          return;
        }
        var problem = {};
        try { problem = await r.json(); } catch (e) { problem = {}; }
        status.textContent = form.dataset.msgFailed + "：" + (problem.detail || problem.title || r.status);
      } catch (e) {
        status.textContent = form.dataset.msgNetwork;
      }
    });
  });
})();
