/* A table wider than its box scrolls sideways (Bootstrap's .table-responsive). A keyboard user
   can scroll it only if the box takes focus (WCAG 2.1.1): a box that overflows gets
   tabindex="0", becomes a named region (the table's caption, else the heading before it) and
   shows a focus ring; one that fits is left out of the tab order. Checked again on resize. */
(function () {
  "use strict";

  function labelFor(box) {
    var table = box.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption) return caption;
    var node = box.previousElementSibling;
    while (node && !/^H[1-6]$/.test(node.tagName)) node = node.previousElementSibling;
    if (!node && box.parentElement) {
      node = box.parentElement.querySelector("h1, h2, h3, h4, h5, h6");
    }
    return node;
  }

  function mark(box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      if (box.getAttribute("tabindex") === "0") return;
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.dataset.scrollMarked = "1";
      var label = labelFor(box);
      if (label) {
        if (!label.id) label.id = "scroll-label-" + Math.random().toString(36).slice(2, 9);
        box.setAttribute("aria-labelledby", label.id);
      } else {
        box.setAttribute("aria-label", document.body.dataset.scrollTableLabel || "Table");
      }
    } else if (box.dataset.scrollMarked) {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-labelledby");
      box.removeAttribute("aria-label");
      delete box.dataset.scrollMarked;
    }
  }

  function markAll(root) {
    (root || document).querySelectorAll(".table-responsive").forEach(mark);
  }

  document.addEventListener("DOMContentLoaded", function () { markAll(); });
  // Content htmx swaps in may hold tables too.
  document.addEventListener("htmx:afterSettle", function (event) { markAll(event.target); });
  var pending;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(markAll, 150);
  });
})();
