/* 数据录入: single-row forms post JSON to the fact API (kpFetch adds the CSRF token) and show the API's
   errors next to the fields they name — a deduction with a photo goes as multipart to /entry/deductions/photo,
   which answers the same way; a 409 with warnings (entry checks) opens the form's confirmation box,
   and the row is sent again with confirm: true and the reason once "我已核实，确认提交" is ticked; the upload's htmx response is swapped in even on 4xx, since a
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

  /* 考评细项: only the chosen part's items are offered; a part whose items are open takes free text */
  function narrowItems(form) {
    form.querySelectorAll("select[data-depends-on]").forEach(function (select) {
      var by = form.querySelector('[name="' + select.dataset.dependsOn + '"]'), part = by ? by.value : "";
      var text = document.getElementById(select.id + "-text");
      var open = text && part !== "" && text.dataset.openParts.split("|").indexOf(part) >= 0;
      select.hidden = select.disabled = open;
      if (text) { text.hidden = text.disabled = !open; }
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.dataset.part) { return; }
        option.hidden = option.disabled = option.dataset.part !== part;
        if (option.disabled && option.selected) { select.value = ""; }
      });
    });
  }

  /* 问题类型: only the kinds of the chosen part (and item, once one is chosen) are offered */
  function narrowKinds(form) {
    var select = form.querySelector("select[data-standard-kinds]");
    if (!select) { return; }
    var part = (form.querySelector('[name="part"]') || {}).value || "";
    var item = form.querySelector('select[name="item"]:not([disabled])');
    var chosen = item ? item.value : "";
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value) { return; }
      var fits = option.dataset.part.split("|").indexOf(part) >= 0 && (chosen === "" || option.dataset.item === chosen);
      option.hidden = option.disabled = !fits;
      if (option.disabled && option.selected) { select.value = ""; }
    });
  }

  /* the standard's points: points × quantity (per m² or place), capped; the server checks them again */
  function fillPoints(form) {
    var select = form.querySelector("select[data-standard-kinds]");
    var option = select ? select.options[select.selectedIndex] : null;
    if (!option || !option.value) { return; }
    /* the kind is of one item (the server requires the row's item to be it): the item follows the kind */
    var item = form.querySelector('[name="item"]:not([disabled])');
    if (item && item.value !== option.dataset.item) { item.value = option.dataset.item; narrowKinds(form); }
    var counted = option.dataset.per !== "occurrence";
    var quantity = form.querySelector('[name="quantity"]');
    var q = counted ? Number(quantity && quantity.value.trim() !== "" ? quantity.value : NaN) : 1;
    if (isNaN(q)) { return; }  /* a kind counted per m² or place waits for its quantity */
    var points = Number(option.dataset.points) * q;
    if (option.dataset.cap) { points = Math.min(points, Number(option.dataset.cap)); }
    form.querySelector('[name="points"]').value = String(Math.round(points * 1e6) / 1e6);
  }

  document.querySelectorAll("form.fact-form").forEach(function (form) {
    narrowItems(form);
    narrowKinds(form);
    form.addEventListener("change", function (ev) {
      if (ev.target && ev.target.name && form.querySelector('select[data-depends-on="' + ev.target.name + '"]')) { narrowItems(form); }
      if (ev.target && (ev.target.name === "part" || ev.target.name === "item")) { narrowKinds(form); }
      if (ev.target && (ev.target.name === "problem_kind" || ev.target.name === "quantity")) { fillPoints(form); }
    });
  });

  function showError(form, column, message) {
    if (!column) { return false; }
    var name = column.split(".").pop();
    var input = form.querySelector('[name="' + name + '"]:not([disabled])') || form.querySelector('[name="' + name + '"]');
    if (!input) { return false; }
    var slot = document.getElementById(input.id + "-error");
    input.setAttribute("aria-invalid", "true");
    if (slot) { slot.textContent = (slot.textContent ? slot.textContent + "；" : "") + message; }
    return true;
  }

  function body(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || el.type === "submit" || el.type === "file") { return; }
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

  function english() { return document.documentElement.lang === "en"; }

  /* the confirmation box: null when it is closed; else false (not ticked, or no reason) or the reason */
  function confirmation(form) {
    var box = form.querySelector(".form-confirm");
    if (!box || box.hidden) { return null; }
    var ticked = box.querySelector("[data-confirm]").checked, input = box.querySelector("[data-confirm-reason]");
    var reason = input.value.trim();
    if (ticked && !reason) {
      document.getElementById(input.id + "-error").textContent = box.dataset.msgReason;
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return false;
    }
    return ticked ? reason : null;
  }

  function openConfirmation(form, errors) {
    var box = form.querySelector(".form-confirm"), list = box.querySelector("ul");
    list.innerHTML = "";
    errors.forEach(function (e) {
      var li = document.createElement("li");
      li.textContent = (english() && e.message_en) ? e.message_en : e.message;
      list.appendChild(li);
    });
    box.querySelector("[data-confirm]").checked = false;
    box.hidden = false;
  }

  function closeConfirmation(form) {
    var box = form.querySelector(".form-confirm");
    if (!box) { return; }
    box.hidden = true;
    box.querySelector("[data-confirm]").checked = false;
    box.querySelector("[data-confirm-reason]").value = "";
  }

  /* a row with a photo: the same fields and the file as one multipart form, written together or not at all */
  function withPhoto(sent, name, file) {
    var data = new FormData();
    Object.keys(sent).forEach(function (key) { data.append(key, String(sent[key])); });
    data.append(name, file);
    return { method: "POST", body: data };
  }

  /* after saving: the stored photo under the field (the cleaned copy the server keeps), the field emptied */
  function showPhoto(input, id, alt) {
    var shown = document.getElementById(input.id + "-saved") || document.createElement("img");
    shown.id = input.id + "-saved";
    shown.className = "photo-saved";
    shown.alt = alt;
    shown.src = "/api/evidence/" + encodeURIComponent(id);
    input.parentNode.appendChild(shown);
    input.value = "";
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
      var confirmed = confirmation(form), sent = body(form);
      if (confirmed === false) { return; }
      if (confirmed) {
        sent.confirm = true;
        sent.reason = sent.reason ? confirmed + "；" + sent.reason : confirmed;
      }
      var r, photo = form.querySelector('input[type="file"]'), file = photo && photo.files.length ? photo.files[0] : null;
      try {
        r = await window.kpFetch(file ? "/entry/" + kind + "/photo" : "/api/" + kind, file ? withPhoto(sent, photo.name, file) : {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(sent)
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
        closeConfirmation(form);
        if (file) { showPhoto(photo, data.evidence_id, msg.msgPhoto); }
        await refresh(kind);
        return;
      }
      if (r.status === 409 && (data.errors || []).length) {
        (data.errors || []).forEach(function (e) { showError(form, e.column, english() && e.message_en ? e.message_en : e.message); });
        openConfirmation(form, data.errors);
        status.textContent = msg.msgInvalid;
        status.classList.add("bad");
        form.querySelector("[data-confirm]").focus();
        return;
      }
      var rest = [];
      (data.errors || []).forEach(function (e) {
        var text = english() && e.message_en ? e.message_en : e.message;
        if (!showError(form, e.column, text)) { rest.push(text); }
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
