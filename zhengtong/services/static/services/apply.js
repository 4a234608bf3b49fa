/* Online application form: a field with a condition ("only when X is Y") is shown
   only while the other answer is Y. Without this script every field is shown with its
   condition written next to it, and the server ignores answers to hidden fields. */
(function () {
  "use strict";
  function answer(form, name) {
    var checked = form.querySelector('input[type="radio"][name="' + name + '"]:checked');
    if (checked) { return checked.value; }
    var field = form.querySelector('[name="' + name + '"]:not([type="radio"])');
    return field ? field.value.trim() : "";
  }
  function update(form) {
    form.querySelectorAll("[data-show-field]").forEach(function (box) {
      box.hidden = answer(form, box.dataset.showField) !== box.dataset.showEquals;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form.sx-apply").forEach(function (form) {
      update(form);
      form.addEventListener("change", function () { update(form); });
      form.addEventListener("input", function () { update(form); });
    });
  });
})();
