/* Live reload for `catalog serve`; the preview server adds it to the HTML pages it serves
   (never to the built site). It long-polls the server, which answers when a build
   finished: reload this tab when its page changed, swap stylesheets when only CSS
   changed, and list the diagnostics over the page while the latest build fails.
   No inline code or style: the site runs under a Content-Security-Policy. */
(function () {
  "use strict";

  var script = document.currentScript;
  if (!script || !window.fetch) {
    return;
  }
  var events = new URL("/__catalog/events", script.src);
  var tab = {server: script.dataset.server || "", epoch: script.dataset.epoch || "", generation: -1};
  var failures = 0;
  var OVERLAY_ID = "catalog-build-errors";

  function poll() {
    var url = new URL(events);
    url.searchParams.set("server", tab.server);
    url.searchParams.set("epoch", tab.epoch);
    url.searchParams.set("generation", String(tab.generation));
    url.searchParams.set("path", location.pathname);
    fetch(url, {cache: "no-store"})
      .then(function (response) {
        if (!response.ok) {
          throw new Error("preview server answered " + response.status);
        }
        return response.json();
      })
      .then(function (answer) {
        failures = 0;
        apply(answer);
      }, function () {
        // The server stopped or restarts: try again, less often the longer it is away.
        failures += 1;
        window.setTimeout(poll, Math.min(5000, 250 * failures));
      });
  }

  function apply(answer) {
    if (answer.action === "reload") {
      location.reload();
      return;
    }
    tab.generation = answer.generation;
    tab.epoch = answer.epoch === null ? "" : String(answer.epoch);
    if (answer.action === "css") {
      swapStylesheets(answer.stylesheets, tab.epoch);
    }
    showDiagnostics(answer.diagnostics);
    poll();
  }

  function swapStylesheets(paths, epoch) {
    var links = document.querySelectorAll('link[rel~="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var href = new URL(link.href);
      if (href.origin !== location.origin || paths.indexOf(href.pathname) < 0) {
        return;
      }
      // Load the new sheet beside the old one, then drop the old one: no flash of unstyled page.
      var fresh = link.cloneNode();
      href.searchParams.set("catalog-epoch", epoch);
      fresh.href = href.toString();
      fresh.addEventListener("load", function () { link.remove(); });
      fresh.addEventListener("error", function () { fresh.remove(); });
      link.after(fresh);
    });
  }

  function element(name, className, text) {
    var node = document.createElement(name);
    if (className) {
      node.className = className;
    }
    if (text) {
      node.textContent = text;
    }
    return node;
  }

  function ensureStylesheet() {
    if (!document.querySelector('link[href="/__catalog/overlay.css"]')) {
      var link = element("link");
      link.rel = "stylesheet";
      link.href = "/__catalog/overlay.css";
      document.head.appendChild(link);
    }
  }

  function showDiagnostics(diagnostics) {
    var old = document.getElementById(OVERLAY_ID);
    if (!diagnostics.length) {
      if (old && !old.classList.contains("is-page")) {
        old.remove();
      }
      return;
    }
    ensureStylesheet();
    var onPage = old && old.classList.contains("is-page");  // the "no good build yet" page
    var box = element("section", onPage ? "is-page" : "is-overlay");
    box.id = OVERLAY_ID;
    box.setAttribute("role", "alert");
    var header = element("div", "catalog-header");
    header.appendChild(element(onPage ? "h1" : "h2", "", "The build failed"));
    if (!onPage) {
      var hide = element("button", "catalog-hide", "Hide");
      hide.type = "button";
      hide.addEventListener("click", function () { box.hidden = true; });
      header.appendChild(hide);
    }
    box.appendChild(header);
    box.appendChild(element("p", "", onPage
      ? "There is no good build to show yet. Fix the problems below; this page reloads when the site builds."
      : "This page shows the last good build. Fix the problems below; this message goes away when the site builds."));
    var list = element("ul");
    diagnostics.forEach(function (d) {
      var item = element("li", "catalog-diagnostic is-" + d.severity);
      item.appendChild(element("code", "catalog-location", d.location));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(element("span", "catalog-severity", d.severity));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(element("span", "catalog-message", d.message));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(element("span", "catalog-code", "[" + d.code + "]"));
      if (d.hint) {
        item.appendChild(element("p", "catalog-hint", "hint: " + d.hint));
      }
      list.appendChild(item);
    });
    box.appendChild(list);
    if (old) {
      old.replaceWith(box);
    } else {
      document.body.appendChild(box);
    }
  }

  poll();
}());
