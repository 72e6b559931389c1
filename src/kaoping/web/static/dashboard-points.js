/* 问题点位 on the 综合看板 (issue #16.5): the period's counted deductions that carry a point, drawn over the
   units' areas (when the store has them) as points coloured by category, or as heat; a category can be
   chosen.  Data: the "points-data" island ([lon, lat, points, category, unit, row]), read and the chart started
   by island-chart.js; tooltips are text only. */
(function () {
  "use strict";
  var found = window.kpIslandChart("points-chart", "points-data");
  if (!found) { return; }
  var data = found.data, chart = found.chart;
  var labelsEl = document.getElementById("dash-labels");
  var L = Object.assign({ lon: "经度", lat: "纬度", pointsUnit: "分" }, labelsEl ? JSON.parse(labelsEl.textContent || "{}") : {});
  var mapEl = document.getElementById("map-data");
  var areas = mapEl ? (JSON.parse(mapEl.textContent || "{}").features || null) : null;
  var hasAreas = false;
  if (areas) {
    try { echarts.registerMap("point-areas", areas); hasAreas = true; } catch (e) { hasAreas = false; }
  }
  var hue = function (i) { return "hsl(" + Math.round(360 * i / Math.max(data.categories.length, 1)) + ", 65%, 42%)"; };

  /* the frame the points sit in: the units' areas, else plain longitude/latitude axes around the points */
  function frame() {
    if (hasAreas) {
      return { geo: { map: "point-areas", roam: true, itemStyle: { areaColor: "#eef2f8", borderColor: "#8897ad" },
                      emphasis: { disabled: true }, label: { show: false } } };
    }
    return { xAxis: { type: "value", scale: true, name: L.lon }, yAxis: { type: "value", scale: true, name: L.lat },
             grid: { left: 48, right: 16, top: 24, bottom: 40 } };
  }
  function draw() {
    var mode = (document.querySelector("input[name=points-mode]:checked") || {}).value || "scatter";
    var chosen = document.getElementById("points-category").value;
    var shown = data.points.filter(function (p) { return chosen === "" || String(p[3]) === chosen; });
    var where = hasAreas ? { coordinateSystem: "geo" } : {};
    var option = Object.assign({ tooltip: { trigger: "item", formatter: function (p) {
      var d = p.data;
      return window.kpTip([d[4], data.categories[d[3]], "-" + d[2] + " " + L.pointsUnit, d[1].toFixed(6) + ", " + d[0].toFixed(6)]);
    } } }, frame());
    if (mode === "heat") {
      var top = Math.max.apply(null, [1].concat(shown.map(function (p) { return p[2]; })));
      option.visualMap = { min: 0, max: top, calculable: false, orient: "horizontal", left: "center", bottom: 0,
                           inRange: { color: ["#fdf3e7", "#f4a261", "#b71c1c"] } };
      option.series = [Object.assign({ type: "heatmap", data: shown.map(function (p) { return [p[0], p[1], p[2], p[3], p[4]]; }),
                                       pointSize: 14, blurSize: 18 }, where)];
      if (!hasAreas) { option.series = [Object.assign(option.series[0], { type: "scatter", symbolSize: 14 })]; }
    } else {
      option.legend = { type: "scroll", bottom: 0, data: data.categories };
      option.series = data.categories.map(function (c, i) {
        return Object.assign({ type: "scatter", name: c, color: hue(i),
          data: shown.filter(function (p) { return p[3] === i; }),
          symbolSize: function (v) { return 6 + Math.min(14, 3 * v[2]); } }, where);
      });
    }
    chart.setOption(option, true);
  }
  draw();
  document.querySelectorAll("input[name=points-mode]").forEach(function (r) { r.addEventListener("change", draw); });
  document.getElementById("points-category").addEventListener("change", draw);
})();
