// Haven's progressive enhancement: everything works without it.
"use strict";
(function () {
  // Quick exit: the link leaves no entry to come back to, and Escape pressed twice does the same.
  function leave(event) {
    if (event) event.preventDefault();
    window.location.replace("/today");
  }
  var escapes = 0, timer = null;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    escapes += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { escapes = 0; }, 800);
    if (escapes >= 2) leave();
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-quick-exit]").forEach(function (link) {
      link.addEventListener("click", leave);
    });
    // Forms that ask to be confirmed (deleting, disabling) ask once more.
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
    // A mailed link carries its token after "#" (never sent to the server): put it in the
    // form's token field, and take it out of the address so it stays out of the history.
    var token = document.querySelector("input[data-token-from-link]");
    if (token && window.location.hash.length > 1 && token.value === "") {
      token.value = decodeURIComponent(window.location.hash.slice(1));
      if (window.history && window.history.replaceState) {
        window.history.replaceState(null, "", window.location.pathname + window.location.search);
      }
    }
    // A button is disabled once its form is sent, so a slow connection does not send it twice.
    document.querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) return;
        var button = event.submitter;
        if (button && button.name === "") setTimeout(function () { button.disabled = true; }, 0);
      });
    });
  });
})();
