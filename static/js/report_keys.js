// Keyboard, print and small-screen helpers of the report page (see issue 8):
// - Enter / Shift+Enter go to the cell below / above, like a spreadsheet, and never submit the form;
//   the arrow keys move between cells (left / right only from the start / end of the text);
// - each cell's accessible name says its row ("Quản lý công sản, cột (4) Trực tuyến"), kept up to
//   date when a row's label is typed or rows are added and removed;
// - printing shows the full text of the narrative (a <textarea> prints clipped).
// Events are delegated to the form: rows added later by "+ Thêm dòng" work like the others.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;

  // ---- Moving between cells --------------------------------------------------------------------

  var FIELDS = "input[data-col], input[data-label]";

  function rowsOf(table) {
    return Array.prototype.slice.call(table.querySelectorAll("tbody tr[data-row]"));
  }
  function fieldsOf(row) {
    return Array.prototype.slice.call(row.querySelectorAll(FIELDS));
  }
  function sameColumn(row, field) {
    return field.hasAttribute("data-label") ? row.querySelector("input[data-label]")
      : row.querySelector('input[data-col="' + field.dataset.col + '"]');
  }

  // The cell that navigation selected: its whole text is selected, yet the officer has not started
  // editing it, so the arrow keys still move on (otherwise every filled cell would take two presses).
  var arrived = null;

  function moveTo(field) {
    if (!field) return false;
    field.focus();
    field.select();
    arrived = field;
    return true;
  }

  function moveVertically(field, step) {
    var row = field.closest("tr[data-row]");
    var rows = rowsOf(row.closest("table"));
    for (var i = rows.indexOf(row) + step; i >= 0 && i < rows.length; i += step) {
      if (moveTo(sameColumn(rows[i], field))) return;
    }
  }

  function moveSideways(field, step) {
    var fields = fieldsOf(field.closest("tr[data-row]"));
    moveTo(fields[fields.indexOf(field) + step]);
  }

  function atEdge(field, end) {
    var start = field.selectionStart, stop = field.selectionEnd, length = field.value.length;
    if (field === arrived && start === 0 && stop === length) return true; // selected by moving here
    return start === stop && start === (end ? length : 0);
  }

  form.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!target.closest("table[data-form]") || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) return;
    if (event.key === "Enter" && target.matches("input, select")) {
      event.preventDefault(); // Enter in a table never submits the report
      if (target.matches(FIELDS)) moveVertically(target, event.shiftKey ? -1 : 1);
      return;
    }
    if (!target.matches(FIELDS) || event.shiftKey) return;
    // A lĩnh vực name offers the catalogue: up and down choose in its list.
    var listed = target.hasAttribute("list");
    if (event.key === "ArrowDown" && !listed) {
      event.preventDefault();
      moveVertically(target, 1);
    } else if (event.key === "ArrowUp" && !listed) {
      event.preventDefault();
      moveVertically(target, -1);
    } else if (event.key === "ArrowRight" && atEdge(target, true)) {
      event.preventDefault();
      moveSideways(target, 1);
    } else if (event.key === "ArrowLeft" && atEdge(target, false)) {
      event.preventDefault();
      moveSideways(target, -1);
    }
  });
  ["input", "mousedown", "focusout"].forEach(function (type) {
    form.addEventListener(type, function (event) {
      if (event.target === arrived) arrived = null;
    });
  });

  // Columns (1) and (2) stay in view while a table scrolls sideways: a focused cell must not hide
  // under them.
  form.addEventListener("focusin", function (event) {
    var target = event.target;
    if (!target.matches(FIELDS + ", select")) return;
    var box = target.closest(".table-responsive"), row = target.closest("tr[data-row]");
    var label = row && row.querySelector(".row-label");
    if (!box || !label || label.contains(target)) return;
    var hidden = label.getBoundingClientRect().right - target.closest("td").getBoundingClientRect().left;
    if (hidden > 0) box.scrollLeft -= hidden + 8;
  });

  // ---- Accessible names ------------------------------------------------------------------------

  function nameRow(row) {
    var label = row.querySelector("input[data-label]");
    if (!label) return; // a fixed row (Cấp tỉnh …): its name never changes
    var number = (row.querySelector("[data-stt]").textContent || "").trim();
    var line = number ? "dòng " + number : "dòng mới";
    var name = label.value.trim() || (number ? "Dòng " + number : "Dòng mới");
    label.title = label.value.trim();  // the whole name, where the input cuts a long one
    row.querySelectorAll("input[data-col]").forEach(function (input) {
      var text = input.getAttribute("aria-label") || "";
      input.setAttribute("aria-label", name + ", " + text.slice(text.lastIndexOf("cột (")));
    });
    row.querySelectorAll("input[data-label], select").forEach(function (input) {
      var text = input.getAttribute("aria-label") || "";
      var cut = text.lastIndexOf(", dòng ");
      input.setAttribute("aria-label", (cut < 0 ? text : text.slice(0, cut)) + ", " + line);
    });
    var remove = row.querySelector("[data-remove-row]");
    if (remove) remove.setAttribute("aria-label", "Xóa " + line);
  }

  form.addEventListener("input", function (event) {
    if (event.target.matches("input[data-label]")) nameRow(event.target.closest("tr[data-row]"));
  });
  // Rows added or removed renumber their table: rename its rows (after report_form.js renumbers).
  new MutationObserver(function (mutations) {
    var tables = [];
    mutations.forEach(function (mutation) {
      var table = mutation.target.closest && mutation.target.closest("table[data-form]");
      if (table && tables.indexOf(table) < 0 && mutation.target.matches("tbody, td[data-stt]")) tables.push(table);
    });
    tables.forEach(function (table) { rowsOf(table).forEach(nameRow); });
  }).observe(form, { childList: true, subtree: true });

  // ---- Printing --------------------------------------------------------------------------------

  // A <textarea> prints only the lines that fit in its box, an <input> only what fits in its width:
  // print their whole text in a print-only copy placed after each.
  function fillPrintCopies() {
    form.querySelectorAll("textarea, input[data-label]").forEach(function (field) {
      var copy = field.nextElementSibling;
      if (!copy || !copy.classList.contains("print-text")) {
        copy = document.createElement("div");
        copy.className = "print-text";
        copy.setAttribute("aria-hidden", "true");
        field.insertAdjacentElement("afterend", copy);
      }
      copy.textContent = field.value;
    });
  }
  window.addEventListener("beforeprint", fillPrintCopies);
  fillPrintCopies();
})();
