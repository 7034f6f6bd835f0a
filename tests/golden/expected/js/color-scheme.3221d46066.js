/* Runs in <head>, blocking, before the stylesheets paint anything: applies the colour
   scheme the visitor chose with the header's toggle on an earlier page, so a page never
   flashes the other scheme while it loads. Without a choice the stylesheet follows the
   system's prefers-color-scheme. An external file, since the Content-Security-Policy
   allows no inline script; theme.js runs the toggle itself. */
(function () {
  "use strict";
  try {
    var chosen = window.localStorage.getItem("color-scheme");
    if (chosen === "dark" || chosen === "light") {
      document.documentElement.setAttribute("data-theme", chosen);
    }
  } catch (error) {
    /* Storage blocked (privacy settings): follow the system. */
  }
})();
