// A form is sent once: a second click (or a double-click) on a submit button while the first
// request is on its way is ignored, and the buttons are disabled until the page changes.
// The server refuses a second save of the same version anyway; this spares the user the
// conflict message for their own double-click.
"use strict";
(() => {
  function buttonsOf(form) {
    const inside = [...form.querySelectorAll("[type=submit]")];
    const outside = form.id ? [...document.querySelectorAll(`[type=submit][form="${form.id}"]`)] : [];
    return [...inside, ...outside];
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (form.dataset.submitting) {
      event.preventDefault();
      return;
    }
    form.dataset.submitting = "true";
    // After this event the browser has already read the pressed button's name and value.
    setTimeout(() => buttonsOf(form).forEach((button) => { button.disabled = true; }), 0);
  });

  // Coming back with the browser's Back button shows the page as it was left: usable again.
  window.addEventListener("pageshow", (event) => {
    if (!event.persisted) return;
    for (const form of document.forms) {
      delete form.dataset.submitting;
      buttonsOf(form).forEach((button) => { button.disabled = false; });
    }
  });
})();
