/* What the pages' single charts share (督查信号's trend, 综合看板's 问题点位): kpIslandChart(chartId, islandId)
   finds the chart's element and the page's JSON island, starts the locally served ECharts on the element,
   resized with the window, and returns { chart, data } (the island parsed); null when the page has either
   missing or no ECharts.  Nothing here builds HTML from the data. */
(function () {
  "use strict";
  window.kpIslandChart = function (chartId, islandId) {
    var el = document.getElementById(chartId);
    var island = document.getElementById(islandId);
    if (!el || !island || typeof echarts === "undefined") { return null; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    window.addEventListener("resize", function () { chart.resize(); });
    return { chart: chart, data: JSON.parse(island.textContent || "{}") };
  };
})();
