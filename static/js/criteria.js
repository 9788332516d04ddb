/* Cổng thi đua chuyển đổi số — the nomination form, made livelier with JavaScript.
 *
 * The form works without this script: statuses are computed on the server every time the form is
 * rendered, and the "Cập nhật danh sách tiêu chí" button re-renders it for a new choice. With it:
 *  - each criterion's status (Đạt / Chưa đạt / Chờ Hội đồng đánh giá) follows what the officer
 *    types, evaluated here from the row's data-attributes (the same rule as criteria/evaluation.py:
 *    operator and threshold, accepted levels, yes/no, evidence), with the overall result as
 *    criteria.evaluation.summarise() computes it; no round trip to the server;
 *  - the personal fields show only for an individual nominee;
 *  - changing the kind, the nominee unit or the award form re-renders the form (nothing typed is lost).
 */
(function () {
  "use strict";

  var BADGES = {
    met: ["Đạt", "success"],
    not_met: ["Chưa đạt", "danger"],
    pending: ["Chờ Hội đồng đánh giá", "warning"],
    blank: ["Chưa khai", "secondary"],
    evidence: ["Cần tệp minh chứng", "warning"],
    invalid: ["Số liệu không hợp lệ", "danger"]
  };

  function parseNumber(text) {
    // "92,5" and "92.5" are both 92.5 (the form accepts both).
    var cleaned = String(text).trim().replace(/\s/g, "").replace(",", ".");
    // At most two decimals, as the server's field allows.
    if (!/^[+-]?(\d+(\.\d{0,2})?|\.\d{1,2})$/.test(cleaned)) return NaN;
    return parseFloat(cleaned);
  }

  function compare(operator, value, threshold) {
    switch (operator) {
      case "gte": return value >= threshold;
      case "gt": return value > threshold;
      case "eq": return Math.abs(value - threshold) < 1e-9;
      case "lte": return value <= threshold;
      default: return false;
    }
  }

  function fieldOf(row) {
    return row.querySelector("[name='" + row.dataset.criterion + "']");
  }

  /* Returns [status, badge]: status as criteria.evaluation (met / not_met / pending), badge the
   * refinement shown (blank, evidence, invalid). */
  function evaluate(row) {
    var d = row.dataset;
    if (d.judgement === "met" || d.judgement === "not_met") return [d.judgement, d.judgement];
    var field = fieldOf(row);
    var raw = field ? field.value : "";
    var empty = raw === null || String(raw).trim() === "";
    switch (d.kind) {
      case "percentage": {
        if (empty) return ["pending", "blank"];
        var value = parseNumber(raw);
        if (isNaN(value) || value < 0 || value > 100) return ["pending", "invalid"];
        var met = compare(d.operator, Math.round(value * 100) / 100, parseFloat(d.threshold));
        return met ? ["met", "met"] : ["not_met", "not_met"];
      }
      case "boolean": {
        if (empty) return ["pending", "blank"];
        if (raw === "no") return ["not_met", "not_met"];
        if (d.needsEvidence === "1" && d.hasEvidence !== "1") return ["pending", "evidence"];
        return ["met", "met"];
      }
      case "ranking": {
        if (empty) return ["pending", "blank"];
        var accepted = [];
        try { accepted = JSON.parse(d.accepted || "[]"); } catch (e) { accepted = []; }
        return accepted.indexOf(raw) >= 0 ? ["met", "met"] : ["not_met", "not_met"];
      }
      default:
        return ["pending", "pending"]; // evidence: the reviewing council judges
    }
  }

  function badgeHtml(key) {
    var b = BADGES[key] || BADGES.pending;
    var span = document.createElement("span");
    span.className = "badge text-bg-" + b[1];
    span.setAttribute("data-badge", key);
    span.textContent = b[0];
    return span;
  }

  function show(target, key) {
    if (!target) return;
    target.replaceChildren(badgeHtml(key));
  }

  /* criteria.evaluation.summarise(): mandatory criteria bind, an alternative group is met when one
   * of its members is; priority criteria never bind. */
  function summarise(results) {
    var groups = {};
    results.forEach(function (r) {
      var d = r.row.dataset;
      if (d.priority === "1") return;
      if (d.mandatory !== "1" && !d.altGroup) return;
      var key = d.altGroup || "#" + d.code;
      (groups[key] = groups[key] || []).push(r.status);
    });
    var overall = "met";
    Object.keys(groups).forEach(function (key) {
      var statuses = groups[key];
      if (statuses.indexOf("met") >= 0) return;
      if (statuses.indexOf("pending") >= 0) { if (overall !== "not_met") overall = "pending"; }
      else overall = "not_met";
    });
    return overall;
  }

  function refreshAll(form) {
    var rows = Array.prototype.slice.call(form.querySelectorAll(".criterion-row"));
    var results = rows.map(function (row) {
      var r = evaluate(row);
      show(row.querySelector("[data-status]"), r[1]);
      return { row: row, status: r[0] };
    });
    var overall = form.querySelector("[data-overall]");
    if (overall && rows.length) {
      overall.hidden = false;
      show(overall.querySelector("[data-overall-badge]"), summarise(results));
    }
  }

  function selectedKind(form) {
    var checked = form.querySelector("input[name='kind']:checked");
    return checked ? checked.value : null;
  }

  function toggleIndividual(form) {
    var kind = selectedKind(form);
    form.querySelectorAll("[data-kind-only]").forEach(function (el) {
      el.hidden = kind !== null && el.getAttribute("data-kind-only") !== kind;
    });
  }

  function init() {
    var form = document.getElementById("nomination-form");
    if (!form) return;
    form.addEventListener("input", function (event) {
      if (event.target.closest(".criterion-row")) refreshAll(form);
    });
    form.addEventListener("change", function (event) {
      var target = event.target;
      if (target.hasAttribute("data-refresh-on-change")) {
        toggleIndividual(form);
        var button = form.querySelector("[data-refresh-button]");
        if (button) {
          // Re-render with the criteria of the new choice; what was typed is posted back.
          form.action = window.location.pathname + window.location.search + "#doi-tuong";
          button.click();
        }
        return;
      }
      if (target.closest(".criterion-row")) refreshAll(form);
    });
    toggleIndividual(form);
    refreshAll(form);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
