/* 综合看板 charts (ECharts, canvas renderer, served locally) and the period page's publishing panel.
   Data comes from the page's <script type="application/json"> islands; each part runs only when its
   elements exist, so one file serves both pages and a page without ECharts still gets the picker. */
(function () {
  "use strict";

  function island(id, fallback) {
    var el = document.getElementById(id);
    if (!el) { return fallback; }
    try { return JSON.parse(el.textContent || ""); } catch (e) { return fallback; }
  }

  /* --- period picker: a changed kind lists that kind's periods (the form still works without this) --- */
  var kindSel = document.getElementById("pick-kind");
  var periodSel = document.getElementById("pick-period");
  var options = island("picker-data", {});
  if (kindSel && periodSel) {
    kindSel.addEventListener("change", function () {
      var before = periodSel.value;
      var list = options[kindSel.value] || [];
      periodSel.innerHTML = "";
      list.forEach(function (p) {
        var o = document.createElement("option");
        o.value = p; o.textContent = p;
        periodSel.appendChild(o);
      });
      /* keep the year of the period shown before, where the new kind has one */
      var year = before.slice(0, 4);
      var same = list.filter(function (p) { return p.slice(0, 4) === year; });
      if (same.length) { periodSel.value = same[0]; }
    });
  }

  /* --- publishing panel (period page) --- */
  var panel = document.getElementById("publish-panel");
  if (panel) {
    var errBox = document.getElementById("publish-error");
    var statusBox = document.getElementById("publish-status");
    var reasonInput = document.getElementById("correction-reason");
    var buttons = panel.querySelectorAll("button[data-step]");
    var confirmBox = document.getElementById("publish-confirm");

    var explain = async function (r) {
      var detail = "";
      try {
        var body = await r.json();
        detail = body.detail;
        if (Array.isArray(detail)) { detail = detail.map(function (d) { return d.msg || String(d); }).join("；"); }
        if (body.errors && body.errors.length && typeof detail === "string") {
          detail += "：" + body.errors.slice(0, 5).map(function (e) { return e.message; }).join("；");
        }
      } catch (e) { detail = r.statusText; }
      return panel.dataset.failed + "（" + r.status + "）" + (detail ? "：" + detail : "");
    };

    /* 发布 asks first: the dialog (written by the page) says which version becomes public and what it replaces */
    var confirmStep = function () {
      if (!confirmBox) { return; }
      if (typeof confirmBox.showModal === "function") { confirmBox.showModal(); return; }
      var heading = document.getElementById("confirm-heading");
      if (window.confirm(heading ? heading.textContent : "")) { run(document.getElementById("btn-publish-confirm")); }
    };

    var run = async function (btn) {
      var step = btn.dataset.step;
      errBox.textContent = "";
      if (step === "confirm") { confirmStep(); return; }
      if (confirmBox && confirmBox.open) { confirmBox.close(); }
      var url, body = null;
      if (step === "compute") {
        var reason = reasonInput ? reasonInput.value.trim() : "";
        if (panel.dataset.published === "1" && !reason) {
          errBox.textContent = panel.dataset.needReason;
          if (reasonInput) { reasonInput.focus(); }
          return;
        }
        url = "/api/results/compute";
        body = JSON.stringify({ scheme: panel.dataset.scheme, period: panel.dataset.period, reason: reason });
      } else {
        url = "/api/results/" + encodeURIComponent(btn.dataset.id) + "/" + step;
      }
      buttons.forEach(function (b) { b.setAttribute("aria-disabled", "true"); b.disabled = true; });
      statusBox.textContent = panel.dataset.working;
      try {
        var init = { method: "POST" };
        if (body) { init.headers = { "Content-Type": "application/json" }; init.body = body; }
        var r = await window.kpFetch(url, init);
        if (r.ok) { statusBox.textContent = panel.dataset.done; window.location.reload(); return; }
        errBox.textContent = await explain(r);
      } catch (e) {
        errBox.textContent = panel.dataset.failed + "：" + e;
      }
      statusBox.textContent = "";
      buttons.forEach(function (b) {
        b.disabled = b.dataset.enabled !== "1";
        b.removeAttribute("aria-disabled");
      });
    };
    buttons.forEach(function (btn) {
      btn.addEventListener("click", function () { run(btn); });
    });
  }

  /* --- charts --- */
  if (typeof echarts === "undefined") { return; }
  var labels = island("dash-labels", {});
  var charts = [];
  var palette = ["#1f4e8c", "#b71c1c", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#5d4037", "#c2185b",
                 "#455a64", "#9e9d24"];

  function init(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }

  var trend = island("trend-data", null);
  var trendChart = trend && init("trend-chart");
  if (trendChart) {
    trendChart.setOption({
      color: palette,
      tooltip: { trigger: "item" },
      legend: { type: "scroll", bottom: 0 },
      grid: { left: 16, right: 32, top: 32, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: trend.periods, boundaryGap: trend.periods.length < 2,
               axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", name: labels.total, scale: true },
      series: trend.series.map(function (s) {
        return { type: "line", name: s.name, data: s.totals, connectNulls: false, symbolSize: 6 };
      })
    });
  }

  var parts = island("parts-data", null);
  var partsChart = parts && parts.groups && parts.groups.length ? init("parts-chart") : null;
  var partsSel = document.getElementById("parts-unit");
  function drawParts() {
    var pick = (partsSel && partsSel.value ? partsSel.value : "0:0").split(":");
    var g = parts.groups[Number(pick[0])] || parts.groups[0];
    var u = g.units[Number(pick[1])] || g.units[0];
    var option;
    if (g.parts.length >= 3) {
      option = {
        color: ["#b71c1c", "#1f4e8c"],
        tooltip: {},
        legend: { bottom: 0, data: [u.name, labels.mean] },
        radar: { radius: "62%", indicator: g.parts.map(function (p, i) { return { name: p, max: g.max[i] }; }) },
        series: [{ type: "radar", data: [
          { name: u.name, value: u.values, areaStyle: { opacity: 0.15 } },
          { name: labels.mean, value: g.mean, lineStyle: { type: "dashed" } }
        ] }]
      };
    } else {
      option = {
        color: ["#b71c1c", "#1f4e8c"],
        tooltip: { trigger: "axis" },
        legend: { bottom: 0 },
        grid: { left: 48, right: 16, top: 24, bottom: 56 },
        xAxis: { type: "category", data: g.parts },
        yAxis: { type: "value" },
        series: [{ type: "bar", name: u.name, data: u.values }, { type: "bar", name: labels.mean, data: g.mean }]
      };
    }
    partsChart.setOption(option, true);
  }
  if (partsChart) {
    drawParts();
    if (partsSel) { partsSel.addEventListener("change", drawParts); }
  }

  var map = island("map-data", null);
  var mapEl = document.getElementById("map-chart");
  if (map && map.units && mapEl && !map.features) {
    /* the bar fallback needs a row per unit */
    mapEl.style.height = Math.max(320, map.units.length * 24 + 60) + "px";
  }
  var mapChart = map && map.units ? init("map-chart") : null;
  var useMap = false;
  if (mapChart && map.features) {
    try { echarts.registerMap("units", map.features); useMap = true; } catch (e) { useMap = false; }
  }
  function metric() {
    var checked = document.querySelector("input[name=map-metric]:checked");
    return checked ? checked.value : "deduction_points";
  }
  function drawMap() {
    var key = metric();
    var name = labels[key] || key;
    var values = map.units.map(function (u) { return { name: u.name, value: u[key] }; });
    var top = Math.max.apply(null, [1].concat(values.map(function (v) { return v.value; })));
    var option;
    if (useMap) {
      option = {
        tooltip: { trigger: "item", formatter: function (p) {
          return window.kpTip([p.name, name + "：" + (p.value === undefined || isNaN(p.value) ? "—" : p.value)]);
        } },
        visualMap: { min: 0, max: top, calculable: true, left: 8, bottom: 8, text: [String(top), "0"],
                     inRange: { color: ["#fdf3e7", "#f4a261", "#b71c1c"] } },
        series: [{ type: "map", map: "units", name: name, roam: false, selectedMode: false, data: values,
                   label: { show: true, fontSize: 11 }, itemStyle: { borderColor: "#555" },
                   emphasis: { label: { show: true }, itemStyle: { areaColor: "#f2c14e" } } }]
      };
    } else {
      var sorted = values.slice().sort(function (a, b) { return a.value - b.value; });
      option = {
        color: ["#b71c1c"],
        tooltip: { trigger: "axis" },
        grid: { left: 8, right: 32, top: 16, bottom: 24, containLabel: true },
        xAxis: { type: "value", name: name, minInterval: 1 },
        yAxis: { type: "category", data: sorted.map(function (v) { return v.name; }) },
        series: [{ type: "bar", name: name, data: sorted.map(function (v) { return v.value; }),
                   label: { show: true, position: "right" } }]
      };
    }
    mapChart.setOption(option, true);
  }
  if (mapChart) {
    drawMap();
    document.querySelectorAll("input[name=map-metric]").forEach(function (r) {
      r.addEventListener("change", drawMap);
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
