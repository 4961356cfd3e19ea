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
