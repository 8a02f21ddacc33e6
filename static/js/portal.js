// Every page of the portal.
(function () {
  "use strict";
  // What the report page kept in this browser (in case the network failed) leaves with the user:
  // a shared office computer must not show one officer's figures to the next.
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function () {
      try {
        Object.keys(localStorage).filter(function (k) { return k.indexOf("tthc:") === 0; })
          .forEach(function (k) { localStorage.removeItem(k); });
      } catch (e) { /* storage disabled */ }
    });
  });
  // The Content-Security-Policy runs no inline handler: a <select data-navigate> opens the address
  // of the option chosen (the period pickers), an input with data-autosubmit sends its form.
  document.querySelectorAll("select[data-navigate]").forEach(function (select) {
    select.addEventListener("change", function () { window.location.href = select.value; });
  });
  document.querySelectorAll("[data-autosubmit]").forEach(function (input) {
    input.addEventListener("change", function () { input.form.submit(); });
  });
})();

// Downloads made by background jobs (Excel, Word, PDF): a click starts or joins the job, the page
// shows "Đang tạo tệp…" and opens the file when it is ready; "Thử lại" after a failure. Without
// this script the link leads to a waiting page that refreshes itself.
(function () {
  "use strict";
  var POLL_MS = 1500;
  var group = document.getElementById("downloads");
  if (!group || !window.fetch) return;
  var status = document.createElement("div");
  status.className = "small mt-1";
  status.id = "download-status";
  status.setAttribute("role", "status");
  group.insertAdjacentElement("afterend", status);
  var busy = false;

  function show(html) { status.innerHTML = html; }
  function setBusy(on) {
    busy = on;
    group.querySelectorAll("a[data-download]").forEach(function (a) {
      a.classList.toggle("disabled", on);
      a.setAttribute("aria-disabled", on ? "true" : "false");
    });
  }
  function open(url) {
    var a = document.createElement("a");
    a.href = url;
    a.setAttribute("data-download", "");
    a.setAttribute("data-ready", "");
    a.hidden = true;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  function ask(url, label) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      })
      .then(function (job) {
        if (job.state === "ready") {
          setBusy(false);
          show('<span class="text-success">Tệp ' + label + " đã sẵn sàng, đang tải về.</span>");
          open(job.url);
          return;
        }
        if (job.state === "waiting") {
          show('<div class="d-flex align-items-center gap-2"><div class="progress download-progress" ' +
            'role="progressbar" aria-label="Đang tạo tệp"><div class="progress-bar progress-bar-striped ' +
            'progress-bar-animated w-100"></div></div><span>Đang tạo tệp ' + label + "… (" + job.seconds + " giây)</span></div>");
          window.setTimeout(function () {
            ask(job.url + (job.url.indexOf("?") < 0 ? "?" : "&") + "cho=1", label);
          }, POLL_MS);
          return;
        }
        failed(job.message, job.url, label);
      })
      .catch(function () {
        failed("Mất kết nối tới máy chủ khi tạo tệp.", url.replace(/[?&]cho=1$/, ""), label);
      });
  }
  function failed(message, url, label) {
    setBusy(false);
    show('<span class="text-danger"></span> <button type="button" class="btn btn-sm btn-outline-danger ms-1">Thử lại</button>');
    status.querySelector("span").textContent = message;
    status.querySelector("button").addEventListener("click", function () { start(url, label); });
  }
  function start(url, label) {
    if (busy) return;
    setBusy(true);
    show("Đang tạo tệp " + label + "…");
    ask(url, label);
  }
  group.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-download]");
    if (!link || link.hasAttribute("data-ready")) return;
    if (link.getAttribute("data-download") === "json") {  // written at once, by the link itself
      if (!busy) show("");
      return;
    }
    event.preventDefault();
    start(link.getAttribute("href"), link.textContent.trim());
  });
})();
