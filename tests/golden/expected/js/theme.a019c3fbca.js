/* Default theme behaviour: the mobile menu, the colour-scheme toggle, copy buttons,
   keyboard-reachable scrolling boxes, the on-page contents, keyboard-usable
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

  /* ---------- Colour scheme toggle ---------- */

  /* A toggle button (aria-pressed = "the dark theme is on"). Its choice overrides the
     system's prefers-color-scheme and is kept in localStorage, which js/color-scheme.js
     reads in <head> on every page before the first paint. */
  var SCHEME_KEY = "color-scheme";

  function systemDark() {
    return !!(window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches);
  }

  function darkNow() {
    var chosen = document.documentElement.getAttribute("data-theme");
    return chosen ? chosen === "dark" : systemDark();
  }

  function setupSchemeToggle() {
    var toggle = document.querySelector("[data-theme-toggle]");
    if (!toggle) return;
    function sync() { toggle.setAttribute("aria-pressed", darkNow() ? "true" : "false"); }
    toggle.addEventListener("click", function () {
      var scheme = darkNow() ? "light" : "dark";
      document.documentElement.setAttribute("data-theme", scheme);
      try { window.localStorage.setItem(SCHEME_KEY, scheme); } catch (error) { /* kept for this page only */ }
      sync();
    });
    if (window.matchMedia) {
      var query = window.matchMedia("(prefers-color-scheme: dark)");
      if (query.addEventListener) query.addEventListener("change", sync);
    }
    sync();
    toggle.hidden = false;
  }

  /* ---------- Copy buttons ---------- */

  var announcer = null;

  /* One polite live region for the page: screen readers hear "Copied" after a copy. */
  function announce(text) {
    if (!announcer) {
      announcer = document.createElement("p");
      announcer.className = "visually-hidden";
      announcer.setAttribute("role", "status");
      document.body.appendChild(announcer);
    }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = text; }, 50);
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text);
    }
    /* Plain-HTTP previews have no Clipboard API: the older selection route. */
    return new Promise(function (resolve, reject) {
      var area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.className = "copy-buffer";
      document.body.appendChild(area);
      area.select();
      var done = false;
      try { done = document.execCommand("copy"); } catch (error) { done = false; }
      document.body.removeChild(area);
      if (done) resolve(); else reject(new Error("copy refused"));
    });
  }

  function wireCopyButton(button, getText) {
    var label = button.querySelector(".copy-button-label");
    var resetTimer = null;
    button.addEventListener("click", function () {
      copyText(getText()).then(function () {
        button.classList.add("is-copied");
        if (label) label.textContent = "Copied";
        announce("Copied");
      }, function () {
        if (label) label.textContent = "Copy failed";
        announce("Copy failed: select the text and copy it by hand");
      });
      window.clearTimeout(resetTimer);
      resetTimer = window.setTimeout(function () {
        button.classList.remove("is-copied");
        if (label) label.textContent = "Copy";
      }, 2000);
    });
    button.hidden = false;
  }

  function makeCopyButton(what) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-button";
    var label = document.createElement("span");
    label.className = "copy-button-label";
    label.textContent = "Copy";
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + what;
    button.appendChild(label);
    button.appendChild(hidden);
    return button;
  }

  /* The text of a code block as written: the code column of a line-numbered table, one
     trailing newline dropped (pasted into a shell it would run the command at once). */
  function codeOf(block) {
    var column = block.querySelector("td.lntd:last-child pre") || block;
    var code = column.querySelector("code") || column;
    return code.textContent.replace(/\n$/, "");
  }

  function setupCopyButtons() {
    var blocks = document.querySelectorAll(".main .highlight, .main pre");
    Array.prototype.forEach.call(blocks, function (block) {
      if (block.tagName === "PRE" && block.closest(".highlight")) return;
      if (block.closest(".code-block")) return;
      var frame = document.createElement("div");
      frame.className = "code-block";
      block.parentNode.insertBefore(frame, block);
      frame.appendChild(block);
      var button = makeCopyButton("code");
      frame.appendChild(button);
      wireCopyButton(button, function () { return codeOf(block); });
    });
    /* The catalog's install lines: data-copy-text is copied as written, data-copy-url
       as the absolute URL it points to. */
    Array.prototype.forEach.call(document.querySelectorAll("button[data-copy-text], button[data-copy-url]"), function (button) {
      wireCopyButton(button, function () {
        var url = button.getAttribute("data-copy-url");
        return url !== null ? new URL(url, document.baseURI).href : button.getAttribute("data-copy-text");
      });
    });
  }

  /* ---------- Scrolling boxes reachable by keyboard ---------- */

  /* Code and tables wider than the page scroll in their own box; a keyboard user can
     only scroll a box that takes focus (WCAG 2.1.1), so the ones that scroll do. */
  function setupScrollBoxes() {
    var boxes = document.querySelectorAll(".main pre, .main .highlight, .main table, .main .mermaid, .main .table-scroll");
    function update() {
      Array.prototype.forEach.call(boxes, function (box) {
        var style = window.getComputedStyle(box);
        var scrolls = /(auto|scroll)/.test(style.overflowX) && box.scrollWidth > box.clientWidth + 1;
        if (scrolls && !box.hasAttribute("tabindex")) {
          box.setAttribute("tabindex", "0");
          box.setAttribute("data-scroll-focus", "");
        } else if (!scrolls && box.hasAttribute("data-scroll-focus")) {
          box.removeAttribute("tabindex");
          box.removeAttribute("data-scroll-focus");
        }
      });
    }
    update();
    var pending = null;
    window.addEventListener("resize", function () {
      window.clearTimeout(pending);
      pending = window.setTimeout(update, 150);
    });
    /* A tab pane or <details> opened later may hold a box that scrolls. */
    document.addEventListener("toggle", update, true);
    document.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest("[role='tab']")) window.setTimeout(update, 0);
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
    setupSchemeToggle();
    setupMenu();
    revealCurrentInSidebar();
    setupToc();
    Array.prototype.forEach.call(document.querySelectorAll("[data-tabs]"), setupTabs);
    setupCopyButtons();
    setupScrollBoxes();
    revealHash();
    window.addEventListener("hashchange", revealHash);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
