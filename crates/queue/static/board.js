// Sigap display board and live ticket: listens to the office's calls (Server-Sent Events; the
// browser reconnects by itself and sends the last id it saw, so no call is missed), updates the
// counters and the list of recent numbers, and optionally speaks each call in Indonesian.
(function () {
  "use strict";
  var printer = document.querySelector("[data-print]");
  if (printer) {
    printer.addEventListener("click", function (event) { event.preventDefault(); window.print(); });
  }
  var board = document.querySelector("[data-board]");
  var ticket = document.querySelector("[data-ticket]");
  var root = board || ticket;
  if (!root || !window.EventSource) { return; }
  var office = root.getAttribute("data-office");
  var seen = {};
  Array.prototype.forEach.call(document.querySelectorAll("[data-call-id]"), function (el) {
    seen[el.getAttribute("data-call-id")] = true;
  });
  var last = root.getAttribute("data-last-id") || "0";
  var voice = document.getElementById("speak");
  var status = document.querySelector("[data-connection]");

  function speak(call) {
    if (!voice || !voice.checked || !window.speechSynthesis) { return; }
    var letters = call.number.split("-");
    var text = "Nomor antrean " + letters[0] + " " + parseInt(letters[1], 10) + ", silakan ke loket " + call.counter;
    var utterance = new SpeechSynthesisUtterance(text);
    utterance.lang = "id-ID";
    window.speechSynthesis.speak(utterance);
  }

  function show(call) {
    var cell = document.querySelector("[data-counter='" + call.counter + "']");
    if (cell) { cell.textContent = call.number; cell.classList.add("flash"); setTimeout(function () { cell.classList.remove("flash"); }, 3000); }
    var list = document.querySelector("[data-recent]");
    if (list) {
      var item = document.createElement("li");
      item.setAttribute("data-call-id", String(call.id));
      item.textContent = call.number + " → " + (list.getAttribute("data-counter-label") || "Loket") + " " + call.counter;
      list.insertBefore(item, list.firstChild);
      while (list.children.length > 8) { list.removeChild(list.lastChild); }
    }
  }

  function refreshTicket() {
    var id = ticket.getAttribute("data-ticket");
    fetch("/api/v1/queue/tickets/" + encodeURIComponent(id), { headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (t) {
        if (!t) { return; }
        var ahead = document.querySelector("[data-ahead]");
        var wait = document.querySelector("[data-wait]");
        var state = document.querySelector("[data-status]");
        if (ahead) { ahead.textContent = String(t.ahead); }
        if (wait) { wait.textContent = t.estimated_wait_minutes === null ? "—" : String(t.estimated_wait_minutes); }
        if (state && t.status !== "waiting") { window.location.reload(); }
      });
  }

  var source = new EventSource("/queue/" + encodeURIComponent(office) + "/events?after=" + encodeURIComponent(last));
  source.addEventListener("open", function () { if (status) { status.hidden = true; } });
  source.addEventListener("error", function () { if (status) { status.hidden = false; } });
  source.addEventListener("call", function (event) {
    if (seen[event.lastEventId]) { return; }
    seen[event.lastEventId] = true;
    var call = JSON.parse(event.data);
    if (board) { show(call); speak(call); }
    if (ticket) { refreshTicket(); }
  });
})();
