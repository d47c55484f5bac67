// Quick exit: "Exit this page" and Shift pressed three times within five seconds.
// Hides the page at once, ends the session on our server, and leaves with
// location.replace so the survey is not the page that Back returns to.
(function () {
  "use strict";
  var leaving = false;
  function leave(url) {
    if (leaving) { return; }
    leaving = true;
    document.body.classList.add("leaving");
    document.title = "Weather";
    var link = document.querySelector("[data-exit]");
    try { navigator.sendBeacon(link ? link.getAttribute("href") : "/x"); } catch (e) { /* the link still works */ }
    window.location.replace(url);
  }
  function exitUrl() {
    var link = document.querySelector("[data-exit]");
    return link ? link.getAttribute("data-exit") : "https://www.bbc.co.uk/weather";
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-exit]") : null;
    if (link) {
      event.preventDefault();
      leave(link.getAttribute("data-exit"));
    }
  });
  // Count a Shift press only when no other key was pressed while it was held:
  // Shift used to type a capital letter is not a request to leave.
  var presses = [];
  var shiftAlone = false;
  document.addEventListener("keydown", function (event) {
    if (event.key === "Shift") {
      if (!event.repeat) { shiftAlone = true; }
    } else {
      shiftAlone = false;
      presses = [];
    }
  });
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift" || !shiftAlone) { return; }
    shiftAlone = false;
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < 5000; });
    presses.push(now);
    if (presses.length >= 3) { leave(exitUrl()); }
  });
  // Put keyboard and screen-reader focus on the error summary when a page has one.
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
  // Returning with Back from the exit site must not show this page from memory.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
})();
