/* The demo CRM page's own script, as a customer's page would have one: no inline script, so the
 * page runs under a Content-Security-Policy without 'unsafe-inline'. */
(function () {
  "use strict";
  var picker = document.getElementById("rep");
  if (picker) picker.addEventListener("change", function () { picker.form.submit(); });

  var config = document.getElementById("demo-widget-config");
  if (!config || !window.SalesCoach) return;
  var demo = JSON.parse(config.textContent);
  SalesCoach.boot({
    token: demo.token,
    apiBase: demo.apiBase,
    title: "Coach",
    color: "#0b5cad",
    position: "right",
    // The host's own backend mints a fresh token when the short-lived one runs out.
    onTokenExpired: async function () {
      var response = await fetch("/demo/token?rep=" + encodeURIComponent(demo.rep), {method: "POST"});
      return response.ok ? (await response.json()).token : null;
    }
  });
})();
