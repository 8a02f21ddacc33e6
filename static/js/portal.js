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
})();
