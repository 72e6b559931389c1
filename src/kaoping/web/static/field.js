/* 现场采集 (issue #16.3): the day's tasks and the checklist from the server, entries saved in IndexedDB (online or
   not) and sent one by one through POST /api/field/sync with the key made when the inspector saved them, so a sync
   retried after a lost answer never doubles a row.  Every text from data goes in with textContent (never HTML). */
(function () {
  "use strict";
  var root = document.getElementById("field-app");
  if (!root) { return; }
  var T = JSON.parse(document.getElementById("field-texts").textContent);
  var account = root.dataset.account;
  var DAY_KEY = "kaoping-field-day:" + account;
  var $ = function (id) { return document.getElementById(id); };
  var day = null;          /* {day, tasks, units, checklist} as GET /api/field/tasks answers */
  var task = null;         /* the task tapped, or null: an entry without a plan visit */
  var spot = null;         /* {lat, lon, accuracy} from the device's GPS */
  var db = null;

  /* --- IndexedDB: one store of entries, keyed by their idempotency key ------------------------------------ */
  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open("kaoping-field", 1);
      req.onupgradeneeded = function () { req.result.createObjectStore("entries", { keyPath: "key" }); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function store(mode, work) {
    return new Promise(function (resolve, reject) {
      var tx = db.transaction("entries", mode);
      var out = work(tx.objectStore("entries"));
      tx.oncomplete = function () { resolve(out && out.result); };
      tx.onerror = function () { reject(tx.error); };
    });
  }
  var allEntries = function () { return store("readonly", function (s) { return s.getAll(); }); };
  var putEntry = function (e) { return store("readwrite", function (s) { s.put(e); }); };
  var dropEntry = function (key) { return store("readwrite", function (s) { s.delete(key); }); };

  /* --- small helpers ---------------------------------------------------------------------------------------- */
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = [].concat(cls).join(" "); }  /* one class, or a list of them */
    return node;
  }
  function option(select, value, text) { var o = el("option", text); o.value = value; select.appendChild(o); }
  function say(text) { var m = $("field-message"); m.textContent = text; m.hidden = !text; }
  function newKey() {  /* crypto.randomUUID needs a secure context; the fallback is as random */
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var b = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }
  function localStamp(d) {  /* the device's wall time, no zone: the deduction's date and time */
    var p = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getFullYear() + "-" + p(d.getMonth() + 1) + "-" + p(d.getDate()) + "T" + p(d.getHours()) + ":" +
      p(d.getMinutes()) + ":" + p(d.getSeconds());
  }
  function trim(n) { return String(Math.round(n * 1e6) / 1e6); }

  /* --- network state ---------------------------------------------------------------------------------------- */
  function showNet() {
    var on = navigator.onLine;
    $("field-net").textContent = on ? T.online : T.offline;
    $("field-net").className = "field-net " + (on ? "on" : "off");
  }

  /* --- the day: tasks, units, checklist ---------------------------------------------------------------------- */
  async function loadDay() {
    try {
      var r = await fetch("/api/field/tasks", { credentials: "same-origin" });
      if (!r.ok) { throw new Error(String(r.status)); }
      day = await r.json();
      localStorage.setItem(DAY_KEY, JSON.stringify(day));
    } catch (err) {
      var kept = localStorage.getItem(DAY_KEY);
      day = kept ? JSON.parse(kept) : null;
      say(day ? T.tasks_offline : T.no_day);
    }
    if (day) { showDay(); }
  }
  function unitName(id) {
    var u = (day ? day.units : []).find(function (x) { return x.unit_id === id; });
    return u ? u.name : id;
  }
  function showDay() {
    $("field-day").textContent = day.day;
    var list = $("field-tasks");
    list.replaceChildren();
    day.tasks.forEach(function (t) {
      var b = el("button", t.unit_name + " · " + t.part + " · " + t.plan + "（" + T.round + " " + t.round + "）");
      b.type = "button";
      b.dataset.task = t.task;
      b.setAttribute("aria-pressed", "false");
      b.addEventListener("click", function () { pickTask(t, b); });
      var li = el("li");
      li.appendChild(b);
      list.appendChild(li);
    });
    $("field-tasks-note").textContent = day.tasks.length ? "" : T.no_tasks;
    var units = $("field-unit");
    units.replaceChildren();
    option(units, "", "—");
    day.units.forEach(function (u) { option(units, u.unit_id, u.name + "（" + u.unit_id + "）"); });
    var parts = $("field-part");
    parts.replaceChildren();
    var seen = {};
    day.checklist.forEach(function (k) {
      k.parts.forEach(function (p) { if (!seen[p]) { seen[p] = true; option(parts, p, p); } });
    });
    showKinds();
  }
  function pickTask(t, button) {
    var same = task && task.task === t.task;
    task = same ? null : t;
    $("field-tasks").querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
    if (!same) {
      button.setAttribute("aria-pressed", "true");
      $("field-unit").value = t.unit_id;
      $("field-part").value = t.part;
      showKinds();
      showArea();
    }
  }
  function showKinds() {
    var part = $("field-part").value;
    var kinds = $("field-kind");
    kinds.replaceChildren();
    var on = day.checklist.filter(function (k) { return k.parts.indexOf(part) >= 0; });
    option(kinds, "", on.length ? "—" : T.no_kind);
    on.forEach(function (k) { option(kinds, k.code, k.label); });
    showPoints();
  }
  function chosenKind() {
    var code = $("field-kind").value;
    return day ? day.checklist.find(function (k) { return k.code === code; }) : null;
  }

  /* The deduction as the standard computes it (points × quantity when counted per m² or place, capped); shown
     before saving.  The server computes it again from the same standard and keeps its own. */
  function points(kind, quantity) {
    var qty = kind.counted ? quantity : 1;
    var total = Number(kind.points) * qty;
    return kind.cap !== null ? Math.min(total, Number(kind.cap)) : total;
  }
  function showPoints() {
    var kind = chosenKind();
    $("field-quantity-box").hidden = !(kind && kind.counted);
    if (!kind) { $("field-points").textContent = "—"; $("field-points-how").textContent = ""; return; }
    var qty = Number($("field-quantity").value || 0);
    $("field-points").textContent = kind.counted && !(qty > 0) ? "—" : trim(points(kind, qty)) + " " + T.points;
    $("field-points-how").textContent = kind.label;
  }

  /* --- the point against the unit's area (a warning, never a refusal: the server warns again on sync) ---------- */
  function inRing(ring, x, y) {  /* ray casting, as app/field_points.py */
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var a = ring[i], b = ring[j];
      if ((a[1] > y) !== (b[1] > y) && x < (b[0] - a[0]) * (y - a[1]) / (b[1] - a[1]) + a[0]) { inside = !inside; }
    }
    return inside;
  }
  function showArea() {
    var polygons = day && day.areas ? day.areas[$("field-unit").value] : null;
    var outside = !!(polygons && spot) && !polygons.some(function (poly) {
      return inRing(poly[0], spot.lon, spot.lat) && !poly.slice(1).some(function (h) { return inRing(h, spot.lon, spot.lat); });
    });
    $("field-area").hidden = !outside;
  }

  /* --- GPS ---------------------------------------------------------------------------------------------------- */
  function locate() {
    if (!navigator.geolocation) { $("field-gps").textContent = T.gps_denied; return; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      spot = { lat: pos.coords.latitude, lon: pos.coords.longitude, accuracy: pos.coords.accuracy };
      $("field-gps").textContent = T.gps + " " + spot.lat.toFixed(6) + ", " + spot.lon.toFixed(6) + "（" + T.accuracy +
        " " + Math.round(spot.accuracy) + " " + T.metres + "）";
      showArea();
    }, function () { $("field-gps").textContent = T.gps_denied; }, { enableHighAccuracy: true, timeout: 20000 });
  }

  /* --- saving an entry (always to IndexedDB first) -------------------------------------------------------------- */
  async function save(ev) {
    ev.preventDefault();
    var kind = chosenKind();
    var unit = $("field-unit").value;
    if (!kind || !unit) { say(T.need_unit); return; }
    var qty = Number($("field-quantity").value || 0);
    if (kind.counted && !(qty > 0)) { say(T.need_quantity); return; }
    var photo = $("field-photo").files[0] || null;
    var entry = {
      key: newKey(), state: "queued", saved: Date.now(),
      unit_id: unit, part: $("field-part").value, item: kind.item, problem_kind: kind.code,
      quantity: kind.counted ? qty : null, shown_points: trim(points(kind, qty)), label: kind.label,
      problem: $("field-problem").value.trim() || kind.name, location: $("field-location").value.trim(),
      lat: spot ? spot.lat : null, lon: spot ? spot.lon : null, accuracy_m: spot ? spot.accuracy : null,
      recorded_at: localStamp(new Date()), task: task && task.unit_id === unit ? task.task : null,
      photo: photo, photo_name: photo ? photo.name : null, confirm: false, reason: "", result: null
    };
    await putEntry(entry);
    $("field-problem").value = "";
    $("field-location").value = "";
    $("field-quantity").value = "";
    $("field-photo").value = "";
    $("field-photo-name").textContent = T.no_photo;
    showPoints();
    say(T.saved);
    await showQueue();
  }

  /* --- the queue and the sync ----------------------------------------------------------------------------------- */
  var FINAL = ["written", "duplicate"];
  function sendable(e) {
    return e.state === "queued" || (e.confirm && (e.state === "conflict" || e.state === "needs_confirmation"));
  }
  function asBase64(blob) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(String(reader.result).split(",")[1] || ""); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsDataURL(blob);
    });
  }
  async function body(e) {
    var out = {};
    ["key", "unit_id", "part", "item", "problem_kind", "quantity", "problem", "location", "lat", "lon", "accuracy_m",
      "recorded_at", "task", "confirm", "reason"].forEach(function (k) { out[k] = e[k]; });
    if (e.photo) { out.photo = { name: e.photo_name || "photo.jpg", data: await asBase64(e.photo) }; }
    return { entries: [out] };
  }
  async function sync() {
    var entries = (await allEntries()).filter(sendable);
    say(T.syncing);
    for (var i = 0; i < entries.length; i++) {
      var e = entries[i];
      var r;
      try {
        r = await window.kpFetch("/api/field/sync", {
          method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(await body(e))
        });
      } catch (err) {
        say(T.sync_failed);  /* the answer was lost or never came: the entry stays queued, its key unchanged */
        await showQueue();
        return;
      }
      if (r.ok) {
        e.result = (await r.json()).results[0];
        e.state = e.result.status;
      } else {
        e.state = "invalid";
        e.result = { messages: [await window.kpProblem(r)], warnings: [] };
      }
      e.confirm = false;
      await putEntry(e);
    }
    say(T.synced);
    await showQueue();
  }
  function confirmBox(e) {  /* a conflict or warning: the inspector may keep it with a reason */
    var box = el("div");
    var reason = el("input");
    reason.setAttribute("aria-label", T.reason);
    reason.placeholder = T.reason;
    var go = el("button", T.confirm);
    go.type = "button";
    go.addEventListener("click", async function () {
      if (!reason.value.trim()) { reason.focus(); return; }
      e.confirm = true;
      e.reason = reason.value.trim();
      await putEntry(e);
      await sync();
    });
    box.appendChild(reason);
    box.appendChild(go);
    return box;
  }
  async function showQueue() {
    var entries = (await allEntries()).sort(function (a, b) { return a.saved - b.saved; });
    var list = $("field-queue");
    list.replaceChildren();
    $("field-pending").textContent = String(entries.filter(function (e) { return FINAL.indexOf(e.state) < 0; }).length);
    entries.forEach(function (e) {
      var li = el("li");
      li.dataset.key = e.key;
      li.dataset.state = e.state;
      li.appendChild(el("span", T[e.state] || e.state, ["state", "state-" + e.state]));
      var points = e.result && e.result.points ? trim(Number(e.result.points)) : e.shown_points;
      li.appendChild(el("span", " " + unitName(e.unit_id) + " · " + e.label + " · -" + points + " " + T.points));
      li.appendChild(el("span", e.problem, "note"));
      li.appendChild(el("span", e.recorded_at.replace("T", " ") + (e.photo ? " · " + T.photo : ""), ["note", "muted"]));
      if (e.result && e.result.deduction_id) {
        var a = el("a", T.row.replace("{n}", e.result.deduction_id), "note");
        a.href = "/units/" + encodeURIComponent(e.unit_id) + "/deductions/" + e.result.deduction_id;
        li.appendChild(a);
      }
      ((e.result && e.result.messages) || []).forEach(function (m) { li.appendChild(el("span", m, "note")); });
      ((e.result && e.result.warnings) || []).forEach(function (m) { li.appendChild(el("span", T.warning + "：" + m, "note")); });
      if (e.state === "conflict" || e.state === "needs_confirmation") { li.appendChild(confirmBox(e)); }
      if (e.state === "invalid" || e.state === "refused" || FINAL.indexOf(e.state) >= 0) {
        var drop = el("button", T.remove, "secondary");
        drop.type = "button";
        drop.addEventListener("click", async function () { await dropEntry(e.key); await showQueue(); });
        li.appendChild(drop);
      }
      list.appendChild(li);
    });
  }

  /* --- start ----------------------------------------------------------------------------------------------------- */
  if ("serviceWorker" in navigator) { navigator.serviceWorker.register("/field/sw.js", { scope: "/field/" }); }
  window.addEventListener("online", showNet);
  window.addEventListener("offline", showNet);
  $("field-part").addEventListener("change", showKinds);
  $("field-unit").addEventListener("change", showArea);
  $("field-kind").addEventListener("change", showPoints);
  $("field-quantity").addEventListener("input", showPoints);
  $("field-locate").addEventListener("click", locate);
  $("field-photo").addEventListener("change", function () {
    var f = $("field-photo").files[0];
    $("field-photo-name").textContent = f ? f.name : T.no_photo;
  });
  $("field-form").addEventListener("submit", save);
  $("field-sync").addEventListener("click", sync);
  showNet();
  openDb().then(function (opened) { db = opened; return showQueue(); }).then(loadDay).then(locate);
})();
