// Injected by `brief serve` into served pages only; never part of the built site.
(function () {
  "use strict";
  var OVERLAY = "brief-error-overlay";
  function showError(data) {
    var box = document.getElementById(OVERLAY);
    if (!box) {
      box = document.createElement("div");
      box.id = OVERLAY;
      box.setAttribute("role", "alert");
      box.style.cssText = "position:fixed;inset:0;z-index:2147483647;background:rgba(20,20,20,.92);" +
        "color:#fff;font:15px/1.5 ui-monospace,Menlo,Consolas,monospace;padding:2rem;overflow:auto";
      document.documentElement.appendChild(box);
    }
    box.textContent = "";
    var title = document.createElement("h2");
    title.textContent = "Build failed";
    title.style.cssText = "color:#ff8080;font-size:1.2rem;margin:0 0 1rem";
    var where = document.createElement("p");
    where.className = "brief-error-location";
    where.textContent = (data.file || "") + (data.line ? ":" + data.line : "");
    var message = document.createElement("pre");
    message.className = "brief-error-message";
    message.style.whiteSpace = "pre-wrap";
    message.textContent = data.message || "";
    var hint = document.createElement("p");
    hint.textContent = "Fix the file and save: this page updates by itself. The last good site is still served.";
    box.append(title, where, message, hint);
  }
  function swapStylesheets() {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    links.forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("brief-reload", Date.now());
      link.href = url.toString();
    });
  }
  var source = new EventSource("/__brief__/events");
  source.onopen = function () { window.__briefLiveReload = true; };
  source.addEventListener("reload", function () { location.reload(); });
  source.addEventListener("css", function () {
    var box = document.getElementById(OVERLAY);
    if (box) { location.reload(); } else { swapStylesheets(); }
  });
  source.addEventListener("error", function (event) {
    if (event.data) { showError(JSON.parse(event.data)); }
  });
})();
