/* Names for widgets drawn without one (found by axe-core):
   - select2's combobox (autocomplete fields) gets its field's label as its name;
   - the search icon of a filtered multiple select (the byline) is an image with a name;
   - the rich-text editor's editable area gets its textarea's label. */
"use strict";
(function () {
  function nameWidgets(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const label = document.querySelector('label[for="' + select.id + '"]');
      if (!label) return;
      if (!label.id) label.id = select.id + "-label";
      const parts = ".select2-selection[role=combobox], .select2-selection__rendered[role=textbox]";
      select.parentElement.querySelectorAll(parts).forEach(function (part) {
        const names = (part.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
        if (!names.includes(label.id)) {
          part.setAttribute("aria-labelledby", [label.id].concat(names).join(" "));
        }
      });
    });
    root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    root.querySelectorAll(".prose-editor").forEach(function (box) {
      const area = box.querySelector(".ProseMirror");
      const textarea = box.querySelector("textarea");
      const label = textarea && document.querySelector('label[for="' + textarea.id + '"]');
      if (!area || !label || area.hasAttribute("aria-labelledby")) return;
      if (!label.id) label.id = textarea.id + "-label";
      area.setAttribute("aria-labelledby", label.id);
    });
  }
  function nameAll() { nameWidgets(document); }
  // The admin's own scripts draw these on load; ours run after them.
  window.addEventListener("load", function () { setTimeout(nameAll, 0); });
  document.addEventListener("formset:added", function (event) { nameWidgets(event.target); });
  // Each editor starts a moment after the page (and in rows added later) and says so with an
  // event on its textarea: name it then.
  document.addEventListener("prose-editor:ready", nameAll);
})();
