/* Storefront enhancements; every page works without them.
   - the header's menu button on small screens (without JavaScript the menu is a scrollable row);
   - the "Filter and sort" panel: open beside the results on wide screens, and applied as soon as
     a filter or the sort changes (without JavaScript the Apply button submits it). */
(function () {
  "use strict";
  document.documentElement.classList.add("js");
  var wide = window.matchMedia("(min-width: 900px)");

  var toggle = document.querySelector(".site-menu-toggle");
  var nav = document.getElementById("site-nav");
  if (toggle && nav) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      nav.classList.toggle("is-open", open);
    });
  }

  var panel = document.querySelector(".filter-panel");
  if (panel && wide.matches) { panel.open = true; }
  var filters = document.getElementById("catalog-filters");
  if (filters) {
    var submit = function () {
      if (typeof filters.requestSubmit === "function") { filters.requestSubmit(); } else { filters.submit(); }
    };
    filters.addEventListener("change", submit);
    var sort = document.getElementById("listing-sort");
    if (sort && sort.form === filters && !filters.contains(sort)) { sort.addEventListener("change", submit); }
  }
})();
