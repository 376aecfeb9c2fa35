// e-Factura Hub: the authorization popup and small UI helpers (no build step).
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-oauth-popup]")) return;
    var width = 560, height = 720;
    var left = window.screenX + Math.max(0, (window.outerWidth - width) / 2);
    var top = window.screenY + Math.max(0, (window.outerHeight - height) / 2);
    var popup = window.open("", "anaf-spv", "popup=yes,width=" + width + ",height=" + height + ",left=" + left + ",top=" + top);
    if (!popup) return; // popup blocked: the form simply navigates this window
    form.querySelector("input[name=popup]").value = "1";
    form.target = "anaf-spv";
  });
  // A creating form (`data-once`) disables its buttons once sent: a convenience, the server refuses repeats.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-once]")) return;
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (button) { button.disabled = true; });
    }, 0);
  });
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-navigate]") && select.value) window.location.href = select.value;
  });
  window.addEventListener("message", function (event) {
    if (event.origin !== window.location.origin) return;
    if (event.data && event.data.type === "efactura-oauth-done") window.location.reload();
  });
  var done = document.getElementById("oauth-done");
  if (done) {
    var target = done.getAttribute("data-target");
    if (window.opener && !window.opener.closed) {
      window.opener.postMessage({ type: "efactura-oauth-done", ok: done.getAttribute("data-ok") === "1" }, window.location.origin);
      window.close();
    } else {
      window.location.replace(target);
    }
  }
})();
