// Progress of a document build (templates/dossiers/pages/status.html): polls the build's JSON
// every 1.5 s, updates the bar and the text, and reloads the page when the build has finished
// (to show the download links). Without JavaScript the page refreshes itself (<noscript> meta).
(function () {
  "use strict";
  var box = document.getElementById("tien-do");
  if (!box || box.getAttribute("data-finished") === "1") { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("progress");
  var text = document.getElementById("tien-do-chu");

  function show(state) {
    if (bar) { bar.value = state.percent; bar.textContent = state.percent + " %"; }
    if (text) {
      text.textContent = state.status_label + ": " + state.done + "/" + state.total + " việc" +
        (state.error ? " — " + state.error : "") + ".";
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (state) {
        show(state);
        if (state.finished) { window.location.reload(); } else { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  window.setTimeout(poll, 1000);
})();
