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
      } catch (e) { detail = ""; } /* no JSON answer: the status alone (the browser's reason phrase is English) */
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
      if (step === "advance" && !window.confirm(btn.dataset.confirm)) { return; }
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
      } else if (step === "advance") {
        url = "/api/results/advance";
        body = JSON.stringify({ scheme: panel.dataset.scheme, period: panel.dataset.period, with_months: btn.dataset.withMonths === "1" });
      } else {
        url = "/api/results/" + encodeURIComponent(btn.dataset.id) + "/" + step;
        var missing = document.getElementById("missing-reason");
        if (step === "publish" && missing && missing.value.trim()) {
          url += "?missing_reason=" + encodeURIComponent(missing.value.trim());
        }
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
        errBox.textContent = panel.dataset.failed + "：" + panel.dataset.network;
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

  /* --- charts: every number and axis bound comes from the islands (kaoping.web.dashboard_charts) --- */
  if (typeof echarts === "undefined") { return; }
  var labels = island("dash-labels", {});
  var charts = [];
  var CHOSEN = "#b71c1c", MEAN = "#1f2933";

  function init(id) {
    var el = document.getElementById(id);
    if (!el) { return null; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    charts.push(chart);
    return chart;
  }
  /* n distinct hues (never a repeated colour within a group), muted for the units not chosen */
  function hue(i, n) { return "hsl(" + Math.round(360 * i / Math.max(n, 1) + 200) % 360 + ", 55%, 45%)"; }
  /* numbers as the tables show them (the scheme's decimals); counts as they are */
  var decimals = typeof labels.decimals === "number" ? labels.decimals : 2;
  function shown(v) { return v === null || v === undefined || isNaN(v) ? "—" : Number(v).toFixed(decimals); }
  function count(v) { return v === null || v === undefined || isNaN(v) ? "—" : String(v); }

  var trend = island("trend-data", null);
  var trendChart = trend && trend.groups && trend.groups.length ? init("trend-chart") : null;
  var trendSel = document.getElementById("trend-unit");
  function drawTrend() {
    var chosen = trendSel && trendSel.value ? trendSel.value : trend.groups[0].units[0];
    var byId = {};
    trend.series.forEach(function (s) { byId[s.unit_id] = s; });
    var group = trend.groups.filter(function (g) { return g.units.indexOf(chosen) >= 0; })[0] || trend.groups[0];
    var others = group.units.filter(function (id) { return id !== chosen; });
    var series = others.map(function (id, i) {
      return { type: "line", name: byId[id].name, data: byId[id].totals, connectNulls: false, symbolSize: 4,
               color: hue(i, others.length), lineStyle: { width: 1.5, opacity: 0.35 }, itemStyle: { opacity: 0.35 },
               emphasis: { focus: "series" }, z: 1 };
    });
    series.push({ type: "line", name: group.group + " · " + labels.mean, data: group.mean, color: MEAN,
                  lineStyle: { type: "dashed", width: 2 }, symbol: "none", z: 2 });
    if (byId[chosen]) {
      series.push({ type: "line", name: byId[chosen].name, data: byId[chosen].totals, color: CHOSEN,
                    lineStyle: { width: 4 }, symbolSize: 8, z: 3 });
    }
    trendChart.setOption({
      tooltip: { trigger: "item", formatter: function (p) {
        return window.kpTip([p.seriesName, p.name + "：" + shown(p.value)]);
      } },
      /* the legend starts with the chosen unit and the mean, whatever the drawing order */
      legend: { type: "scroll", bottom: 0, data: series.map(function (s) { return s.name; }).reverse() },
      grid: { left: 16, right: 32, top: 32, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: trend.periods, boundaryGap: trend.periods.length < 2,
               axisLabel: { hideOverlap: true } },
      yAxis: { type: "value", name: labels.total, min: trend.axis.min, max: trend.axis.max },
      series: series
    }, true);
  }
  if (trendChart) {
    drawTrend();
    if (trendSel) { trendSel.addEventListener("change", drawTrend); }
  }

  var parts = island("parts-data", null);
  var partsChart = parts && parts.groups && parts.groups.length ? init("parts-chart") : null;
  var partsSel = document.getElementById("parts-unit");
  function drawParts() {
    var pick = (partsSel && partsSel.value ? partsSel.value : "0:0").split(":");
    var g = parts.groups[Number(pick[0])] || parts.groups[0];
    var u = g.units[Number(pick[1])] || g.units[0];
    /* bars from zero, the unit against its group mean; each part names its maximum */
    var names = g.parts.map(function (p, i) { return p + "（" + labels.full + " " + g.max[i] + "）"; });
    var barLabel = { show: true, position: "right", formatter: function (p) { return shown(p.value); } };
    partsChart.setOption({
      color: [CHOSEN, "#8a94a6"],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (ps) {
        return window.kpTip([ps[0].name].concat(ps.map(function (p) { return p.seriesName + "：" + shown(p.value); })));
      } },
      legend: { bottom: 0, data: [u.name, labels.mean] },
      grid: { left: 8, right: 48, top: 8, bottom: 40, containLabel: true },
      xAxis: { type: "value", min: g.axis.min, max: g.axis.max },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 150, overflow: "break" } },
      series: [
        { type: "bar", name: u.name, data: u.values, label: barLabel },
        { type: "bar", name: labels.mean, data: g.mean, label: barLabel }
      ]
    }, true);
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
  var insetChart = null;
  if (mapChart && map.features) {
    try { echarts.registerMap("units", map.features); useMap = true; } catch (e) { useMap = false; }
  }
  if (useMap && map.inset) {
    var insetFeatures = map.features.features.filter(function (f) { return f.properties.group === map.inset; });
    try {
      echarts.registerMap("units-inset", { type: "FeatureCollection", features: insetFeatures });
      insetChart = init("map-inset");
    } catch (e) { insetChart = null; }
  }
  var urls = {};
  if (map && map.units) {
    map.units.forEach(function (u) { urls[u.name] = u.url; });
  }
  function metric() {
    var checked = document.querySelector("input[name=map-metric]:checked");
    return checked ? checked.value : "deduction_points";
  }
  function mapSeries(mapName, values, small) {
    return { type: "map", map: mapName, roam: false, selectedMode: false, data: values,
             label: { show: true, fontSize: small ? 12 : 11 }, labelLayout: { hideOverlap: true },
             itemStyle: { borderColor: "#555" },
             emphasis: { label: { show: true }, itemStyle: { areaColor: "#f2c14e" } } };
  }
  function drawMap() {
    var key = metric();
    var name = labels[key] || key;
    var say = key === "deduction_points" ? shown : count;
    var values = map.units.map(function (u) {
      var item = { name: u.name, value: u[key] };
      /* the inset names the crowded group's units: the whole map leaves them unlabelled */
      if (insetChart && u.group === map.inset) { item.label = { show: false }; }
      return item;
    });
    var top = Math.max.apply(null, [1].concat(values.map(function (v) { return v.value; })));
    var tip = { trigger: "item", formatter: function (p) {
      return window.kpTip([p.name, name + "：" + say(p.value)]);
    } };
    var option;
    if (useMap) {
      /* one legend, its ends labelled once: no draggable handles repeating the numbers */
      option = {
        tooltip: tip,
        visualMap: { min: 0, max: top, calculable: false, orient: "horizontal", left: "center", bottom: 0,
                     itemWidth: 12, itemHeight: 120, text: [say(top), "0"], seriesIndex: 0,
                     inRange: { color: ["#fdf3e7", "#f4a261", "#b71c1c"] } },
        series: [Object.assign(mapSeries("units", values), { top: 8, bottom: 40 })]
      };
    } else {
      var sorted = values.slice().sort(function (a, b) { return a.value - b.value; });
      option = {
        color: ["#b71c1c"],
        tooltip: { trigger: "axis" },
        grid: { left: 8, right: 32, top: 16, bottom: 24, containLabel: true },
        xAxis: { type: "value", name: name, min: 0, minInterval: 1 },
        yAxis: { type: "category", data: sorted.map(function (v) { return v.name; }) },
        series: [{ type: "bar", name: name, data: sorted.map(function (v) { return v.value; }),
                   label: { show: true, position: "right", formatter: function (p) { return say(p.value); } } }]
      };
    }
    mapChart.setOption(option, true);
    if (insetChart) {
      var mine = map.units.filter(function (u) { return u.group === map.inset; })
        .map(function (u) { return { name: u.name, value: u[key] }; });
      insetChart.setOption({
        tooltip: tip,
        visualMap: { show: false, min: 0, max: top, inRange: { color: ["#fdf3e7", "#f4a261", "#b71c1c"] } },
        series: [mapSeries("units-inset", mine, true)]
      }, true);
    }
  }
  /* a click on an area (or a bar) opens the unit's page */
  function follow(p) {
    var url = urls[p.name];
    if (url && url.charAt(0) === "/") { window.location.href = url; }
  }
  if (mapChart) {
    drawMap();
    mapChart.on("click", follow);
    if (insetChart) { insetChart.on("click", follow); }
    document.querySelectorAll("input[name=map-metric]").forEach(function (r) {
      r.addEventListener("change", drawMap);
    });
  }

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
