/* The unit portrait's charts (radar of level-1 ratios, trend of total and rank) and two
 * small behaviours of the page: scroll to the focused node of the tree, and bring the
 * records panel into view once htmx has filled it. Data: dashboard:portrait_json. */
(function () {
  "use strict";
  if (!window.QF || !window.QF.charts) { return; }
  var charts = window.QF.charts;

  function percent(value) {
    return value === null || value === undefined ? "—" : (value * 100).toFixed(1) + "%";
  }

  charts.register("portrait-radar", function (data) {
    var radar = data.radar;
    var labels = data.labels || {};
    var notAssessed = labels.not_assessed || "—";
    var series = [{
      name: labels.unit || data.unit.name,
      value: radar.unit.map(function (v) { return v === null ? 0 : v; }),
      raw: radar.unit,
      areaStyle: { opacity: 0.25 },
      lineStyle: { width: 2 },
      itemStyle: { color: charts.bandColour(data.band) }
    }];
    var legend = [series[0].name];
    if (radar.mean) {
      series.push({
        name: labels.mean || "mean",
        value: radar.mean.map(function (v) { return v === null ? 0 : v; }),
        raw: radar.mean,
        lineStyle: { type: "dashed", width: 2 },
        itemStyle: { color: "#6c757d" }
      });
      legend.push(series[1].name);
    }
    if (radar.indicators.length < 3) { return bars(radar, series, legend, notAssessed); }
    return {
      legend: { data: legend, bottom: 0 },
      tooltip: {
        trigger: "item",
        formatter: function (params) {
          var raw = params.data.raw;
          var esc = charts.escape;
          var lines = [esc(params.name)];
          radar.indicators.forEach(function (ind, i) {
            var v = raw[i];
            lines.push(esc(ind.code) + " " + esc(ind.name) + ": " + esc(v === null ? notAssessed : percent(v)));
          });
          return lines.join("<br>");
        }
      },
      radar: {
        radius: "62%",
        center: ["50%", "48%"],
        indicator: radar.indicators.map(function (ind) {
          return { name: ind.name, max: ind.max, min: 0 };
        }),
        axisName: { color: "#333" }
      },
      series: [{ type: "radar", data: series }]
    };
  });

  /* A radar needs three axes; with one or two level-1 indicators, bars say the same. */
  function bars(radar, series, legend, notAssessed) {
    return {
      legend: { data: legend, bottom: 0 },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (v) { return v === null ? notAssessed : percent(v); }
      },
      grid: { left: 48, right: 24, top: 24, bottom: 48 },
      xAxis: { type: "category", data: radar.indicators.map(function (ind) { return ind.name; }) },
      yAxis: { type: "value", min: 0, max: 1, axisLabel: { formatter: percent } },
      series: series.map(function (s) {
        return { name: s.name, type: "bar", data: s.raw, itemStyle: s.itemStyle, barMaxWidth: 48 };
      })
    };
  }

  charts.register("portrait-trend", function (data) {
    var labels = data.labels || {};
    // Periods in words; an open or incomplete period is marked, its point hollow.
    var names = data.trend_labels || [];
    var open = data.trend_open || [];
    var incomplete = data.trend_incomplete || [];
    var periods = data.trend.map(function (t, i) {
      var name = names[i] || t.label || t.period;
      if (open[i] && labels.open) { return name + "\n(" + labels.open + ")"; }
      if (incomplete[i] && labels.incomplete) { return name + "\n(" + labels.incomplete + ")"; }
      return name;
    });
    return {
      legend: { data: [labels.total || "total", labels.rank || "rank"], bottom: 0 },
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 48, top: 24, bottom: 48 },
      xAxis: { type: "category", data: periods },
      yAxis: [
        { type: "value", name: labels.total || "", min: 0 },
        { type: "value", name: labels.rank || "", inverse: true, minInterval: 1, min: 1 }
      ],
      series: [
        {
          name: labels.total || "total",
          type: "line",
          data: data.trend.map(function (t, i) {
            return {
              value: t.total,
              symbol: open[i] || incomplete[i] ? "emptyCircle" : "circle",
              itemStyle: { color: charts.bandColour(t.band) }
            };
          }),
          symbolSize: 9,
          lineStyle: { color: "#1f5f8b", width: 2 },
          itemStyle: { color: "#1f5f8b" }
        },
        {
          name: labels.rank || "rank",
          type: "line",
          yAxisIndex: 1,
          data: data.trend.map(function (t) { return t.rank; }),
          lineStyle: { type: "dashed", color: "#f07c1a" },
          itemStyle: { color: "#f07c1a" }
        }
      ]
    };
  });

  document.addEventListener("DOMContentLoaded", function () {
    var focused = document.querySelector("[data-testid=score-tree] tr.qf-focus");
    if (focused && !window.location.hash) { focused.scrollIntoView({ block: "center" }); }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var panel = event.target;
    if (!panel || panel.id !== "records-panel") { return; }
    var box = panel.getBoundingClientRect();
    if (box.top < 0 || box.top > window.innerHeight) {
      panel.scrollIntoView({ block: "start", behavior: "smooth" });
    }
  });
})();
