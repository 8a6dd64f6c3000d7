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
  // A table that scrolls sideways inside its box can be scrolled with the keyboard: the box
  // takes the focus and is named after the table's caption (WCAG 2.1.1).
  function focusableTables(root) {
    var boxes = root.querySelectorAll ? Array.prototype.slice.call(root.querySelectorAll(".table-responsive")) : [];
    if (root.matches && root.matches(".table-responsive")) { boxes.push(root); }
    boxes.forEach(function (box) {
      if (box.hasAttribute("tabindex")) { return; }
      var table = box.querySelector("table");
      var caption = table && (table.getAttribute("aria-label") || (table.caption && table.caption.textContent.trim()));
      box.tabIndex = 0;
      if (caption) {
        box.setAttribute("role", "group");
        box.setAttribute("aria-label", caption);
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () { focusableTables(document); });
  // A form sent back with errors: its error summary takes the focus, so a screen reader
  // reads it first and a keyboard user tabs from it to the fields it links (RGAA 11.10).
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-error-summary]");
    if (summary) { summary.focus(); }
  });
  document.addEventListener("htmx:load", function (event) { focusableTables(event.detail.elt); });
  // A link with data-disclosure opens the panel it controls in place and closes it again: a
  // button with aria-expanded once the script runs (HTMX loads the panel on the first click,
  // hx-trigger="click once"); without JavaScript, a link to a page of its own.
  function disclosures(root) {
    var links = root.querySelectorAll ? Array.prototype.slice.call(root.querySelectorAll("a[data-disclosure]")) : [];
    links.forEach(function (link) {
      if (link.hasAttribute("aria-expanded")) { return; }
      link.setAttribute("role", "button");
      link.setAttribute("aria-expanded", "false");
    });
  }
  document.addEventListener("DOMContentLoaded", function () { disclosures(document); });
  document.addEventListener("htmx:load", function (event) { disclosures(event.detail.elt); });
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-disclosure][aria-expanded]");
    var panel = link && document.getElementById(link.getAttribute("aria-controls"));
    if (!panel) { return; }
    event.preventDefault();
    var open = link.getAttribute("aria-expanded") !== "true";
    link.setAttribute("aria-expanded", open ? "true" : "false");
    panel.hidden = !open;
  });
  document.addEventListener("keydown", function (event) {  // a button opens with the space bar too
    var link = event.target.closest && event.target.closest("a[data-disclosure][role=button]");
    if (link && event.key === " ") { event.preventDefault(); link.click(); }
  });
  // HTMX: a 400/422 answer is the view's own error fragment and is swapped in place (see the
  // htmx-config meta tag); any other failed request shows its message in #htmx-error, so a
  // refused action is never silent.
  function showError(text) {
    var box = document.getElementById("htmx-error");
    if (!box) { return; }
    box.textContent = text || box.dataset.fallback;
    box.hidden = false;
    box.scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("htmx:responseError", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status === 400 || xhr.status === 422) { return; }  // swapped in place
    var text = "";
    if ((xhr.getResponseHeader("Content-Type") || "").indexOf("text/html") === 0) {
      var doc = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var node = doc.querySelector("[role=alert], .alert, main h1") || doc.body;
      text = node ? node.textContent.trim().replace(/\s+/g, " ").slice(0, 300) : "";
    } else {
      text = (xhr.responseText || "").trim().slice(0, 300);
    }
    showError(text);
  });
  document.addEventListener("htmx:sendError", function () {
    var box = document.getElementById("htmx-error");
    if (box) { showError(box.dataset.offline); }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var box = document.getElementById("htmx-error");
    if (box && event.detail.successful) { box.hidden = true; }
  });
})();
