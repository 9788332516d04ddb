/* Cổng thi đua chuyển đổi số — small touches on every page (loaded by base.html, no inline script:
 * the Content-Security-Policy allows script-src 'self' only). Every page works without it.
 *  - The browser's own form messages ("Please fill out this field.") follow the browser's language,
 *    not the portal's: each invalid field is given the portal's Vietnamese message instead.
 *  - A file field shows a Vietnamese "Chọn tệp" button and the names of the files chosen, in place
 *    of the browser's own picker text ("Choose File", "No file chosen").
 *  - <details data-open-wide> (the review queue's quotas and filters) are folded on a phone, so the
 *    list comes first, and unfolded on a wide screen.
 *  - A button with data-print prints the page.
 *  - A text field or text area with a maxlength (over 20 characters: not dates, times or years) shows
 *    its limit and a live count ("12/200 ký tự"). The maxlength moves to data-maxlength so the
 *    browser no longer cuts a longer paste silently: the count turns red and says so, and the
 *    server's own message refuses the text on saving.
 *  - A form with data-confirm="<dialog id>" opens that dialog (its summary) instead of submitting;
 *    the dialog's button marked data-confirmed submits the form, data-close-dialog closes it.
 */
(function () {
  "use strict";

  var WIDE = "(min-width: 768px)";
  // The messages below are the Vietnamese interface's; a page in another language (the English
  // interface) keeps the browser's own.
  var VIETNAMESE = (document.documentElement.lang || "vi").toLowerCase().indexOf("vi") === 0;

  function validationMessage(field) {
    var v = field.validity;
    if (v.valueMissing) {
      if (field.type === "file") return "Vui lòng chọn tệp.";
      if (field.type === "checkbox") return "Vui lòng đánh dấu ô này nếu muốn tiếp tục.";
      if (field.type === "radio" || field.tagName === "SELECT") return "Vui lòng chọn một mục.";
      return "Vui lòng điền vào trường này.";
    }
    if (v.typeMismatch) {
      if (field.type === "email") return "Vui lòng nhập địa chỉ thư điện tử hợp lệ (ví dụ: ten@donvi.gov.vn).";
      if (field.type === "url") return "Vui lòng nhập địa chỉ trang web hợp lệ.";
      return "Giá trị không đúng định dạng.";
    }
    if (v.tooLong) return "Tối đa " + field.maxLength + " ký tự (hiện có " + field.value.length + ").";
    if (v.tooShort) return "Tối thiểu " + field.minLength + " ký tự (hiện có " + field.value.length + ").";
    if (v.rangeUnderflow) return "Giá trị phải từ " + field.min + " trở lên.";
    if (v.rangeOverflow) return "Giá trị không được lớn hơn " + field.max + ".";
    if (v.stepMismatch) return "Giá trị không hợp lệ (bước nhảy " + (field.step || "1") + ").";
    if (v.badInput) {
      if (field.type === "number") return "Vui lòng nhập một số.";
      if (field.type === "date" || field.type === "time") return "Vui lòng nhập đầy đủ, đúng định dạng.";
      return "Giá trị không hợp lệ.";
    }
    if (v.patternMismatch) return field.title ? "Không đúng định dạng: " + field.title : "Không đúng định dạng yêu cầu.";
    return "Giá trị không hợp lệ.";
  }

  // 'invalid' does not bubble: listen in the capture phase for every field of every form.
  document.addEventListener("invalid", function (event) {
    var field = event.target;
    if (!VIETNAMESE || !field || typeof field.setCustomValidity !== "function") return;
    // A message another script of the page set is its own: left as it is.
    if (field.validity.customError && field.validationMessage !== field.dataset.portalMessage) return;
    field.setCustomValidity("");
    if (!field.validity.valid) {
      field.dataset.portalMessage = validationMessage(field);
      field.setCustomValidity(field.dataset.portalMessage);
    }
  }, true);

  function clearMessage(event) {
    var field = event.target;
    if (!VIETNAMESE || !field || typeof field.setCustomValidity !== "function" || !field.dataset) return;
    if (field.dataset.portalMessage && field.validationMessage === field.dataset.portalMessage) {
      field.setCustomValidity("");  // only the message set here: the browser checks the new value
    }
  }
  document.addEventListener("input", clearMessage, true);
  document.addEventListener("change", clearMessage, true);

  function describeFiles(input) {
    var files = input.files;
    if (!files || files.length === 0) return "Chưa chọn tệp nào";
    if (files.length === 1) return files[0].name;
    var names = [];
    for (var i = 0; i < files.length; i++) names.push(files[i].name);
    return files.length + " tệp: " + names.join(", ");
  }

  function vietnameseFilePicker(input) {
    if (input.dataset.portalPicker) return;
    input.dataset.portalPicker = "1";
    var group = document.createElement("div");
    group.className = "input-group portal-file";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary";
    button.textContent = input.multiple ? "Chọn các tệp" : "Chọn tệp";
    var label = document.createElement("span");
    label.className = "form-control text-truncate portal-file-names";
    label.setAttribute("aria-live", "polite");
    label.textContent = describeFiles(input);
    input.parentNode.insertBefore(group, input);
    group.appendChild(button);
    group.appendChild(label);
    // The real input stays in the form, only unseen; the keyboard reaches the button instead,
    // which carries the field's label.
    group.appendChild(input);
    input.classList.add("portal-file-input");
    input.tabIndex = -1;
    var labels = input.labels && input.labels.length ? input.labels[0].textContent.replace(/\*\s*$/, "").trim() : "";
    if (labels) button.setAttribute("aria-label", button.textContent + ": " + labels);
    button.addEventListener("click", function () { input.click(); });
    label.addEventListener("click", function () { input.click(); });
    input.addEventListener("change", function () { label.textContent = describeFiles(input); });
  }

  function enhanceFiles(root) {
    if (!VIETNAMESE) return;
    if (root.matches && root.matches("input[type=file]")) vietnameseFilePicker(root);
    var inputs = root.querySelectorAll ? root.querySelectorAll("input[type=file]") : [];
    for (var i = 0; i < inputs.length; i++) vietnameseFilePicker(inputs[i]);
  }

  function ready() {
    enhanceFiles(document);
    charCounts(document);
    // File fields a page's own script adds later (a row added to a form) get the same picker.
    if (window.MutationObserver) {
      new MutationObserver(function (mutations) {
        for (var m = 0; m < mutations.length; m++) {
          var added = mutations[m].addedNodes;
          for (var n = 0; n < added.length; n++) {
            if (added[n].nodeType === 1) { enhanceFiles(added[n]); charCounts(added[n]); }
          }
        }
      }).observe(document.body, { childList: true, subtree: true });
    }

    if (window.matchMedia && window.matchMedia(WIDE).matches) {
      var folds = document.querySelectorAll("details[data-open-wide]");
      for (var j = 0; j < folds.length; j++) folds[j].open = true;
    }

    var printers = document.querySelectorAll("[data-print]");
    for (var k = 0; k < printers.length; k++) {
      printers[k].addEventListener("click", function () { window.print(); });
    }
    confirmForms();
  }

  var COUNTED = "textarea[maxlength], input[maxlength]:not([type]), input[maxlength][type=text], " +
    "input[maxlength][type=email], input[maxlength][type=url], input[maxlength][type=search]";

  function charCount(field) {
    var limit = parseInt(field.getAttribute("maxlength"), 10);
    if (!limit || limit <= 20) return;
    field.setAttribute("data-maxlength", String(limit));
    field.removeAttribute("maxlength");
    var counter = document.createElement("div");
    counter.className = "form-text char-count";
    counter.id = (field.id || field.name || "o") + "-dem-ky-tu";
    field.setAttribute("aria-describedby", ((field.getAttribute("aria-describedby") || "") + " " + counter.id).trim());
    field.parentNode.insertBefore(counter, field.nextSibling);
    var unit = VIETNAMESE ? " ký tự" : " characters";
    function update() {
      var used = Array.from(field.value).length; // code points, as the server counts them
      var over = used > limit;
      counter.textContent = used + "/" + limit + unit + (over
        ? (VIETNAMESE ? " — dài hơn giới hạn " + limit + " ký tự: hãy rút gọn, hồ sơ sẽ không được lưu."
                      : " — longer than the limit of " + limit + ": shorten it, it will not be saved.")
        : "");
      counter.classList.toggle("text-danger", over);
      counter.classList.toggle("fw-semibold", over);
      counter.setAttribute("aria-live", over ? "assertive" : "off");
    }
    field.addEventListener("input", update);
    update();
  }

  function charCounts(root) {
    if (root.matches && root.matches(COUNTED)) charCount(root);
    var fields = root.querySelectorAll(COUNTED);
    for (var i = 0; i < fields.length; i++) charCount(fields[i]);
  }

  function confirmForms() {
    var forms = document.querySelectorAll("form[data-confirm]");
    for (var i = 0; i < forms.length; i++) {
      forms[i].addEventListener("submit", function (event) {
        var dialog = document.getElementById(this.getAttribute("data-confirm"));
        var submitter = event.submitter;
        if (!dialog || typeof dialog.showModal !== "function") return;
        if (submitter && submitter.hasAttribute("data-confirmed")) return;
        event.preventDefault();
        dialog.showModal();
      });
    }
    var closers = document.querySelectorAll("dialog [data-close-dialog]");
    for (var j = 0; j < closers.length; j++) {
      closers[j].addEventListener("click", function () { this.closest("dialog").close(); });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
