// The briefing form keeps what the writer types:
// - Autosave: a few seconds after the last edit, the whole form is posted in the background
//   to its own change page (with "_autosave"), which saves it exactly as "Save and continue
//   editing" would, version check included, and answers in JSON. The page then takes the new
//   version and the ids of the rows it added, so the next save neither conflicts with this
//   one nor adds those rows again. Refused (errors, someone else's save), nothing is saved
//   and nothing in the page is touched. A chosen image file is uploaded by a real save only.
// - Leaving the page with changes not yet saved asks first.
// - Ctrl+S (Cmd+S) saves at once, as "Save and continue editing" does.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("briefing_form");
  if (!form) return;
  const box = document.querySelector(".autosave[data-autosave-url]");
  const url = box && box.dataset.autosaveUrl;
  const status = box && box.querySelector(".autosave-status");
  const errorList = box && box.querySelector(".autosave-errors");
  const DELAY = 3000;
  const RETRY = 15000;

  let edits = 0; // edits made in this page
  let savedEdits = 0; // how many of them the last successful save held
  let timer = null;
  let inFlight = false;
  let stopped = false; // after a conflict: only a reload helps
  let submitting = false; // a real submit is on its way: the page is about to change
  let pendingSubmit = null; // a submit asked for while an autosave was on its way

  const fileChosen = () =>
    [...form.querySelectorAll("input[type=file]")].some((input) => input.files.length);
  const unsaved = () => edits > savedEdits || fileChosen();

  function show(text, failed = false) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("autosave-failed", failed);
  }

  function showErrors(errors) {
    if (!errorList) return;
    errorList.replaceChildren();
    for (const error of errors || []) {
      const item = document.createElement("li");
      if (error.field) {
        const link = document.createElement("a");
        link.href = `#${error.field}`;
        link.textContent = error.label;
        item.append(link, `: ${error.message}`);
      } else {
        item.textContent = error.label ? `${error.label}: ${error.message}` : error.message;
      }
      errorList.append(item);
    }
    errorList.hidden = !errorList.children.length;
  }

  function schedule(delay = DELAY) {
    if (!url || stopped || submitting) return;
    clearTimeout(timer);
    timer = setTimeout(autosave, delay);
  }

  function edited(event) {
    // A text field reports each keystroke as "input"; its "change" on leaving adds nothing.
    const target = event && event.target;
    if (event && event.type === "change" && target.matches("input[type=text], input:not([type]), textarea")) {
      return;
    }
    edits += 1;
    if (url && !stopped && !inFlight) show("Unsaved changes: saving when you stop typing…");
    schedule();
  }

  // The form's rows, by the name their formset gives them now ("takeaways-3").
  function rowsNow() {
    const rows = new Map();
    for (const total of form.querySelectorAll("input[name$='-TOTAL_FORMS']")) {
      const prefix = total.name.slice(0, -"-TOTAL_FORMS".length);
      for (let index = 0; index < Number(total.value); index += 1) {
        const row = document.getElementById(`${prefix}-${index}`);
        if (row) rows.set(`${prefix}-${index}`, row);
      }
    }
    return rows;
  }

  function formData() {
    const data = new FormData(form);
    for (const [name, value] of [...data.entries()]) {
      if (value instanceof File) data.delete(name);
    }
    // A filter_horizontal box (the byline) selects its chosen options only on submit.
    for (const chosen of form.querySelectorAll("select[multiple][id$='_to']")) {
      data.delete(chosen.name);
      for (const option of chosen.options) data.append(chosen.name, option.value);
    }
    data.append("_autosave", "1");
    return data;
  }

  async function autosave() {
    clearTimeout(timer);
    if (!url || stopped || submitting || inFlight) return;
    inFlight = true;
    const upTo = edits;
    const rows = rowsNow();
    const token = form.querySelector("input[name=csrfmiddlewaretoken]");
    show("Saving…");
    let answer = null;
    let failure = "";
    try {
      const response = await fetch(url, {
        method: "POST",
        body: formData(),
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token ? token.value : "" },
      });
      if ((response.headers.get("Content-Type") || "").startsWith("application/json")) {
        answer = await response.json();
      } else if (response.status === 403 || response.redirected) {
        failure = "you are no longer logged in, or may no longer edit this briefing. Your text is still in the form; log in again in another tab.";
      } else {
        failure = `the server answered ${response.status}. Your text is still in the form; trying again shortly.`;
      }
    } catch (error) {
      failure = "the server could not be reached. Your text is still in the form; trying again shortly.";
    }
    inFlight = false;

    if (answer && answer.saved) {
      const version = form.querySelector("input[name=version]");
      if (version) version.value = answer.version;
      for (const [key, id] of Object.entries(answer.rows || {})) {
        const field = rows.get(key) && rows.get(key).querySelector("input[name$='-id']");
        if (field) field.value = id;
      }
      for (const key of answer.deleted || []) {
        if (rows.get(key)) rows.get(key).hidden = true; // gone; its "Delete" stays ticked
      }
      savedEdits = upTo;
      showErrors([]);
      show(`Saved at ${answer.saved_at}` + (fileChosen() ? " (the chosen image is saved when you press Save)" : ""));
      if (edits > upTo) schedule();
    } else if (answer && answer.conflict) {
      stopped = true;
      show(`Not saved: ${answer.reason}`, true);
      const item = document.createElement("li");
      const current = document.createElement("a");
      current.href = answer.current;
      current.target = "_blank";
      current.textContent = "Open the current version in a new tab";
      const compare = document.createElement("a");
      compare.href = answer.compare;
      compare.target = "_blank";
      compare.textContent = "compare versions";
      item.append(current, " or ", compare, ".");
      errorList.replaceChildren(item);
      errorList.hidden = false;
    } else if (answer) {
      show(`Not saved: ${answer.reason}.`, true);
      showErrors(answer.errors);
    } else {
      show(`Not saved: ${failure}`, true);
      if (!failure.startsWith("you are no longer")) schedule(RETRY);
    }

    if (pendingSubmit) {
      const { submitter } = pendingSubmit;
      pendingSubmit = null;
      form.requestSubmit(submitter && submitter.isConnected ? submitter : null);
    }
  }

  form.addEventListener("input", edited);
  form.addEventListener("change", edited);
  document.addEventListener("formset:added", () => edited());
  document.addEventListener("formset:removed", () => edited());

  // A real save waits for an autosave on its way, then goes with the version it left.
  form.addEventListener("submit", (event) => {
    clearTimeout(timer);
    if (inFlight) {
      event.preventDefault();
      event.stopImmediatePropagation(); // not yet "sent once" (submit-once.js)
      pendingSubmit = { submitter: event.submitter };
      show("Saving…");
      return;
    }
    submitting = true;
  });

  window.addEventListener("beforeunload", (event) => {
    if (submitting || !unsaved()) return;
    event.preventDefault();
    event.returnValue = ""; // older browsers ask only when this is set
  });

  window.addEventListener("pageshow", (event) => {
    if (event.persisted) submitting = false;
  });

  document.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.key.toLowerCase() !== "s") return;
    event.preventDefault(); // not the browser's "Save page as"
    if (submitting) return;
    const save = form.querySelector("[type=submit][name=_continue]") ||
      document.querySelector(`[type=submit][name=_continue][form="${form.id}"]`);
    form.requestSubmit(save || null);
  });
});
