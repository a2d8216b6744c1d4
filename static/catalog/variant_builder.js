// The product editor's variant builder: asks the server for every combination of the option values
// (with suggested SKUs and any SKU already held elsewhere) and fills Wagtail's variants formset with
// the rows not yet there. Option value fields are labelled with their option's name. No framework,
// no inline script (CSP-safe).
(function () {
  "use strict";

  var PREFIX = "id_variants";

  function field(index, name) {
    return document.getElementById(PREFIX + "-" + index + "-" + name);
  }

  function totalForms() {
    var total = document.getElementById(PREFIX + "-TOTAL_FORMS");
    return total ? parseInt(total.value, 10) : 0;
  }

  function liveIndexes() {
    var indexes = [];
    for (var i = 0; i < totalForms(); i += 1) {
      var deleted = field(i, "DELETE");
      if (field(i, "sku") && !(deleted && (deleted.value === "1" || deleted.checked))) indexes.push(i);
    }
    return indexes;
  }

  function key(first, second) {
    return (first || "").trim().toLowerCase() + "\u0000" + (second || "").trim().toLowerCase();
  }

  function isBlank(index) {
    return ["sku", "price", "option1_value", "option2_value"].every(function (name) {
      var input = field(index, name);
      return !input || !input.value.trim();
    });
  }

  function setLabel(input, text) {
    if (!input) return;
    var label = document.querySelector('label[for="' + input.id + '"]');
    if (!label) return;
    for (var node = label.firstChild; node; node = node.nextSibling) {
      if (node.nodeType === Node.TEXT_NODE && node.nodeValue.trim()) {
        node.nodeValue = text + " ";
        return;
      }
    }
  }

  function labelOptionValues() {
    var names = [
      (document.getElementById("id_option1_name") || {}).value || "",
      (document.getElementById("id_option2_name") || {}).value || "",
    ];
    for (var i = 0; i < totalForms(); i += 1) {
      setLabel(field(i, "option1_value"), names[0].trim() || "Option 1 value");
      setLabel(field(i, "option2_value"), names[1].trim() || "Option 2 value");
    }
  }

  function fill(index, row, price) {
    var values = { sku: row.sku, option1_value: row.option1, option2_value: row.option2 };
    if (price) values.price = price;
    Object.keys(values).forEach(function (name) {
      var input = field(index, name);
      if (input) {
        input.value = values[name];
        input.dispatchEvent(new Event("change", { bubbles: true }));
      }
    });
  }

  function addRow() {
    var before = totalForms();
    var add = document.getElementById(PREFIX + "-ADD");
    if (!add) return null;
    add.click(); // Wagtail's InlinePanel adds the form synchronously
    return totalForms() > before ? before : null;
  }

  function report(status, message, conflicts, isError) {
    status.textContent = "";
    var line = document.createElement("p");
    line.textContent = message;
    if (isError) line.className = "error";
    status.appendChild(line);
    if (conflicts.length) {
      var list = document.createElement("ul");
      conflicts.forEach(function (html) {
        var item = document.createElement("li");
        item.className = "error";
        item.innerHTML = html; // server-escaped (format_html): a link to the product holding the SKU
        list.appendChild(item);
      });
      status.appendChild(list);
    }
  }

  function generate(builder) {
    var status = builder.querySelector("[data-builder-status]");
    var params = new URLSearchParams({
      title: (document.getElementById("id_title") || {}).value || "",
      option1: builder.querySelector("[data-builder-option1]").value,
      option2: builder.querySelector("[data-builder-option2]").value,
      pattern: builder.querySelector("[data-builder-pattern]").value,
    });
    var price = builder.querySelector("[data-builder-price]").value.trim();
    var endpoint = builder.getAttribute("data-endpoint");
    fetch(endpoint + (endpoint.indexOf("?") >= 0 ? "&" : "?") + params.toString(), {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (result) {
        if (!result.ok) {
          report(status, result.body.error || "The variants could not be generated.", [], true);
          return;
        }
        var present = {};
        liveIndexes().forEach(function (i) {
          if (!isBlank(i)) present[key(field(i, "option1_value").value, field(i, "option2_value").value)] = true;
        });
        var blanks = liveIndexes().filter(isBlank);
        var added = 0;
        var conflicts = [];
        result.body.variants.forEach(function (row) {
          if (present[key(row.option1, row.option2)]) return;
          var index = blanks.length ? blanks.shift() : addRow();
          if (index === null) return;
          fill(index, row, price);
          added += 1;
          if (row.conflict) conflicts.push(row.conflict);
        });
        labelOptionValues();
        var message = added ? added + " variant" + (added === 1 ? "" : "s") + " added." : "Every combination is already in the table.";
        if (conflicts.length) message += " Change these SKUs before saving:";
        report(status, message, conflicts, false);
      })
      .catch(function () {
        report(status, "The variants could not be generated (no connection).", [], true);
      });
  }

  function init() {
    var builder = document.querySelector("[data-variant-builder]");
    if (!builder || builder.hasAttribute("data-builder-ready")) return;
    builder.setAttribute("data-builder-ready", "");
    builder.querySelector("[data-builder-generate]").addEventListener("click", function () {
      generate(builder);
    });
    ["id_option1_name", "id_option2_name"].forEach(function (id) {
      var input = document.getElementById(id);
      if (input) input.addEventListener("input", labelOptionValues);
    });
    var add = document.getElementById(PREFIX + "-ADD");
    if (add) add.addEventListener("click", function () { window.setTimeout(labelOptionValues, 0); });
    labelOptionValues();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
