/* Provider portal: weekly hours rows, time-off form, confirmations. No inline scripts (CSP). */
(function () {
  "use strict";

  function totalInput(card) {
    return card.querySelector('input[name="' + card.dataset.prefix + '-TOTAL_FORMS"]');
  }

  function refreshClosed(card) {
    var open = Array.prototype.some.call(card.querySelectorAll(".interval-row"), function (row) {
      return !row.hidden;
    });
    card.classList.toggle("is-closed", !open);
  }

  function addRow(card, start, end) {
    var total = totalInput(card);
    var index = parseInt(total.value, 10);
    var html = card.querySelector("template.empty-interval").innerHTML.replace(/__prefix__/g, index);
    var holder = document.createElement("div");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    var inputs = row.querySelectorAll('input[type="time"]');
    if (start) { inputs[0].value = start; }
    if (end) { inputs[1].value = end; }
    card.querySelector(".intervals").appendChild(row);
    total.value = index + 1;
    refreshClosed(card);
    return row;
  }

  function removeRow(card, row) {
    row.querySelectorAll('input[type="time"]').forEach(function (input) { input.value = ""; });
    row.hidden = true;
    refreshClosed(card);
  }

  document.querySelectorAll(".day-card").forEach(function (card) {
    refreshClosed(card);
    card.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      if (button.classList.contains("add-interval")) {
        var row = addRow(card);
        row.querySelector("input").focus();
      } else if (button.classList.contains("remove-interval")) {
        removeRow(card, button.closest(".interval-row"));
      } else if (button.classList.contains("copy-to-weekdays")) {
        var source = [];
        card.querySelectorAll(".interval-row").forEach(function (row) {
          var inputs = row.querySelectorAll('input[type="time"]');
          if (!row.hidden && inputs[0].value && inputs[1].value) {
            source.push([inputs[0].value, inputs[1].value]);
          }
        });
        document.querySelectorAll(".day-card").forEach(function (other) {
          var prefix = other.dataset.prefix;
          if (other === card || prefix === "d6") { return; }
          other.querySelectorAll(".interval-row").forEach(function (row) { removeRow(other, row); });
          source.forEach(function (pair) { addRow(other, pair[0], pair[1]); });
        });
      }
    });
  });

  // Time off: show the special-hours fields only when "special hours" is chosen.
  var timeOff = document.getElementById("time-off-form");
  if (timeOff) {
    var special = timeOff.querySelector(".special-hours");
    var sync = function () {
      var chosen = timeOff.querySelector('input[name="kind"]:checked');
      special.hidden = !chosen || chosen.value !== "special";
    };
    timeOff.addEventListener("change", sync);
    sync();
  }

  // Buttons that ask before a destructive action.
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-confirm]");
    if (button && !window.confirm(button.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
