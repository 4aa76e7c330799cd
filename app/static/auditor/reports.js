/* Draws a report's chart from the JSON the page carries; amounts arrive in baisa and are shown in rials. */
(function () {
  "use strict";
  var printButton = document.getElementById("report-print");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }
  var source = document.getElementById("report-chart-data");
  var canvas = document.getElementById("report-chart");
  if (!source || !canvas || typeof window.Chart === "undefined") {
    return;
  }
  var spec = JSON.parse(source.textContent);
  if (!spec.labels || spec.labels.length === 0) {
    canvas.parentNode.style.display = "none";
    return;
  }
  var rtl = document.documentElement.dir === "rtl" || document.documentElement.lang === "ar";
  var palette = ["#1f5f8b", "#c0392b", "#27ae60", "#8e44ad", "#d68910", "#16a085", "#7f8c8d"];
  var toRials = function (baisa) { return baisa / 1000; };
  var datasets = spec.datasets.map(function (set, index) {
    var colour = palette[index % palette.length];
    return {
      label: set.label,
      data: spec.money ? set.data.map(toRials) : set.data,
      backgroundColor: spec.type === "doughnut" ? palette.slice(0, set.data.length) : colour,
      borderColor: spec.type === "doughnut" ? "#fff" : colour
    };
  });
  var money = function (value) {
    return Number(value).toLocaleString(document.documentElement.lang || undefined,
      { minimumFractionDigits: 3, maximumFractionDigits: 3 });
  };
  var options = {
    responsive: true,
    animation: false,
    plugins: {
      legend: { rtl: rtl, position: "bottom" },
      tooltip: { rtl: rtl }
    }
  };
  if (spec.type !== "doughnut") {
    options.scales = {
      x: { stacked: !!spec.stacked, reverse: rtl },
      y: { stacked: !!spec.stacked, beginAtZero: true,
           ticks: spec.money ? { callback: money } : { precision: 0 } }
    };
  }
  var chart = new window.Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: datasets }, options: options });
  window.addEventListener("beforeprint", function () { chart.resize(); });
})();
