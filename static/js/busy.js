// Loading feedback on htmx actions: while a request a person started (a click or a submit)
// is on its way, the control and the part of the page it will replace carry
// aria-busy="true" (app.css shows a spinner, still for people who prefer reduced motion),
// and a second click or Enter on the same control is dropped, so nothing is sent twice.
// Requests made while typing (suggestions) are left alone: they replace one another.
(function () {
  "use strict";
  var ACTIONS = { click: true, submit: true };

  function isAction(detail) {
    var event = detail.triggeringEvent || (detail.requestConfig && detail.requestConfig.triggeringEvent);
    return Boolean(event && ACTIONS[event.type]);
  }

  function busyParts(detail) {
    var parts = [detail.elt];
    var target = detail.target || (detail.requestConfig && detail.requestConfig.target);
    if (target && target !== detail.elt && target !== document.body) parts.push(target);
    return parts;
  }

  document.addEventListener("htmx:confirm", function (event) {
    if (event.detail.elt.getAttribute("aria-busy") === "true" && isAction(event.detail)) {
      event.preventDefault(); // never issued: the first request is still on its way
    }
  });

  document.addEventListener("htmx:beforeRequest", function (event) {
    if (!isAction(event.detail)) return;
    busyParts(event.detail).forEach(function (part) { part.setAttribute("aria-busy", "true"); });
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    busyParts(event.detail).forEach(function (part) { part.removeAttribute("aria-busy"); });
  });
})();
