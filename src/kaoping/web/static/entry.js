/* 数据录入: single-row forms post JSON to the fact API (kpFetch adds the CSRF token) and show the API's
   errors next to the fields they name; the upload's htmx response is swapped in even on 4xx, since a
   refused file comes back as a table of row errors. */
(function () {
  "use strict";

  document.addEventListener("htmx:beforeSwap", function (ev) {
    var xhr = ev.detail.xhr, status = xhr.status;
    if (!ev.detail.target || ev.detail.target.id !== "upload-result" || status < 400 || status >= 500) { return; }
    ev.detail.shouldSwap = true;
    ev.detail.isError = false;
    if ((xhr.getResponseHeader("Content-Type") || "").indexOf("json") >= 0) {
      /* refused before reaching the page (e.g. the server's body-size limit): say so in words, not JSON */
      var form = document.getElementById("upload-form"), box = document.createElement("div"), p = document.createElement("p");
      var strong = document.createElement("strong");
      strong.textContent = status === 413 ? form.dataset.msgTooLarge : form.dataset.msgRefused + " (" + status + ")";
      box.className = "upload-failed";
      box.setAttribute("role", "alert");
      p.appendChild(strong);
      box.appendChild(p);
      ev.detail.serverResponse = box.outerHTML;
    }
  });

  function clearErrors(form) {
    form.querySelectorAll(".field-error").forEach(function (el) { el.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  function showError(form, column, message) {
    if (!column) { return false; }
    var input = form.querySelector('[name="' + column.split(".").pop() + '"]');
    if (!input) { return false; }
    var slot = document.getElementById(input.id + "-error");
    input.setAttribute("aria-invalid", "true");
    if (slot) { slot.textContent = (slot.textContent ? slot.textContent + "；" : "") + message; }
    return true;
  }

  function body(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "submit") { return; }
      var value = el.value.trim();
      if (value === "") { return; }  /* left out: the API's default, as an empty cell in a file */
      if (el.type === "number") {
        var n = Number(value);
        out[el.name] = isNaN(n) ? value : n;
      } else {
        out[el.name] = value;
      }
    });
    return out;
  }

  async function refresh(kind) {
    var r = await fetch("/entry/recent/" + encodeURIComponent(kind), { credentials: "same-origin" });
    if (r.ok) { document.getElementById("recent-" + kind).innerHTML = await r.text(); }
  }

  /* after a successful upload the imported rows belong in the "recently entered" tables too */
  document.addEventListener("htmx:afterSwap", function (ev) {
    if (ev.detail.target && ev.detail.target.id === "upload-result" && document.getElementById("upload-summary")) {
      document.querySelectorAll("form.fact-form").forEach(function (form) { refresh(form.dataset.kind); });
    }
  });

  document.querySelectorAll("form.fact-form").forEach(function (form) {
    form.addEventListener("submit", async function (ev) {
      ev.preventDefault();
      var kind = form.dataset.kind, status = document.getElementById("status-" + kind), msg = form.dataset;
      clearErrors(form);
      status.textContent = "";
      status.className = "form-status";
      var r;
      try {
        r = await window.kpFetch("/api/" + kind, {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body(form))
        });
      } catch (e) {
        status.textContent = msg.msgNetwork;
        status.classList.add("bad");
        return;
      }
      var data = {};
      try { data = await r.json(); } catch (e) { data = {}; }
      if (r.ok) {
        var action = data.action === "update" ? msg.msgUpdate : data.action === "unchanged" ? msg.msgUnchanged : msg.msgInsert;
        status.textContent = msg.msgSaved + "：" + action;
        status.classList.add("ok");
        await refresh(kind);
        return;
      }
      var rest = [];
      (data.errors || []).forEach(function (e) {
        if (!showError(form, e.column, e.message)) { rest.push(e.message); }
      });
      var detail = typeof data.detail === "string" ? data.detail : "";
      if ((data.errors || []).length) {
        status.textContent = msg.msgInvalid + (rest.length ? "：" + rest.join("；") : "");
      } else {
        status.textContent = msg.msgFailed + " (" + r.status + ")" + (detail ? "：" + detail : "");
      }
      status.classList.add("bad");
      var first = form.querySelector('[aria-invalid="true"]');
      if (first) { first.focus(); }
    });
  });
})();
