// Ordering a briefing's parts by hand: every row of an ordered inline (takeaways, sections,
// Q&A blocks, editor's notes, citations) gets a drag handle and "Up" / "Down" buttons. Both
// move the row in the page and write 1..n, in the order shown, into the rows' hidden
// position inputs (marked data-order-item by the admin); the server numbers the rows it
// keeps 1..n in that order on save. The buttons keep the focus and a status message says
// where the row went. Without JavaScript the rows keep their saved order.
"use strict";
(() => {
  const INPUT = "input[type=hidden][data-order-item]";
  const ROW = "tr.form-row, div.inline-related";
  let status = null;
  let drag = null; // {row, group, before: [rows]} while a row is being dragged

  const rowOf = (element) => element.closest(ROW);
  const inputOf = (row) => row.querySelector(INPUT);
  const groupOf = (row) => row.closest(".js-inline-admin-formset");
  const nameOf = (row) => inputOf(row).dataset.orderItem;
  const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);

  function rowsOf(group) {
    return [...group.querySelectorAll(INPUT)]
      .map(rowOf)
      .filter((row) => row && !row.classList.contains("empty-form"));
  }

  function button(direction, text) {
    const control = document.createElement("button");
    control.type = "button";
    control.className = `order-move order-${direction}`;
    control.dataset.direction = direction;
    control.textContent = text;
    return control;
  }

  function addControls(row) {
    if (row.querySelector(".order-controls")) return;
    const tabular = row.matches("tr");
    const controls = document.createElement(tabular ? "span" : "div");
    controls.className = "order-controls";
    const handle = document.createElement("span");
    handle.className = "order-handle";
    handle.draggable = true;
    handle.setAttribute("role", "img");
    handle.title = "Drag to a new place";
    controls.append(handle, button("up", "Up"), button("down", "Down"));
    if (tabular) {
      const cell = row.querySelector("td.original");
      cell.classList.add("order-cell");
      cell.append(controls);
      const header = row.closest("table").querySelector("thead th.original");
      if (header && !header.textContent.trim()) {
        header.textContent = "Order";
        header.classList.add("order-cell");
      }
    } else {
      row.querySelector("h3").after(controls);
    }
  }

  // Names each row's controls after its place ("Move takeaway 2 up"); the ends are marked
  // aria-disabled rather than disabled, so the focus never drops off a moved button.
  function label(group) {
    const rows = rowsOf(group);
    rows.forEach((row, index) => {
      const name = `${nameOf(row)} ${index + 1}`;
      row.querySelector(".order-handle").setAttribute("aria-label", `Drag ${name} to a new place`);
      const up = row.querySelector(".order-up");
      const down = row.querySelector(".order-down");
      up.setAttribute("aria-label", `Move ${name} up`);
      down.setAttribute("aria-label", `Move ${name} down`);
      up.setAttribute("aria-disabled", String(index === 0));
      down.setAttribute("aria-disabled", String(index === rows.length - 1));
      // A stacked row not yet saved is headed by its place ("Section: #2"), as inlines.js
      // numbers it.
      const heading = row.querySelector("h3 .inline_label");
      if (heading && !row.classList.contains("has_original")) heading.textContent = `#${index + 1}`;
    });
  }

  function setUp(group) {
    const rows = rowsOf(group);
    if (!rows.length) return;
    // A form shown again with errors lists saved rows first: show them in the order posted,
    // the order a save would keep (no position, or 0, goes last).
    const key = (row) => Number(inputOf(row).value) || Infinity;
    const sorted = rows
      .map((row, index) => ({ row, index }))
      .sort((a, b) => key(a.row) - key(b.row) || a.index - b.index)
      .map(({ row }) => row);
    sorted.forEach((row, index) => {
      if (index && rowsOf(group)[index] !== row) place(row, sorted[index - 1], "after");
    });
    rows.forEach(addControls);
    label(group);
  }

  function renumber(group, moved) {
    const rows = rowsOf(group);
    rows.forEach((row, index) => {
      inputOf(row).value = String(index + 1);
    });
    label(group);
    // Like a typed change: the live checklist and anything watching for unsaved edits see it.
    inputOf(moved).dispatchEvent(new Event("change", { bubbles: true }));
    const place = rows.indexOf(moved) + 1;
    announce(`${capitalised(nameOf(moved))} moved to position ${place} of ${rows.length}.`);
  }

  function announce(message) {
    if (!status) {
      status = document.createElement("div");
      status.className = "visually-hidden order-status";
      status.setAttribute("role", "status");
      document.getElementById("content").append(status);
    }
    status.textContent = "";
    setTimeout(() => {
      status.textContent = message;
    }, 50);
  }

  // Puts ``row`` before or after ``other``, with the row of errors a tabular inline shows
  // above a row that did not validate.
  function place(row, other, where) {
    const errors = (each) => {
      const previous = each.previousElementSibling;
      return previous && previous.classList.contains("row-form-errors") ? previous : null;
    };
    const ownErrors = errors(row);
    if (where === "before") (errors(other) || other).before(row);
    else other.after(row);
    if (ownErrors) row.before(ownErrors);
  }

  // Django's inlines.js renames the rows in page order when an unsaved row is removed, but
  // saved rows must keep the first indexes (the server looks their ids up there), and a
  // reordered page may show a new row above a saved one: rename them once more, saved rows
  // first, then new ones, each in page order. Names only: the page order stays.
  function reindex(group) {
    const prefix = group.id.replace(/-group$/, "");
    const pattern = new RegExp(`(${prefix}-(\\d+|__prefix__))`);
    const rows = rowsOf(group);
    const ordered = [
      ...rows.filter((row) => row.classList.contains("has_original")),
      ...rows.filter((row) => !row.classList.contains("has_original")),
    ];
    ordered.forEach((row, index) => {
      const replacement = `${prefix}-${index}`;
      for (const element of [row, ...row.querySelectorAll("*")]) {
        if (element.htmlFor) element.htmlFor = element.htmlFor.replace(pattern, replacement);
        if (element.id) element.id = element.id.replace(pattern, replacement);
        if (element.name) element.name = element.name.replace(pattern, replacement);
      }
    });
  }

  function moveByButton(control) {
    const row = rowOf(control);
    const group = groupOf(row);
    const rows = rowsOf(group);
    const index = rows.indexOf(row);
    const up = control.dataset.direction === "up";
    const other = rows[up ? index - 1 : index + 1];
    if (!other) {
      const end = up ? "first" : "last";
      announce(`${capitalised(nameOf(row))} ${index + 1} is already ${end}.`);
      return;
    }
    place(row, other, up ? "before" : "after");
    control.focus(); // moving the row took the focus away with it
    renumber(group, row);
  }

  document.addEventListener("click", (event) => {
    const control = event.target.closest && event.target.closest("button.order-move");
    if (control && rowOf(control)) moveByButton(control);
  });

  // Dragging: the row follows the pointer over the rows of its own list; letting go keeps
  // the new order, Escape puts the row back.
  document.addEventListener("dragstart", (event) => {
    const handle = event.target.closest && event.target.closest(".order-handle");
    if (!handle) return;
    const row = rowOf(handle);
    const group = groupOf(row);
    drag = { row, group, before: rowsOf(group) };
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", "");
    event.dataTransfer.setDragImage(row, 16, 16);
    row.classList.add("order-dragging");
  });

  function follow(event) {
    if (!drag) return;
    const target = event.target.closest && event.target.closest(ROW);
    if (!target || !rowsOf(drag.group).includes(target)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    if (target === drag.row) return;
    const box = target.getBoundingClientRect();
    place(drag.row, target, event.clientY < box.top + box.height / 2 ? "before" : "after");
  }
  document.addEventListener("dragenter", follow);
  document.addEventListener("dragover", follow);

  document.addEventListener("drop", (event) => {
    if (!drag) return;
    event.preventDefault();
    drag.dropped = true;
  });

  document.addEventListener("dragend", () => {
    if (!drag) return;
    const { row, group, before, dropped } = drag;
    drag = null;
    row.classList.remove("order-dragging");
    if (!dropped) {
      // Escape, or let go outside the list: back where it was.
      before.forEach((each, index) => {
        if (index) place(each, before[index - 1], "after");
      });
      return;
    }
    const after = rowsOf(group);
    if (after.some((each, index) => each !== before[index])) renumber(group, row);
  });

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll(".js-inline-admin-formset").forEach(setUp);
  });
  document.addEventListener("formset:added", (event) => {
    const group = event.target.closest(".js-inline-admin-formset");
    if (group && inputOf(event.target)) setUp(group);
  });
  document.addEventListener("formset:removed", (event) => {
    const name = event.detail && event.detail.formsetName;
    const group = name && document.getElementById(`${name}-group`);
    if (!group || !group.querySelector(INPUT)) return;
    // inlines.js renames the remaining rows right after this event: fix that up after it.
    setTimeout(() => {
      reindex(group);
      label(group);
    }, 0);
  });
})();
