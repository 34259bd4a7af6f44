/* Charts of the leader's file (registered with QF.charts; data from the file's
 * portrait.json, the same figures as the tables beside them): the dues of each category by
 * light, and the trend over the years. Every server string in a tooltip goes through
 * charts.escape (QF.escapeHtml). */
(function () {
  "use strict";
  if (!window.QF || !window.QF.charts) { return; }
  var charts = window.QF.charts;
  var LIGHT_COLOURS = { red: "#c8312b", orange: "#f07c1a", yellow: "#e0a800", green: "#2e8b57", grey: "#ced4da" };

  /* An axis tooltip: the row's label, then each series' name and value, all escaped. */
  function axisTooltip(labels) {
    return function (items) {
      var esc = charts.escape;
      if (!items.length) { return ""; }
      var lines = [esc(labels[items[0].dataIndex])];
      items.forEach(function (p) { lines.push(esc(p.seriesName) + ": " + esc(String(p.value))); });
      return lines.join("<br>");
    };
  }

  /* Horizontal stacked bars: each category's dues by light. */
  charts.register("duties-file-lights", function (data, el) {
    var names = data.categories.map(function (c) { return c.name; });
    var series = data.lights.map(function (light, index) {
      return {
        type: "bar", stack: "lights", name: light.label,
        itemStyle: { color: LIGHT_COLOURS[light.key] || "#999" },
        data: data.categories.map(function (c) { return c.counts[index]; })
      };
    });
    return {
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, type: "scroll" },
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: axisTooltip(names)
      },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: {
        type: "category", inverse: true, data: names,
        axisLabel: { width: el.clientWidth < 520 ? 70 : 120, overflow: "truncate" }
      },
      series: series
    };
  });

  /* Bars per year: done on time, done late, missing. */
  charts.register("duties-file-years", function (data) {
    var years = data.years.map(function (y) { return String(y.year); });
    function bar(key, colour) {
      return {
        type: "bar", stack: "years", name: data.labels[key], itemStyle: { color: colour },
        data: data.years.map(function (y) { return y[key]; })
      };
    }
    return {
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: {
        trigger: "axis", axisPointer: { type: "shadow" },
        formatter: axisTooltip(years)
      },
      xAxis: { type: "category", data: years },
      yAxis: { type: "value", minInterval: 1 },
      series: [bar("on_time", LIGHT_COLOURS.green), bar("late", LIGHT_COLOURS.orange), bar("missing", LIGHT_COLOURS.red)]
    };
  });
})();
