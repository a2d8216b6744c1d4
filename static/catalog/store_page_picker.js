// A searchable list of checkboxes narrowed to the store chosen in the same form (a discount's
// store): options of other stores are hidden and unticked. Plain JS from a static file (CSP-safe).
(function () {
  "use strict";

  function init(picker) {
    if (picker.hasAttribute("data-picker-ready")) return;
    picker.setAttribute("data-picker-ready", "");
    var search = picker.querySelector("[data-picker-search]");
    var empty = picker.querySelector("[data-picker-empty]");
    var storeSelect = document.getElementById(picker.getAttribute("data-store-field"));
    var options = Array.prototype.slice.call(picker.querySelectorAll("input[type=checkbox]"));

    function update() {
      var term = (search.value || "").trim().toLowerCase();
      var store = storeSelect ? storeSelect.value : "";
      var shown = 0;
      options.forEach(function (input) {
        var row = input.closest("div") || input.parentElement;
        var sameStore = !store || !input.dataset.store || input.dataset.store === store;
        if (!sameStore && input.checked) input.checked = false;
        var label = (row.textContent || "").toLowerCase();
        var visible = sameStore && (!term || label.indexOf(term) >= 0 || input.checked);
        row.hidden = !visible;
        if (visible) shown += 1;
      });
      if (empty) empty.hidden = shown > 0;
    }

    search.addEventListener("input", update);
    if (storeSelect) storeSelect.addEventListener("change", update);
    update();
  }

  function initAll() {
    document.querySelectorAll("[data-store-page-picker]").forEach(init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", initAll);
  else initAll();
})();
