// Live character counts for the wide text fields with a length limit (headline, dek,
// takeaways, image texts): the browser takes in everything typed or pasted (no maxlength),
// and the count turns red past the limit. The server refuses
// an over-long value with its length; nothing is ever cut short.
"use strict";
(() => {
  const COUNTED = ".vLargeTextField[data-max-length]";

  function counterFor(field) {
    let counter = field.nextElementSibling;
    if (!counter || !counter.classList.contains("char-count")) {
      counter = document.createElement("span");
      counter.className = "char-count";
      counter.setAttribute("aria-live", "polite");
      field.insertAdjacentElement("afterend", counter);
    }
    return counter;
  }

  function update(field) {
    const limit = Number(field.dataset.maxLength);
    const length = [...field.value].length;
    const counter = counterFor(field);
    counter.textContent = `${length} / ${limit}`;
    counter.classList.toggle("over", length > limit);
    counter.title = length > limit ? `${length - limit} characters over the limit` : "";
  }

  function setUp(root) {
    root.querySelectorAll(COUNTED).forEach(update);
  }

  document.addEventListener("DOMContentLoaded", () => setUp(document));
  document.addEventListener("formset:added", (event) => setUp(event.target));
  document.addEventListener("input", (event) => {
    if (event.target.matches && event.target.matches(COUNTED)) update(event.target);
  });
})();
