// Progress of a background analysis job: poll its JSON status, move the bar, reload when it ends.
// The status route returns only status, progress and stage; nothing here reads or sends text.
(function () {
  "use strict";
  var box = document.querySelector("[data-status-url]");
  if (!box || !window.fetch) { return; }
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("job-bar");
  var percent = document.getElementById("job-percent");
  var stage = document.getElementById("job-stage");
  var delay = 1500;

  function show(state) {
    var value = Math.max(0, Math.min(100, Number(state.progress) || 0));
    if (bar) { bar.value = value; bar.textContent = value + "%"; }
    if (percent) { percent.textContent = value + "%"; }
    if (stage) { stage.textContent = state.stage || ""; }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("status " + response.status); }
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.status === "done" || state.status === "failed") {
          window.location.reload();
          return;
        }
        delay = Math.min(delay * 1.3, 10000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        // Offline or signed out: stop polling; the Refresh link still works.
      });
  }

  window.setTimeout(poll, delay);
})();
