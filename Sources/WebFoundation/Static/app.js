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

// Audit: a verification's page (an element with data-poll="<path>") is brought up to date every
// two seconds while the verification runs; without this file, the page's "Reload" link does it.
(function () {
  "use strict";

  function poll(region) {
    var path = region.getAttribute("data-poll");
    window.fetch(path, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) {
        return response.ok ? response.text() : null;
      })
      .then(function (text) {
        if (text === null) {
          return;
        }
        var next = new DOMParser().parseFromString(text, "text/html").getElementById(region.id);
        if (!next) {
          return;
        }
        region.innerHTML = next.innerHTML;
        if (next.hasAttribute("data-poll")) {
          window.setTimeout(function () { poll(region); }, 2000);
        } else {
          region.removeAttribute("data-poll");
        }
      })
      .catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", function () {
    var region = document.querySelector("[data-poll][id]");
    if (region) {
      window.setTimeout(function () { poll(region); }, 2000);
    }
  });
})();

// Agent's pages: a conversation's timeline takes in new messages without a reload. The list
// (data-timeline-poll="<path>?after=", data-after="<last position>") asks the server every 5
// seconds for the messages after the last one shown (an HTML fragment of <li data-position>
// items) and adds them to the list, an aria-live="polite" region, so screen readers announce
// them; a message shown before it was classified is replaced by its classified version. Without
// this script the page's "Check for new messages" link reloads it.
(function () {
  "use strict";

  function poll(list) {
    var after = list.getAttribute("data-after");
    var request = new XMLHttpRequest();
    request.open("GET", list.getAttribute("data-timeline-poll") + encodeURIComponent(after));
    request.onload = function () {
      if (request.status !== 200 || request.responseURL.indexOf(list.getAttribute("data-timeline-poll")) === -1) {
        return;
      }
      var holder = document.createElement("template");
      holder.innerHTML = request.responseText;
      var items = holder.content.querySelectorAll("li[data-position]");
      for (var i = 0; i < items.length; i += 1) {
        var position = items[i].getAttribute("data-position");
        var shown = list.querySelector('li[data-position="' + position + '"]');
        if (shown) {
          list.replaceChild(items[i], shown);
        } else {
          list.appendChild(items[i]);
        }
        list.setAttribute("data-after", position);
      }
    };
    request.send();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var list = document.querySelector("[data-timeline-poll]");
    if (list) {
      window.setInterval(function () {
        poll(list);
      }, 5000);
    }
  });
})();
