// Jury score sheet: keep what the juror entered if the connection drops (strict CSP: no
// inline script). Each project's form is posted whole by HTMX on every change; when the
// post fails the values stay in the inputs, a copy goes to localStorage and the form is
// sent again with the next change or when the connection comes back.
(function () {
  "use strict";
  var PREFIX = "curiouslab-draft:";

  function forms() { return document.querySelectorAll("form.score-form[data-draft-key]"); }
  function banner(show) {
    var el = document.getElementById("sheet-offline");
    if (el) { el.classList.toggle("d-none", !show); }
  }
  function read(form) {
    var data = {};
    form.querySelectorAll("input[type=radio]:checked, textarea").forEach(function (el) {
      data[el.name] = el.value;
    });
    return data;
  }
  function store(form) {
    try { localStorage.setItem(PREFIX + form.dataset.draftKey, JSON.stringify(read(form))); } catch (e) { /* private mode */ }
  }
  function forget(form) {
    try { localStorage.removeItem(PREFIX + form.dataset.draftKey); } catch (e) { /* private mode */ }
  }
  function restore(form) {
    var raw = null;
    try { raw = localStorage.getItem(PREFIX + form.dataset.draftKey); } catch (e) { return false; }
    if (!raw) { return false; }
    var data = JSON.parse(raw);
    Object.keys(data).forEach(function (name) {
      form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']").forEach(function (el) {
        if (el.type === "radio") { el.checked = el.value === data[name]; } else { el.value = data[name]; }
      });
    });
    return true;
  }
  function resend() {
    forms().forEach(function (form) {
      if (form.classList.contains("is-unsaved") && window.htmx) { window.htmx.trigger(form, "submit"); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    forms().forEach(function (form) {
      if (restore(form) && !form.querySelector("fieldset[disabled]")) {
        form.classList.add("is-unsaved");
      }
      form.addEventListener("input", function () { store(form); });
      form.addEventListener("change", function () { store(form); });
    });
    window.setTimeout(resend, 500);
  });
  // Refused input (400) comes with a message to show in place of the status.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.xhr.status === 400 && event.target.classList.contains("sheet-status")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form.score-form");
    if (!form) { return; }
    var ok = event.detail.successful;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (ok || status === 400) {
      form.classList.remove("is-unsaved");
      if (ok) { forget(form); }
      banner(document.querySelector("form.score-form.is-unsaved") !== null);
    } else {
      form.classList.add("is-unsaved");
      store(form);
      banner(true);
    }
  });
  // The heading "n of m complete": the server rendered its text for every n; after each
  // save, n is the number of projects whose status says complete.
  function progress() {
    var heading = document.getElementById("sheet-progress");
    var texts = document.getElementById("sheet-progress-texts");
    if (!heading || !texts) { return; }
    var done = document.querySelectorAll("form.score-form .sheet-status .sheet-complete").length;
    var list = JSON.parse(texts.textContent);
    if (done < list.length && heading.textContent !== list[done]) { heading.textContent = list[done]; }
  }
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target.classList && event.target.classList.contains("sheet-status")) { progress(); }
  });
  window.addEventListener("online", resend);
})();
