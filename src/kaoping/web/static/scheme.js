/* 考评方案: a pie of each group's top-level parts by share of the total, drawn by the locally served ECharts
   from the page's JSON island (the table below it carries the same numbers for screen readers and print). */
(function () {
  "use strict";
  var island = document.getElementById("weights-data");
  if (!island || typeof echarts === "undefined") { return; }
  var sets = JSON.parse(island.textContent || "[]");
  var palette = ["#1f4e8c", "#b71c1c", "#f2a900", "#2e7d32", "#6a1b9a", "#00838f", "#8d6e63", "#546e7a"];
  var charts = [];
  document.querySelectorAll("[data-weights]").forEach(function (el) {
    var set = sets[Number(el.getAttribute("data-weights"))];
    if (!set) { return; }
    var narrow = el.clientWidth < 480, shares = {};
    set.parts.forEach(function (p) { shares[p.name] = p.share; });
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: palette,
      tooltip: { trigger: "item", formatter: function (p) { return window.kpTip([p.name + "：" + p.data.share]); } },
      legend: Object.assign(
        narrow ? { bottom: 0, type: "scroll" } : { orient: "vertical", left: 0, top: "middle", type: "scroll" },
        { formatter: function (name) { return name + " " + (shares[name] || ""); } }
      ),
      series: [{
        type: "pie",
        radius: narrow ? ["30%", "58%"] : ["35%", "70%"],
        center: narrow ? ["50%", "42%"] : ["60%", "50%"],
        data: set.parts,
        label: { show: !narrow, formatter: function (p) { return p.name + "\n" + p.data.share; } }
      }]
    });
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
