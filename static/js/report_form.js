// The report page: recompute computed columns, totals and rates as the officer types, add and
// remove rows, keep the active tab, and warn before leaving with unsaved changes.
// The server recomputes and checks everything again; this is only so that people see as they type.
(function () {
  "use strict";
  // A confirmation before the steps that cannot be undone by the one who takes them (send, approve,
  // discard the working copy): the text names the unit and the period.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) { event.preventDefault(); event.stopPropagation(); }
  }, true);
  document.addEventListener("submit", function (event) {
    var target = event.target;
    if (target.matches("form[data-confirm]") && !window.confirm(target.dataset.confirm)) event.preventDefault();
  }, true);

  // A warning's "Chưa có giải trình" goes once its explanation is typed.
  document.addEventListener("input", function (event) {
    if (!event.target.matches('textarea[name^="expl|"]')) return;
    var badge = event.target.closest("[data-warning]").querySelector("[data-unexplained]");
    if (badge) badge.hidden = event.target.value.trim() !== "";
  });

  // Each item of the error list opens its biểu's tab and puts the caret in the cell.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-goto-tab]");
    if (!link) return;
    event.preventDefault();
    var button = document.querySelector('[data-tab="' + link.dataset.gotoTab + '"]');
    var input = link.dataset.gotoName ? document.getElementsByName(link.dataset.gotoName)[0] : null;
    function focusCell() {
      if (input) { input.focus(); if (input.select) input.select(); }
      else if (button) button.focus();
    }
    if (button && window.bootstrap && !button.classList.contains("active")) {
      button.addEventListener("shown.bs.tab", focusCell, { once: true });
      window.bootstrap.Tab.getOrCreateInstance(button).show();
    } else {
      focusCell();
    }
  });

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
      // A difference: the first column minus the second ((13)=(11)-(12)).
      row.querySelectorAll("td[data-diff]").forEach(function (td) {
        var parts = td.dataset.diff.trim().split(/\s+/);
        var value = cellValue(row, parts[0]) - cellValue(row, parts[1]);
        td.dataset.number = value;
        td.querySelector("[data-value]").textContent = formatInt(value);
      });
    });
    // Totals: sum every count column; rates come after, from the totals.
    table.querySelectorAll("tfoot td[data-total]:not([data-abolished])").forEach(function (td) {
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
        if (parts.length < 3) { // over a column of the same row: (15)=(4)/(3)
          td.querySelector("[data-value]").textContent = formatPct(cellValue(row, parts[0]), cellValue(row, parts[1]));
          return;
        }
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
    table.querySelectorAll("tfoot td[data-rate]:not([data-abolished])").forEach(function (td) {
      var parts = td.dataset.rate.split(" ");
      var other = parts.length < 3 ? table : tableOf(table.dataset.form, parts[2]);
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

  // ---- Never lose input ---------------------------------------------------------------------
  // `dirty`: typed here and not yet on the server. `kept`: on the server as the working copy
  // (autosave, or a save with errors) but not yet the report's figures ("Lưu nháp" makes them so).
  // The leave-page guard is on while either holds.
  var dirty = false;
  var kept = form.hasAttribute("data-unsaved");
  var edits = 0; // bumped by every edit: an autosave answers for the edits made before it started
  var stopped = false; // after a conflict (someone saved since): no more autosaves from this page
  var leaving = false;
  var inFlight = null;
  var timer = null;
  var AUTOSAVE_PAUSE = Number(form.dataset.autosavePause || 3000);
  var status = form.querySelector("[data-autosave-status]");
  var storageKey = form.dataset.storageKey;
  // Times are the province's (the server's TIME_ZONE), as on the rest of the page, whatever zone
  // the computer's clock is set to.
  var clock = new Intl.DateTimeFormat("en-GB", {
    timeZone: form.dataset.timeZone || undefined, hourCycle: "h23",
    hour: "2-digit", minute: "2-digit", day: "2-digit", month: "2-digit", year: "numeric",
  });
  function portalTime(date) {
    var part = {};
    clock.formatToParts(date).forEach(function (p) { part[p.type] = p.value; });
    return part.hour + ":" + part.minute + " " + part.day + "/" + part.month + "/" + part.year;
  }

  function say(text, kind) {
    if (!status) return;
    status.textContent = text;
    status.className = "align-self-center small " + (kind === "error" ? "text-danger fw-semibold" : "text-muted");
  }
  function version() { return form.querySelector("[data-version]").value; }
  function setVersion(v) {
    document.querySelectorAll("[data-version]").forEach(function (input) { input.value = String(v); });
  }
  // The typed fields (not the token, the version or the button), as pairs.
  function fields() {
    var pairs = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken" && name !== "version" && name !== "action") pairs.push([name, value]);
    });
    return pairs;
  }
  // Whether the browser's copy holds no typing beyond the page's, as the server reads it: a count
  // typed "2.718" is the 2718 the page shows back, blanks around a value are not typing, a blank or
  // zero field is one a list may lack (the explanation boxes of the warnings a save has just
  // raised), the open tab is not typing at all, and neither is the explanation of a warning the
  // page no longer raises (the figures that raised it were corrected: nowhere to put it back).
  function sameTyping(copy, page) {
    var onPage = {};
    page.forEach(function (pair) { onPage[pair[0]] = true; });
    var x = typing(copy), y = typing(page);
    Object.keys(x).forEach(function (name) {
      if (name.indexOf("expl|") === 0 && !onPage[name]) delete x[name];
    });
    return Object.keys(x).length === Object.keys(y).length &&
      Object.keys(x).every(function (name) { return y[name] === x[name]; });
  }
  function typing(pairs) {
    var values = {};
    pairs.forEach(function (pair) {
      var name = pair[0], value = String(pair[1]).trim();
      var count = /\|c\d+$/.test(name) ? parseCount(value) : NaN;
      if (!isNaN(count)) value = count ? String(count) : "";
      if (name !== "tab" && value !== "") values[name] = value;
    });
    return values;
  }
  function body(pairs, v) {
    var params = new URLSearchParams();
    params.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    params.append("version", String(v));
    pairs.forEach(function (pair) { params.append(pair[0], pair[1]); });
    return params;
  }

  // A copy in the browser, so that a lost network or a crash loses nothing typed (cleared once
  // the server has the same, and on logout).
  function storeLocally() {
    if (!storageKey) return;
    try {
      localStorage.setItem(storageKey, JSON.stringify({ base: version(), at: Date.now(), fields: fields() }));
    } catch (e) { /* storage full or disabled: the server copy still stands */ }
  }
  function dropLocal() { if (storageKey) try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ } }

  // One request for the autosave and for restoring the browser's copy: {status, answer}.
  function postWorkingCopy(params, keepalive) {
    var init = { method: "POST", body: params, credentials: "same-origin",
                 headers: { "X-Requested-With": "fetch", "Accept": "application/json" } };
    if (keepalive && params.toString().length < 60000) init.keepalive = true; // the browser's limit: 64 KiB
    return fetch(form.dataset.autosaveUrl, init).then(function (response) {
      return response.json().then(function (answer) { return { status: response.status, answer: answer }; });
    });
  }

  function autosave(options) {
    if (stopped || !dirty) return Promise.resolve();
    if (inFlight) return inFlight.then(function () { return autosave(options); });
    clearTimeout(timer);
    var startedAt = edits;
    say("Đang lưu tự động…");
    inFlight = postWorkingCopy(body(fields(), version()), options && options.keepalive).then(function (result) {
      var answer = result.answer;
      if (result.status === 200 && answer.ok) {
        setVersion(answer.version);
        kept = true;
        if (edits === startedAt) {
          dirty = false;
          dropLocal();
          var note = form.querySelector("[data-dirty-note]");
          if (note) note.hidden = true;
        }
        say("Đã lưu tự động lúc " + answer.saved_at + (answer.errors ? " (còn " + answer.errors + " lỗi: nhấn “Lưu nháp” để xem)" : ""));
        return;
      }
      stopped = true;
      say("Tự động lưu đã dừng. " + (answer.message || ""), "error");
      showStop(answer.message || "Tự động lưu đã dừng.");
    }).catch(function () {
      say("Chưa lưu tự động được (mất kết nối?). Dữ liệu vẫn được giữ trên máy này; sẽ thử lại.", "error");
      timer = setTimeout(autosave, 15000);
    }).then(function () { inFlight = null; });
    return inFlight;
  }
  function showStop(message) {
    var box = document.getElementById("autosave-stopped");
    if (!box) {
      box = document.createElement("div");
      box.id = "autosave-stopped";
      box.className = "alert alert-danger";
      box.setAttribute("role", "alert");
      form.parentNode.insertBefore(box, form);
    }
    box.textContent = "Tự động lưu đã dừng ở trang này: " + message;
  }

  function markDirty() {
    dirty = true;
    edits += 1;
    var note = form.querySelector("[data-dirty-note]");
    if (note) note.hidden = false;
    storeLocally();
    clearTimeout(timer);
    if (!stopped) timer = setTimeout(autosave, AUTOSAVE_PAUSE);
  }
  form.addEventListener("input", function (event) {
    markDirty();
    if (event.target.matches("input[data-col], input[data-label]")) recomputeAll();
  });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") autosave({ keepalive: true });
  });
  window.addEventListener("blur", function () { autosave(); });
  window.addEventListener("pagehide", function () { if (!leaving) autosave({ keepalive: true }); });

  // "Lưu nháp" / "Gửi báo cáo": wait for an autosave under way (it moves the version on).
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (inFlight) {
      event.preventDefault();
      var submitter = event.submitter;
      inFlight.then(function () { dirty = true; form.requestSubmit(submitter); });
      return;
    }
    leaving = true;
  });

  function guardMessage() {
    if (dirty) return "Trang có thay đổi chưa lưu. Rời trang bây giờ?";
    return "Các thay đổi đã được giữ lại (bản đang nhập) nhưng chưa “Lưu nháp”" +
      (document.getElementById("error-summary") ? " và còn lỗi" : "") +
      ": số liệu của báo cáo chưa được cập nhật. Rời trang? Khi mở lại báo cáo, bản đang nhập vẫn còn.";
  }
  window.addEventListener("beforeunload", function (event) {
    if (!leaving && (dirty || kept)) { event.preventDefault(); event.returnValue = ""; }
  });
  // The page's other forms (discard the working copy, import a file, log out) leave it too: asked
  // once, in words (the discard has asked already), not again by the browser's own box. Before
  // the forms' own handlers, so that a "no" keeps everything (the logout's clears the local copy).
  document.addEventListener("submit", function (event) {
    var other = event.target;
    if (other === form || event.defaultPrevented || !(dirty || kept)) return;
    var question = other.dataset.confirmUnsaved || (other.matches("[data-confirm]") ? "" : guardMessage());
    if (question && !window.confirm(question)) { event.preventDefault(); event.stopPropagation(); return; }
    leaving = true;
  }, true);
  // Links of the portal (Trang chủ, Tổng hợp …) ask in words the officer can read.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || link.hasAttribute("data-download") || link.getAttribute("href").charAt(0) === "#" ||
        link.target === "_blank" || event.defaultPrevented || !(dirty || kept)) return;
    if (!window.confirm(guardMessage())) { event.preventDefault(); return; }
    leaving = true;
    if (dirty) autosave({ keepalive: true });
  });

  // A page opened again offers what the browser kept and the server never received.
  function offerLocalCopy() {
    if (!storageKey) return;
    var entry = null;
    try { entry = JSON.parse(localStorage.getItem(storageKey) || "null"); } catch (e) { entry = null; }
    if (!entry || !entry.fields) return;
    if (sameTyping(entry.fields, fields())) { dropLocal(); return; }
    var hhmm = portalTime(new Date(entry.at));
    var box = document.createElement("div");
    box.id = "local-copy";
    box.className = "alert alert-warning d-flex flex-wrap gap-2 align-items-center";
    box.setAttribute("role", "alert");
    var text = document.createElement("div");
    text.className = "flex-grow-1";
    text.textContent = "Trình duyệt này còn giữ dữ liệu bạn nhập lúc " + hhmm + " mà máy chủ chưa nhận được " +
      "(mất kết nối hoặc trang bị đóng trước khi lưu)." +
      (String(entry.base) !== version() ? " Báo cáo đã được lưu sau thời điểm đó: khôi phục sẽ thay bản đó." : "");
    var restore = document.createElement("button");
    restore.type = "button";
    restore.className = "btn btn-sm btn-warning";
    restore.textContent = "Khôi phục dữ liệu này";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-sm btn-outline-secondary";
    discard.textContent = "Bỏ";
    box.append(text, restore, discard);
    form.parentNode.insertBefore(box, form);
    discard.addEventListener("click", function () { dropLocal(); box.remove(); });
    restore.addEventListener("click", function () {
      restore.disabled = true;
      postWorkingCopy(body(entry.fields, version()))
        .then(function (result) {
          var answer = result.answer;
          if (!answer.ok) { text.textContent = answer.message || "Không khôi phục được."; return; }
          dropLocal();
          leaving = true;
          window.location.reload();
        })
        .catch(function () { restore.disabled = false; text.textContent = "Chưa kết nối được máy chủ: thử lại sau."; });
    });
  }

  // Remember which tab was open, so that saving comes back to it.
  form.querySelectorAll("[data-tab]").forEach(function (button) {
    button.addEventListener("shown.bs.tab", function () {
      form.querySelector("[data-active-tab]").value = button.dataset.tab;
    });
  });

  recomputeAll();
  offerLocalCopy();
})();
