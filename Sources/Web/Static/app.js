// Recordkeeper pages: progressive enhancement only. Every page works without this file.
//
// The inbox's reply windows count down: an element with data-window-closes="<ISO time>" has
// its text brought up to date every 30 seconds, as the server would write it.
(function () {
  "use strict";

  function windowText(closesAt, now) {
    var seconds = Math.floor((closesAt - now) / 1000);
    if (seconds <= 0) {
      return "Closed: reply with a template";
    }
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    return hours > 0 ? "Open: " + hours + " h " + minutes + " min left" : "Open: " + Math.max(1, minutes) + " min left";
  }

  function updateWindows() {
    var now = Date.now();
    var elements = document.querySelectorAll("[data-window-closes]");
    for (var i = 0; i < elements.length; i += 1) {
      var closesAt = Date.parse(elements[i].getAttribute("data-window-closes"));
      if (!isNaN(closesAt)) {
        var text = windowText(closesAt, now);
        if (elements[i].textContent !== text) {
          elements[i].textContent = text;
        }
      }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-window-closes]")) {
      updateWindows();
      window.setInterval(updateWindows, 30000);
    }
  });
})();
