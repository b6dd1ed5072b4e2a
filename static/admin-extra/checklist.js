// Keeps the publication checklist on a briefing's admin page in step with the form:
// after each pause in typing, the unsaved form is sent to the server, which runs the same
// checklist that publishing runs and answers with the list. Without JavaScript the list
// shows the saved version.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const list = document.querySelector(".wf-checklist[data-live-url]");
  const form = document.getElementById("briefing_form");
  if (!list || !form) return;
  let timer = null;
  let inFlight = null;

  async function refresh() {
    const data = new FormData(form);
    const image = form.querySelector("input[type=file][name=lead_image]");
    for (const [name, value] of [...data.entries()]) {
      if (value instanceof File) data.delete(name);
    }
    if (image && image.files.length) data.append("lead_image_chosen", "1");
    // A filter_horizontal box (the byline) selects its chosen options only on submit.
    for (const chosen of form.querySelectorAll("select[multiple][id$='_to']")) {
      data.delete(chosen.name);
      for (const option of chosen.options) data.append(chosen.name, option.value);
    }
    if (inFlight) inFlight.abort();
    inFlight = new AbortController();
    try {
      const response = await fetch(list.dataset.liveUrl, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        signal: inFlight.signal,
      });
      if (response.ok) list.innerHTML = await response.text();
    } catch (error) {
      if (error.name !== "AbortError") console.warn("Checklist not refreshed", error);
    }
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 500);
  }
  // Once the form is sent the page is about to change, and a workflow button may already
  // have taken the briefing out of this writer's hands: no more refreshes.
  form.addEventListener("submit", () => {
    clearTimeout(timer);
    if (inFlight) inFlight.abort();
  });
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  // Rows added or removed by the inline formsets.
  document.addEventListener("formset:added", later);
  document.addEventListener("formset:removed", later);
});
