/* The indicator form of a draft framework version: show only the chosen rule's fields.
 *
 * The rule select carries data-qf-rule-type; each rule parameter's input carries
 * data-qf-rule-param="deduct bonus" (the rule types that use it). Its form group (the
 * closest .mb-3) is hidden unless the chosen type is listed. Without JavaScript every field
 * shows, each saying which rules use it, and the server keeps only the chosen rule's
 * parameters anyway (qingfeng/framework/forms.py).
 */
(function () {
  "use strict";

  function update(select) {
    var form = select.form || document;
    var chosen = select.value;
    var inputs = form.querySelectorAll("[data-qf-rule-param]");
    for (var i = 0; i < inputs.length; i++) {
      var kinds = inputs[i].getAttribute("data-qf-rule-param").split(" ");
      var group = inputs[i].closest(".mb-3") || inputs[i];
      var shown = chosen !== "" && kinds.indexOf(chosen) !== -1;
      group.classList.toggle("d-none", !shown);
      group.setAttribute("data-qf-rule-shown", shown ? "yes" : "no");
    }
  }

  function start() {
    var selects = document.querySelectorAll("select[data-qf-rule-type]");
    for (var i = 0; i < selects.length; i++) { update(selects[i]); }
  }

  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("select[data-qf-rule-type]")) { update(el); }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
