/* Charts of the problem analysis (registered with QF.charts; data from problems.json,
 * which the tests compare with the records). Every click opens the records behind it. */
(function () {
  "use strict";
  if (!window.QF || !window.QF.charts) { return; }
  var charts = window.QF.charts;

  function recordsUrl(data, params) {
    var url = data.records_url;
    var query = new URLSearchParams(url.indexOf("?") >= 0 ? url.slice(url.indexOf("?") + 1) : "");
    Object.keys(params).forEach(function (key) { query.set(key, params[key]); });
    return url.split("?")[0] + "?" + query.toString();
  }

  /* Stacked bars: problem records per type in each of the last eight periods. */
  charts.register("problems-by-type", function (data) {
    var periods = data.trend.periods;
    var series = data.trend.series.map(function (s) {
      return { type: "bar", stack: "types", name: s.label, data: s.counts, emphasis: { focus: "series" } };
    });
    return {
      grid: { left: 40, right: 16, top: 56, bottom: 32 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { type: "scroll", top: 0 },
      xAxis: { type: "category", data: periods.map(function (p) { return p.label || p.period; }) },
      yAxis: { type: "value", minInterval: 1 },
      series: series,
      qfOnClick: function (p) {
        var s = data.trend.series[p.seriesIndex];
        var period = periods[p.dataIndex];
        if (s && period) {
          window.location.href = recordsUrl(data, { type: s.key, from: period.from, to: period.to });
        }
      }
    };
  });

  /* Heat map: problem type (rows) x unit category (columns), record counts. */
  charts.register("problems-heatmap", function (data, el) {
    var m = data.matrix;
    var top = m.cells.reduce(function (a, c) { return Math.max(a, c[2]); }, 1);
    return {
      grid: { left: 8, right: 16, top: 16, bottom: 64, containLabel: true },
      tooltip: {
        formatter: function (p) {
          var esc = charts.escape;
          return esc(m.types[p.value[1]].label) + " · " + esc(m.categories[p.value[0]].name) + ": " + p.value[2];
        }
      },
      xAxis: { type: "category", data: m.categories.map(function (c) { return c.name; }), splitArea: { show: true } },
      yAxis: {
        type: "category", inverse: true, data: m.types.map(function (t) { return t.label; }), splitArea: { show: true },
        // Long type names are cut (the tooltip and the table below show them whole).
        axisLabel: { width: el.clientWidth < 520 ? 90 : 200, overflow: "truncate" }
      },
      visualMap: {
        min: 0, max: top, calculable: true, orient: "horizontal", left: "center", bottom: 0,
        inRange: { color: ["#fff5f0", "#fcbba1", "#fb6a4a", "#cb181d", "#67000d"] }
      },
      series: [{ type: "heatmap", data: m.cells, label: { show: true } }],
      qfOnClick: function (p) {
        var type = m.types[p.value[1]], category = m.categories[p.value[0]];
        if (type && category) {
          window.location.href = recordsUrl(data, { type: type.key, category: category.code, from: data.from, to: data.to });
        }
      }
    };
  });
})();
