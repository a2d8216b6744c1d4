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

  /* The variant picker: links to ?variant=<id> (which work without JavaScript) switch the price,
     stock, quantity limit and the URL in place. A variant's "available" is its units left when low,
     0 when sold out and null when well stocked (no limit is shown then). */
  var dataNode = document.getElementById("variant-data");
  var picker = document.querySelector(".variant-picker");
  if (dataNode && picker) {
    var variants = JSON.parse(dataNode.textContent);
    var byId = {};
    variants.forEach(function (v) { byId[v.id] = v; });
    var idInput = document.getElementById("variant-id");
    var current = byId[idInput.value] || variants[0];
    var text = function (tag, className, content) {
      var node = document.createElement(tag);
      if (className) { node.className = className; }
      node.textContent = content;
      return node;
    };
    var pick = function (position, value) {
      var wanted = current.options.slice();
      wanted[position] = value;
      var having = variants.filter(function (v) { return v.options[position] === value; });
      var exact = having.filter(function (v) { return v.options.join("\u0000") === wanted.join("\u0000"); })[0];
      return { exact: exact, target: exact || having.filter(function (v) { return v.stock !== "sold_out"; })[0] || having[0] };
    };
    var render = function () {
      idInput.value = current.id;
      var price = document.getElementById("variant-price");
      var line = text("p", "price" + (current.compareAt ? " price--sale" : ""), current.price);
      if (current.compareAt) {
        var was = text("span", "price__was", current.compareAt);
        was.prepend(text("span", "visually-hidden", "Was "));
        line.append(was);
      }
      price.replaceChildren(line);
      var stock = document.getElementById("variant-stock");
      var label = current.stock === "in_stock" ? "In stock" : current.stock === "low" ? "Only " + current.available + " left" : "Sold out";
      stock.replaceChildren(text("span", "badge badge--" + current.stock, label));
      var quantity = document.getElementById("add-to-cart-quantity");
      if (current.available > 0) { quantity.max = current.available; } else { quantity.removeAttribute("max"); }
      if (Number(quantity.value) > current.available && current.available > 0) { quantity.value = current.available; }
      var button = document.getElementById("add-to-cart-button");
      button.disabled = current.stock === "sold_out";
      button.textContent = current.stock === "sold_out" ? "Sold out" : "Add to cart";
      picker.querySelectorAll(".option-value").forEach(function (link) {
        var target, unavailable, selected;
        if (link.dataset.variant) {
          target = byId[link.dataset.variant];
          unavailable = target.stock === "sold_out";
          selected = target.id === current.id;
        } else {
          var position = Number(link.dataset.option) - 1;
          var choice = pick(position, link.dataset.value);
          target = choice.target;
          unavailable = !choice.exact || choice.exact.stock === "sold_out";
          selected = current.options[position] === link.dataset.value;
        }
        link.href = "?variant=" + target.id;
        link.classList.toggle("option-value--unavailable", unavailable);
        link.querySelector(".option-value__note").textContent = unavailable ? " (sold out)" : "";
        if (selected) { link.setAttribute("aria-current", "true"); } else { link.removeAttribute("aria-current"); }
      });
      picker.querySelectorAll("[data-option-chosen]").forEach(function (node) {
        node.textContent = current.options[Number(node.dataset.optionChosen) - 1];
      });
      var url = new URL(window.location.href);
      url.searchParams.set("variant", current.id);
      window.history.replaceState(null, "", url);
    };
    picker.addEventListener("click", function (event) {
      var link = event.target.closest(".option-value");
      if (!link) { return; }
      event.preventDefault();
      var next = link.dataset.variant ? byId[link.dataset.variant]
        : pick(Number(link.dataset.option) - 1, link.dataset.value).target;
      if (next) { current = next; render(); }
    });
  }
})();
