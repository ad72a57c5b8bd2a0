// Sigap progressive enhancement only: every flow works without this file.
(function () {
  "use strict";
  // Move focus to the error summary so screen readers announce what to fix.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  // Installable app: register the service worker (static assets and the offline page).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* offline support is optional */ });
  }
})();
