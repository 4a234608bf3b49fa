/* Elderly mode (适老化): the /elderly/ switch sets the cookie zt_elderly=1; this adds the
   class "elderly" to <html> before the page is drawn, and portal.css does the rest.
   Loaded in <head> as an external file (no inline script under our CSP). */
(function () {
  "use strict";
  if (/(?:^|;\s*)zt_elderly=1(?:;|$)/.test(document.cookie)) {
    document.documentElement.classList.add("elderly");
  }
})();
