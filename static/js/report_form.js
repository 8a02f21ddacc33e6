// The report page: recompute computed columns, totals and rates as the officer types, add and
// remove rows, keep the active tab, and warn before leaving with unsaved changes.
// The server recomputes and checks everything again; this is only so that people see as they type.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form || !form.hasAttribute("data-editable")) return; // read-only: the server's figures stand

  // Vietnamese numbers: "2.718" is 2718; blank and "-" are 0; anything else is not a count (NaN).
  function parseCount(text) {
    text = (text || "").trim();
    if (text === "" || text === "-" || text === "–") return 0;
    if (/^\d+$/.test(text)) return parseInt(text, 10);
    if (/^\d{1,3}(\.\d{3})+$/.test(text)) return parseInt(text.replace(/\./g, ""), 10);
    return NaN;
  }
  function formatInt(n) {
    return isNaN(n) ? "?" : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  function formatPct(num, den) {
    if (!den || isNaN(num) || isNaN(den)) return "";
    return (Math.round((num * 10000) / den) / 100).toFixed(2).replace(".", ",") + "%";
  }
  function cellValue(row, key) {
    var input = row.querySelector('input[data-col="' + key + '"]');
    if (input) return parseCount(input.value);
    var computed = row.querySelector('td[data-col="' + key + '"]');
    return computed ? Number(computed.dataset.number || 0) : 0;
  }
  function rowLabel(row) {
    var input = row.querySelector("[data-label]");
    return input ? input.value.trim() : row.querySelector(".row-label").textContent.trim();
  }
  function tableOf(formCode, sectionKey) {
    return form.querySelector('table[data-form="' + formCode + '"][data-section="' + sectionKey + '"]');
  }

  function recomputeTable(table) {
    var rows = table.querySelectorAll("tbody tr[data-row]");
    rows.forEach(function (row) {
      row.querySelectorAll("td[data-sum]").forEach(function (td) {
        var total = td.dataset.sum.trim().split(/\s+/).reduce(function (acc, key) {
          return acc + cellValue(row, key);
        }, 0);
        td.dataset.number = total;
        td.querySelector("[data-value]").textContent = formatInt(total);
      });
    });
    // Totals: sum every count column; rates come after, from the totals.
    table.querySelectorAll("tfoot td[data-total]").forEach(function (td) {
      if (td.dataset.rate) return;
      var key = td.dataset.total, total = 0;
      rows.forEach(function (row) { total += cellValue(row, key); });
      td.dataset.number = total;
      td.querySelector("[data-value]").textContent = formatInt(total);
    });
  }

  function recomputeRates(table) {
    table.querySelectorAll("tbody tr[data-row]").forEach(function (row) {
      row.querySelectorAll("td[data-rate]").forEach(function (td) {
        var parts = td.dataset.rate.split(" ");
        var other = tableOf(table.dataset.form, parts[2]);
        var label = rowLabel(row), den = 0;
        if (other) {
          other.querySelectorAll("tbody tr[data-row]").forEach(function (r) {
            if (rowLabel(r) === label) den = cellValue(r, parts[1]);
          });
        }
        td.querySelector("[data-value]").textContent = formatPct(cellValue(row, parts[0]), den);
      });
    });
    table.querySelectorAll("tfoot td[data-rate]").forEach(function (td) {
      var parts = td.dataset.rate.split(" ");
      var other = tableOf(table.dataset.form, parts[2]);
      var num = Number(table.querySelector('tfoot td[data-total="' + parts[0] + '"]').dataset.number || 0);
      var den = other ? Number(other.querySelector('tfoot td[data-total="' + parts[1] + '"]').dataset.number || 0) : 0;
      td.querySelector("[data-value]").textContent = formatPct(num, den);
    });
  }

  function recomputeRates06a() {
    var table = tableOf("II.06a", "rows");
    var target = form.querySelector("[data-rate-online]");
    if (!table || !target) return;
    function total(key) {
      return Number(table.querySelector('tfoot td[data-total="' + key + '"]').dataset.number || 0);
    }
    target.textContent = formatPct(total("c4"), total("c4") + total("c5")) || "—";
    form.querySelector("[data-rate-ontime]").textContent = formatPct(total("c8") + total("c9"), total("c7")) || "—";
  }

  function recomputeAll() {
    var tables = form.querySelectorAll("table[data-form]");
    tables.forEach(recomputeTable);
    tables.forEach(recomputeRates);
    recomputeRates06a();
  }

  function renumber(table) {
    var n = 0;
    table.querySelectorAll("tbody tr[data-row]").forEach(function (row) {
      n += 1;
      row.querySelector("[data-stt]").textContent = n;
    });
  }

  var nextIndex = 100000; // new rows sort after existing ones: the server keeps the order of indexes
  form.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add-row]");
    if (add) {
      var template = add.nextElementSibling;
      var table = add.previousElementSibling.querySelector("table");
      var html = template.innerHTML.replace(/__i__/g, String(nextIndex++));
      table.querySelector("tbody").insertAdjacentHTML("beforeend", html);
      renumber(table);
      recomputeAll();
      markDirty();
      var rows = table.querySelectorAll("tbody tr[data-row]");
      var first = rows[rows.length - 1].querySelector("input[type=text]");
      if (first) first.focus();
      return;
    }
    var remove = event.target.closest("[data-remove-row]");
    if (remove) {
      var row = remove.closest("tr");
      var owner = row.closest("table");
      var label = rowLabel(row);
      if (label && !window.confirm('Xóa dòng "' + label + '"? Số liệu của dòng này sẽ mất khi lưu.')) return;
      row.remove();
      renumber(owner);
      recomputeAll();
      markDirty();
    }
  });

  var dirty = false;
  function markDirty() {
    dirty = true;
    var note = form.querySelector("[data-dirty-note]");
    if (note) note.hidden = false;
  }
  form.addEventListener("input", function (event) {
    markDirty();
    if (event.target.matches("input[data-col], input[data-label]")) recomputeAll();
  });
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (event) {
    if (dirty) { event.preventDefault(); event.returnValue = ""; }
  });

  // Remember which tab was open, so that saving comes back to it.
  form.querySelectorAll("[data-tab]").forEach(function (button) {
    button.addEventListener("shown.bs.tab", function () {
      form.querySelector("[data-active-tab]").value = button.dataset.tab;
    });
  });

  recomputeAll();
})();
