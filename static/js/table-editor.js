/* The campaign editor's tables: add a row, move it up or down, remove it.
   Django formsets underneath: the hidden ORDER field carries the position, DELETE the removal,
   TOTAL_FORMS the number of rows. Without JavaScript, the ORDER and DELETE controls show instead. */
(function () {
  "use strict";

  function renumber(section) {
    var rows = section.querySelectorAll("[data-rows] > [data-row]");
    var position = 0;
    rows.forEach(function (row) {
      var removed = row.dataset.removed === "1";
      var order = row.querySelector("[data-control=ORDER] input");
      if (!removed) position += 1;
      if (order) order.value = removed ? "" : String(position);
      var number = row.querySelector("[data-row-number]");
      if (number) number.textContent = removed ? "—" : String(position);
    });
    var count = section.querySelector("[data-row-count]");
    if (count) count.textContent = String(position);
  }

  function bindRow(section, row) {
    row.querySelectorAll(".no-js-control").forEach(function (control) { control.hidden = true; });
    row.querySelectorAll(".js-only").forEach(function (button) { button.hidden = false; });
    row.querySelectorAll("[data-move]").forEach(function (button) {
      button.addEventListener("click", function () {
        var step = Number(button.dataset.move);
        var sibling = step < 0 ? row.previousElementSibling : row.nextElementSibling;
        if (!sibling) return;
        if (step < 0) sibling.before(row); else sibling.after(row);
        renumber(section);
        button.focus();
      });
    });
    var remove = row.querySelector("[data-remove]");
    var box = row.querySelector("[data-control=DELETE] input");
    if (remove) {
      remove.addEventListener("click", function () {
        markRemoved(row, row.dataset.removed !== "1");
        renumber(section);
      });
    }
    // A page shown again after a refused save: a row removed before it stays removed.
    if (box && box.checked) markRemoved(row, true);
  }

  function markRemoved(row, removed) {
    var box = row.querySelector("[data-control=DELETE] input");
    var remove = row.querySelector("[data-remove]");
    row.dataset.removed = removed ? "1" : "0";
    if (box) box.checked = removed;
    row.classList.toggle("opacity-50", removed);
    row.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (field.type !== "hidden" && !field.closest("[data-control]")) field.disabled = removed;
    });
    if (remove) remove.textContent = removed ? "Hoàn tác xóa" : "Xóa dòng";
  }

  // A page shown again after a refused save lists the rows as they were sent (by index): put them
  // back in the order the user gave (their ORDER values, as the server reads them; rows without
  // one last), before renumbering from the positions.
  function restoreOrder(rows) {
    var keyed = Array.prototype.map.call(rows.querySelectorAll(":scope > [data-row]"), function (row, index) {
      var input = row.querySelector("[data-control=ORDER] input");
      var value = input && input.value !== "" ? Number(input.value) : NaN;
      return { row: row, index: index, order: isNaN(value) ? Number.MAX_VALUE : value };
    });
    keyed.sort(function (a, b) { return a.order - b.order || a.index - b.index; });
    keyed.forEach(function (item) { rows.appendChild(item.row); });
  }

  function bindSection(section) {
    var prefix = section.dataset.formset;
    var total = section.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var rows = section.querySelector("[data-rows]");
    var template = section.querySelector("template[data-empty-row]");
    restoreOrder(rows);
    rows.querySelectorAll(":scope > [data-row]").forEach(function (row) { bindRow(section, row); });
    var add = section.querySelector("[data-add-row]");
    if (add) {
      add.hidden = false;
      add.addEventListener("click", function () {
        var index = Number(total.value);
        var holder = document.createElement("div");
        holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
        var row = holder.firstElementChild;
        rows.appendChild(row);
        total.value = String(index + 1);
        bindRow(section, row);
        renumber(section);
        var first = row.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
      });
    }
    // Disabled fields are not sent: a removed row's DELETE box stays enabled (see bindRow).
    section.closest("form").addEventListener("submit", function () {
      section.querySelectorAll("[data-row][data-removed='1'] input, [data-row][data-removed='1'] select, [data-row][data-removed='1'] textarea")
        .forEach(function (field) { field.disabled = false; });
    });
    renumber(section);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-formset]").forEach(bindSection);
  });
})();
