/* Charts of the comparison pages (registered with QF.charts; data from the JSON endpoints
 * compare.json and trend.json, which the tests compare with the stored snapshots). */
(function () {
  "use strict";
  if (!window.QF || !window.QF.charts) { return; }
  var charts = window.QF.charts;

  function fixed(value) { return value === null || value === undefined ? "—" : Number(value).toFixed(2); }

  /* Sorted bars, one per unit, coloured by band, with the mean as a line; a click on a bar
   * opens that unit's portrait at the compared indicator. */
  charts.register("compare-indicator", function (data) {
    var units = data.units || [];
    var many = units.length > 30;
    var option = {
      grid: { left: 48, right: 24, top: 36, bottom: many ? 96 : 72, containLabel: false },
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          var u = units[p.dataIndex];
          var esc = charts.escape;
          return esc(u.name) + "<br>" + esc(data.measure_label) + ": " + fixed(u.value) +
            (u.max !== null ? " (" + fixed(u.score) + " / " + fixed(u.max) + ")" : "") +
            "<br>#" + u.rank;
        }
      },
      xAxis: {
        type: "category",
        data: units.map(function (u) { return u.name; }),
        axisLabel: { interval: many ? "auto" : 0, rotate: 35, width: 90, overflow: "truncate" }
      },
      yAxis: { type: "value", name: data.measure_label },
      series: [{
        type: "bar",
        name: data.node_name,
        data: units.map(function (u) {
          return { value: u.value, itemStyle: { color: charts.bandColour(u.band) } };
        }),
        markLine: data.mean === null ? undefined : {
          symbol: "none",
          data: [{ yAxis: data.mean, name: data.mean_label }],
          label: { formatter: data.mean_label + " " + fixed(data.mean) },
          lineStyle: { type: "dashed", color: "#333" }
        }
      }]
    };
    if (many) {
      option.dataZoom = [{ type: "slider", start: 0, end: Math.min(100, 3000 / units.length), bottom: 8 }, { type: "inside" }];
    }
    if (data.portrait) {
      option.qfOnClick = function (p) {
        var u = units[p.dataIndex];
        if (u) { window.location.href = data.portrait.replace("{unit}", u.id); }
      };
    }
    return option;
  });

  /* One line per unit over the periods, and the mean of the scope dashed; a click on a
   * point opens that unit's portrait in that period. */
  charts.register("compare-trend", function (data) {
    var series = (data.series || []).map(function (s) {
      return { type: "line", name: s.name, data: s.values, connectNulls: false, symbolSize: 7, qfUnit: s.id };
    });
    series.push({
      type: "line", name: data.mean_label, data: data.mean,
      lineStyle: { type: "dashed", color: "#555" }, itemStyle: { color: "#555" }, symbol: "none"
    });
    var option = {
      grid: { left: 48, right: 24, top: 56, bottom: 36 },
      tooltip: { trigger: "axis", valueFormatter: fixed },
      legend: { type: "scroll", top: 0 },
      xAxis: { type: "category", data: data.period_labels || data.periods },
      yAxis: { type: "value", name: data.measure_label, scale: true },
      series: series
    };
    if (data.portrait) {
      option.qfOnClick = function (p) {
        var s = (data.series || [])[p.seriesIndex];
        if (s && data.periods[p.dataIndex]) {
          window.location.href = data.portrait.replace("{unit}", s.id).replace("{period}", data.periods[p.dataIndex]);
        }
      };
    }
    return option;
  });
})();
