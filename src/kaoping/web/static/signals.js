/* 督查信号: a bar chart of how many signals of each kind the last months had, drawn by the locally served
   ECharts from the page's JSON island, started by island-chart.js (the table under it carries the same numbers
   for screen readers and print; nothing here builds HTML from the data). */
(function () {
  "use strict";
  var found = window.kpIslandChart("signals-trend-chart", "signals-trend-data");
  if (!found) { return; }
  var data = found.data;
  found.chart.setOption({
    color: ["#1f4e8c", "#b71c1c", "#f2a900"],
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 36, bottom: 32 },
    xAxis: { type: "category", data: data.months || [] },
    yAxis: { type: "value", minInterval: 1 },
    series: (data.series || []).map(function (s) { return { type: "bar", name: s.name, data: s.data }; })
  });
})();
