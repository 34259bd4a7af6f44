/* Qingfeng's site-wide script, loaded by base.html on every page (no inline script: the
 * Content-Security-Policy allows only our own static files).
 *
 * QF.escapeHtml(value): the one HTML escape for every string a script puts into HTML
 *   (ECharts tooltip formatters render their return value as HTML, and names, problem types
 *   and labels come from users and the API).
 * Behaviours declared with data- attributes instead of inline handlers:
 *   <select data-qf-navigate>            goes to the chosen option's value (a URL);
 *   <select data-qf-autosubmit>          submits its form;
 *   <form data-qf-confirm="…">           asks before submitting (also on a submit button);
 *   <input type=checkbox data-qf-select-all="SELECTOR">  (un)checks every SELECTOR box;
 *   <a data-qf-back href="…">            goes back in the history (the href when none);
 *   <input data-qf-select-on-focus>      selects its text when focused (a token to copy);
 *   <form data-qf-ranking="BASE">        goes to BASE + period + "/" (+ "?category=").
 */
(function () {
  "use strict";
  var ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" };

  function escapeHtml(value) {
    if (value === null || value === undefined) { return ""; }
    return String(value).replace(/[&<>"']/g, function (c) { return ENTITIES[c]; });
  }

  window.QF = window.QF || {};
  window.QF.escapeHtml = escapeHtml;

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (!el || !el.matches) { return; }
    if (el.matches("select[data-qf-navigate]")) {
      window.location.href = el.value;
      return;
    }
    if (el.matches("select[data-qf-autosubmit]") && el.form) {
      el.form.submit();
      return;
    }
    var ranking = el.form && el.form.getAttribute("data-qf-ranking");
    if (ranking !== null && ranking !== undefined && el.form.period) {
      var category = el.form.category ? el.form.category.value : "";
      window.location.href = ranking + encodeURIComponent(el.form.period.value) + "/" +
        (category ? "?category=" + encodeURIComponent(category) : "");
    }
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = (button && button.getAttribute("data-qf-confirm")) ||
      (form && form.getAttribute && form.getAttribute("data-qf-confirm"));
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });

  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("input[data-qf-select-on-focus]")) { el.select(); }
  });

  document.addEventListener("click", function (event) {
    var el = event.target;
    if (!el || !el.closest) { return; }
    if (el.matches("input[type=checkbox][data-qf-select-all]")) {
      var selector = el.getAttribute("data-qf-select-all");
      document.querySelectorAll(selector).forEach(function (box) { box.checked = el.checked; });
      return;
    }
    var back = el.closest("a[data-qf-back]");
    if (back && window.history.length > 1) {
      event.preventDefault();
      window.history.back();
    }
  });
})();
