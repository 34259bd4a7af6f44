/* Qingfeng's chart helper on top of the vendored ECharts (no other script, no CDN).
 *
 * A page declares a chart as
 *   <div class="qf-chart" data-chart="KIND" data-src="/analysis/…/x.json" style="height:320px"></div>
 * and registers a builder for KIND with QF.charts.register(KIND, function (data, el) {
 * return echartsOption; }). Each builder receives the parsed JSON endpoint answer (the
 * same data the server stores: the tests compare them) and the element (for data-*
 * options). A builder may set option.qfOnClick = function (params) {…} for drill-down.
 *
 * A tooltip formatter's return value is rendered as HTML: every server string in it (unit,
 * indicator, problem type, category names) goes through charts.escape (QF.escapeHtml, from
 * qingfeng.js). Axis and label texts are drawn on the canvas and need no escaping.
 */
(function () {
  "use strict";
  var builders = {};
  var BAND_COLOURS = {
    green: "#2e8b57", blue: "#2f6fd1", yellow: "#e0a800",
    orange: "#f07c1a", red: "#c8312b", none: "#ced4da"
  };

  function bandColour(band) { return BAND_COLOURS[band] || BAND_COLOURS.none; }

  function render(el) {
    var kind = el.getAttribute("data-chart");
    var builder = builders[kind];
    if (!builder || typeof echarts === "undefined") { return; }
    fetch(el.getAttribute("data-src"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(response.status); }
        return response.json();
      })
      .then(function (data) {
        var old = echarts.getInstanceByDom(el);
        if (old) { old.dispose(); }
        var chart = echarts.init(el, null, { renderer: "canvas" });
        var option = builder(data, el);
        var onClick = option.qfOnClick;
        delete option.qfOnClick;
        option.animation = false;
        if (option.tooltip) {
          // Keep a tooltip inside its chart and let long names wrap (a phone is narrow).
          option.tooltip.confine = true;
          option.tooltip.extraCssText = "white-space: normal; max-width: min(90vw, 28rem); overflow-wrap: anywhere;";
        }
        chart.setOption(option);
        if (onClick) { chart.on("click", onClick); }
        el.setAttribute("data-ready", "1");
      })
      .catch(function () {
        el.textContent = el.getAttribute("data-error") || "—";
        el.setAttribute("data-ready", "error");
      });
  }

  function renderAll(root) {
    (root || document).querySelectorAll(".qf-chart[data-chart]").forEach(render);
  }

  window.addEventListener("resize", function () {
    document.querySelectorAll(".qf-chart[data-chart]").forEach(function (el) {
      var chart = typeof echarts !== "undefined" && echarts.getInstanceByDom(el);
      if (chart) { chart.resize(); }
    });
  });
  document.addEventListener("DOMContentLoaded", function () { renderAll(document); });
  document.addEventListener("htmx:afterSwap", function (event) { renderAll(event.target); });

  window.QF = window.QF || {};
  window.QF.charts = {
    register: function (kind, builder) { builders[kind] = builder; },
    render: render,
    renderAll: renderAll,
    bandColour: bandColour,
    escape: window.QF.escapeHtml,
    BAND_COLOURS: BAND_COLOURS
  };
})();
