// The portal's own behaviour, in a file so the Content-Security-Policy needs no inline script.
"use strict";

// A read-only field marked data-select-on-click (a calendar link to copy) selects its whole
// text when clicked or focused.
document.addEventListener("click", (event) => {
  const field = event.target.closest("[data-select-on-click]");
  if (field) field.select();
});
document.addEventListener("focusin", (event) => {
  const field = event.target.closest("[data-select-on-click]");
  if (field) field.select();
});

// A link to a collapsed module (#module-12) or to something inside one (#task-34) opens the
// disclosure first, so the target is visible. Opening it fires "toggle", which makes htmx
// load the module's tasks when they are not in the page yet.
function openTarget(hash) {
  const id = decodeURIComponent((hash || window.location.hash).slice(1));
  const target = id && document.getElementById(id);
  if (!target) return;
  const details = target.closest("details");
  if (details && !details.open) {
    details.open = true;
    target.scrollIntoView();
  }
}
document.addEventListener("DOMContentLoaded", () => openTarget());
window.addEventListener("hashchange", () => openTarget());
// A second click on the same link changes no hash: open the (meanwhile closed) module anyway.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href^='#']");
  if (link && link.hash === window.location.hash) openTarget(link.hash);
});

// After htmx swapped in an answer that names where focus belongs (data-autofocus: the
// heading of the task just marked done), move focus there instead of leaving it on the body.
document.addEventListener("htmx:afterSettle", () => {
  const target = document.querySelector("[data-autofocus]");
  if (target) {
    target.removeAttribute("data-autofocus");
    target.focus();
  }
});
