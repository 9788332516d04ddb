// Forms with a row per nomination (the award decision, the stage council: templates/nominations/
// review/): when the form is sent, inputs marked data-sparse that are left empty are not sent, so
// a form over thousands of nominations stays far below the server's limit on the number of fields
// (every posted field counts, empty or not). An empty row means "the default" on the server
// (awarded; the common vote count), so leaving it out changes nothing.
// A decision's reason box is enabled only while its nomination is ticked "not awarded".
(function () {
  "use strict";

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-sparse-form]")) { return; }
    form.querySelectorAll("[data-sparse]").forEach(function (input) {
      if (input.value === "") { input.disabled = true; }
    });
  }, true);

  // On load, and back to the page from the browser's cache: the inputs disabled at submit are
  // usable again, and each reason box follows its checkbox.
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form[data-sparse-form] [data-sparse]").forEach(function (input) {
      input.disabled = false;
    });
    document.querySelectorAll("[data-enables]").forEach(sync);
  });

  function sync(box) {
    var target = document.getElementById(box.getAttribute("data-enables"));
    if (target) { target.disabled = !box.checked; }
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("[data-enables]")) { sync(event.target); }
  });
})();
