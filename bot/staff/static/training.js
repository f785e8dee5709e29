// Follows a running training on the workspace's training page: asks the server for the
// stage every few seconds, shows the time, and loads the page again when the stage changes.
// A static file because the workspace's CSP allows no inline scripts.
(function () {
  "use strict";
  var progress = document.querySelector("[data-status-url]");
  if (!progress) {
    return;
  }
  var url = progress.getAttribute("data-status-url");
  // Without the notice of the click that started the run.
  var pageUrl = progress.getAttribute("data-page-url");
  var stage = progress.getAttribute("data-stage");
  var seconds = Number(progress.getAttribute("data-refresh")) || 5;
  var elapsed = progress.querySelector("[data-elapsed]");

  function later(factor) {
    window.setTimeout(update, seconds * 1000 * factor);
  }

  function update() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("status " + response.status);
        }
        return response.json();
      })
      .then(function (state) {
        if (state.stage !== stage) {
          window.location.assign(pageUrl);
          return;
        }
        if (elapsed) {
          elapsed.textContent = state.elapsed;
        }
        later(1);
      })
      .catch(function () {
        // The workspace may be restarting: try again a little later.
        later(4);
      });
  }

  later(1);
})();
