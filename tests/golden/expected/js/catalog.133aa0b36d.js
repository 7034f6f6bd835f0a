// Plugin catalog filters: show only the cards whose data-categories / data-platforms
// contain the chosen keys. The form stays hidden without JavaScript, so every card is
// visible then. The choice is kept in the URL (?category=...&platform=...) so a
// filtered catalog can be linked to.
(function () {
  "use strict";

  function init() {
    var form = document.querySelector("[data-catalog-filters]");
    var list = document.querySelector("[data-catalog-list]");
    if (!form || !list) {
      return;
    }
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-catalog-filter]"));
    var cards = Array.prototype.slice.call(list.children);
    var count = form.querySelector("[data-catalog-count]");
    var empty = document.querySelector("[data-catalog-empty]");

    function keys(card, attribute) {
      var value = card.getAttribute("data-" + attribute) || "";
      return value ? value.split(" ") : [];
    }

    function apply() {
      var shown = 0;
      cards.forEach(function (card) {
        var visible = selects.every(function (select) {
          return !select.value || keys(card, select.getAttribute("data-catalog-filter")).indexOf(select.value) !== -1;
        });
        card.hidden = !visible;
        if (visible) {
          shown += 1;
        }
      });
      if (count) {
        count.textContent = shown === cards.length ? cards.length + " plugins" : shown + " of " + cards.length + " plugins";
      }
      if (empty) {
        empty.hidden = shown !== 0;
      }
    }

    function saveToUrl() {
      if (!window.history || !window.history.replaceState) {
        return;
      }
      var params = new URLSearchParams(window.location.search);
      selects.forEach(function (select) {
        if (select.value) {
          params.set(select.name, select.value);
        } else {
          params.delete(select.name);
        }
      });
      var query = params.toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
    }

    var initial = new URLSearchParams(window.location.search);
    selects.forEach(function (select) {
      var wanted = initial.get(select.name);
      if (wanted && select.querySelector('option[value="' + wanted.replace(/["\\]/g, "") + '"]')) {
        select.value = wanted;
      }
      select.addEventListener("change", function () {
        apply();
        saveToUrl();
      });
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
    });
    form.hidden = false;
    apply();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
