// The live handoff inbox: new lines arrive over server-sent events, without reloading the page.
(function () {
  "use strict";
  var inbox = document.getElementById("inbox");
  if (!inbox || !window.EventSource) { return; }
  var current = inbox.getAttribute("data-current");
  var lines = document.getElementById("lines");
  var live = document.getElementById("live");
  var source = new EventSource("/console/inbox/events?after=" + inbox.getAttribute("data-cursor"));

  function refreshList() {
    fetch("/console/inbox/list?h=" + (current || ""), {headers: {"X-Requested-With": "fetch"}, credentials: "same-origin"})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var list = document.getElementById("handoff-list");
        if (list) { list.outerHTML = html; }
      });
  }

  function append(line) {
    if (!lines || String(line.handoff) !== current) { return; }
    if (lines.querySelector('[data-id="' + line.id + '"]')) { return; }
    var item = document.createElement("li");
    item.className = "line " + line.author;
    item.setAttribute("data-id", line.id);
    var meta = document.createElement("span");
    meta.className = "meta";
    meta.textContent = line.who + " " + line.at;
    var text = document.createElement("span");
    text.className = "text";
    text.textContent = line.text;
    item.appendChild(meta);
    item.appendChild(text);
    lines.appendChild(item);
    item.scrollIntoView({block: "nearest"});
  }

  source.addEventListener("ready", function () { live.className = "live on"; });
  source.addEventListener("line", function (event) {
    append(JSON.parse(event.data));
    refreshList();
  });
  source.onerror = function () { live.className = "live off"; };
}());
