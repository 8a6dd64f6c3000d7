// Curious Lab: the little behaviour the pages need, with no inline script (strict CSP).
(function () {
  "use strict";
  // Buttons with data-confirm ask before submitting their form.
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var message = (submitter && submitter.dataset.confirm) || event.target.dataset.confirm;
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Forms with data-once disable their submit buttons once sent (no double submit).
  document.addEventListener("submit", function (event) {
    if (event.defaultPrevented || !event.target.matches("form[data-once]")) { return; }
    window.setTimeout(function () {
      event.target.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });
})();
