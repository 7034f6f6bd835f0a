/* Default theme behaviour: the mobile menu, the on-page contents, keyboard-usable
   tabs, and opening the tab pane or <details> block that holds a linked anchor. Loaded with `defer`; the
   pages work without it (every tab pane shows, the menu opens through #sidebar). */
(function () {
  "use strict";

  /* ---------- Mobile menu ---------- */

  function setupMenu() {
    var sidebar = document.getElementById("sidebar");
    var toggle = document.querySelector(".menu-toggle");
    if (!sidebar || !toggle) return;
    var closers = sidebar.querySelectorAll(".sidebar-close");

    function isOpen() { return sidebar.classList.contains("is-open"); }

    function setOpen(open, returnFocus) {
      sidebar.classList.toggle("is-open", open);
      // :target (the no-JavaScript path) would keep it open after closing.
      if (!open && window.location.hash === "#sidebar" && window.history.replaceState) {
        window.history.replaceState(null, "", window.location.pathname + window.location.search);
      }
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) {
        var target = sidebar.querySelector("[aria-current='page']") || sidebar.querySelector("a[href]:not(.sidebar-close)");
        if (target) target.focus();
      } else if (returnFocus) {
        toggle.focus();
      }
    }

    toggle.addEventListener("click", function (event) {
      event.preventDefault();
      setOpen(!isOpen(), false);
    });
    // role="button" on a link: Space must activate it too.
    toggle.addEventListener("keydown", function (event) {
      if (event.key === " ") {
        event.preventDefault();
        setOpen(!isOpen(), false);
      }
    });
    Array.prototype.forEach.call(closers, function (closer) {
      closer.addEventListener("click", function (event) {
        event.preventDefault();
        setOpen(false, true);
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && isOpen()) setOpen(false, true);
    });
    document.addEventListener("click", function (event) {
      if (isOpen() && !sidebar.contains(event.target) && !toggle.contains(event.target)) setOpen(false, false);
    });
    // Opened without JavaScript through #sidebar before this script ran: keep state in step.
    if (window.location.hash === "#sidebar") setOpen(true, false);
  }

  /* Keep the current page visible in a long sidebar without scrolling the page. */
  function revealCurrentInSidebar() {
    var sidebar = document.getElementById("sidebar");
    if (!sidebar) return;
    var current = sidebar.querySelector("[aria-current='page']");
    if (!current) return;
    var top = current.getBoundingClientRect().top - sidebar.getBoundingClientRect().top;
    if (top > sidebar.clientHeight - 40) {
      sidebar.scrollTop += top - sidebar.clientHeight / 3;
    }
  }

  /* ---------- On-page contents ---------- */

  /* Beside the text (wide screens) the list is open; above it (narrow screens) it
     starts folded so the page begins with its content. Without JavaScript it stays open. */
  function setupToc() {
    var details = document.querySelector(".toc details");
    if (!details || !window.matchMedia) return;
    var wide = window.matchMedia("(min-width: 1200px)");
    function apply() { details.open = wide.matches; }
    apply();
    if (wide.addEventListener) wide.addEventListener("change", apply);
  }

  /* ---------- Tabs ---------- */

  function tabsOf(group) {
    var list = group.querySelector(":scope > [role='tablist']");
    return list ? Array.prototype.slice.call(list.querySelectorAll("[role='tab']")) : [];
  }

  function panelOf(tab) {
    var id = tab.getAttribute("aria-controls");
    return id ? document.getElementById(id) : null;
  }

  function selectTab(group, chosen, focus) {
    tabsOf(group).forEach(function (tab) {
      var selected = tab === chosen;
      tab.setAttribute("aria-selected", selected ? "true" : "false");
      tab.tabIndex = selected ? 0 : -1;
      var panel = panelOf(tab);
      if (panel) panel.hidden = !selected;
    });
    if (focus) chosen.focus();
  }

  function setupTabs(group) {
    var tabs = tabsOf(group);
    if (!tabs.length) return;
    var selected = tabs.filter(function (tab) { return tab.getAttribute("aria-selected") === "true"; })[0] || tabs[0];
    group.classList.add("is-enhanced");
    selectTab(group, selected, false);

    tabs.forEach(function (tab, index) {
      tab.addEventListener("click", function () { selectTab(group, tab, true); syncGroup(group, tab); });
      tab.addEventListener("keydown", function (event) {
        var next = null;
        switch (event.key) {
          case "ArrowRight": case "ArrowDown": next = tabs[(index + 1) % tabs.length]; break;
          case "ArrowLeft": case "ArrowUp": next = tabs[(index - 1 + tabs.length) % tabs.length]; break;
          case "Home": next = tabs[0]; break;
          case "End": next = tabs[tabs.length - 1]; break;
          default: return;
        }
        event.preventDefault();
        selectTab(group, next, true);
        syncGroup(group, next);
      });
    });
  }

  /* hugo-theme-learn's groupId: choosing a tab chooses the tab of the same name in every
     other tab group of the page with that groupId. */
  function syncGroup(group, chosen) {
    var name = group.getAttribute("data-tab-group");
    if (!name) return;
    var label = chosen.textContent;
    Array.prototype.forEach.call(document.querySelectorAll("[data-tabs]"), function (other) {
      if (other === group || other.getAttribute("data-tab-group") !== name) return;
      var match = tabsOf(other).filter(function (tab) { return tab.textContent === label; })[0];
      if (match) selectTab(other, match, false);
    });
  }

  /* ---------- Anchors inside closed blocks ---------- */

  /* A link to a heading inside an inactive tab pane or a closed <details> shows it. */
  function revealHash() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    if (!id || id === "sidebar") return;
    var target = document.getElementById(id);
    if (!target) return;
    var node = target;
    var changed = false;
    while (node && node !== document.body) {
      if (node.tagName === "DETAILS" && !node.open) { node.open = true; changed = true; }
      if (node.getAttribute && node.getAttribute("role") === "tabpanel" && node.hidden) {
        var tab = node.id && document.querySelector("[role='tab'][aria-controls='" + node.id + "']");
        var group = tab && tab.closest("[data-tabs]");
        if (group) { selectTab(group, tab, false); changed = true; }
      }
      node = node.parentNode;
    }
    if (changed) target.scrollIntoView();
  }

  function init() {
    setupMenu();
    revealCurrentInSidebar();
    setupToc();
    Array.prototype.forEach.call(document.querySelectorAll("[data-tabs]"), setupTabs);
    revealHash();
    window.addEventListener("hashchange", revealHash);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
