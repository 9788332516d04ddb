// Progress of a background export (templates/reports/job.html): polls the job's JSON every
// 1.5 s and updates the page; without JavaScript the page reloads itself (meta refresh).
(function () {
  "use strict";
  var box = document.getElementById("tien-do");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = box.querySelector("progress");

  function field(name) { return box.querySelector('[data-field="' + name + '"]'); }

  function show(state) {
    ["status_label", "progress", "total", "percent"].forEach(function (name) {
      var el = field(name);
      if (el) { el.textContent = state[name]; }
    });
    if (bar) { bar.value = state.percent; bar.textContent = state.percent + " %"; }
    var download = field("download");
    if (download && state.download_url) {
      download.querySelector("a").setAttribute("href", state.download_url);
      download.hidden = false;
    }
    var error = field("error");
    if (error && state.error) { error.textContent = state.error; error.hidden = false; }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (state) {
        show(state);
        if (!state.finished) { window.setTimeout(poll, 1500); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }

  poll();
})();
