/* The overview's charts and small helpers (vendored ECharts through qingfeng-charts.js).
 *
 * overview-distribution: histogram of the totals from overview.json's distribution.bins,
 *   each bar coloured by the band of its lower edge;
 * overview-bands: the units per band (overview.json's bands), in the band colours.
 * (The period picker and category filter are handled by the site-wide qingfeng.js.)
 */
(function () {
  "use strict";

  function number(value) {
    return Math.round(value * 100) / 100;
  }

  function narrow(el) {
    return el.clientWidth < 520;
  }

  if (window.QF && window.QF.charts) {
    var charts = window.QF.charts;

    charts.register("overview-distribution", function (data, el) {
      var bins = data.distribution.bins;
      return {
        grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: {
          type: "category",
          name: el.getAttribute("data-x-name") || "",
          nameLocation: "middle",
          nameGap: narrow(el) ? 44 : 28,
          data: bins.map(function (bin) { return number(bin.from) + "–" + number(bin.to); }),
          axisLabel: { interval: 0, rotate: narrow(el) ? 45 : 0 }
        },
        yAxis: { type: "value", minInterval: 1, name: el.getAttribute("data-y-name") || "" },
        series: [{
          type: "bar",
          barCategoryGap: "8%",
          label: { show: true, position: "top" },
          data: bins.map(function (bin) {
            return { value: bin.count, itemStyle: { color: charts.bandColour(bin.band) } };
          })
        }]
      };
    });

    charts.register("overview-bands", function (data) {
      return {
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            return charts.escape(p.name) + ": " + p.value + " (" + p.percent + "%)";
          }
        },
        legend: { bottom: 0, type: "scroll" },
        series: [{
          type: "pie",
          radius: ["38%", "68%"],
          center: ["50%", "45%"],
          label: { formatter: "{b}\n{c}" },
          data: data.bands.filter(function (band) { return band.count > 0; }).map(function (band) {
            return { name: band.label, value: band.count, itemStyle: { color: charts.bandColour(band.band) } };
          })
        }]
      };
    });
  }
})();
