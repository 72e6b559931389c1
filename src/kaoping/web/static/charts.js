/* Bar charts of shown totals per group, drawn by the locally served ECharts from the page's JSON island. */
(function () {
  "use strict";
  var island = document.getElementById("chart-data");
  if (!island || typeof echarts === "undefined") { return; }
  var groups = JSON.parse(island.textContent || "[]");
  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var g = groups[Number(el.getAttribute("data-chart"))];
    if (!g) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    // unit names slant when they would not fit side by side (many units, or a phone's width)
    var total = el.getAttribute("data-total-label") || "";  /* the page's word for 总分, in its language */
    var slant = g.units.length > 8 || el.clientWidth / Math.max(g.units.length, 1) < 64;
    chart.setOption({
      color: ["#1f4e8c"],
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, top: 24, bottom: 72 },
      xAxis: { type: "category", data: g.units, axisLabel: { interval: 0, rotate: slant ? 40 : 0 } },
      /* bars from zero (the page computes the bounds): a bar's length is its value */
      yAxis: { type: "value", name: total, min: g.axis.min, max: g.axis.max },
      series: [{ type: "bar", name: total, data: g.totals, label: { show: g.units.length <= 12, position: "top" } }]
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
