/* Live sales dashboard: one WebSocket to /ws/dashboard. Server events (new lead, score
   change, hot lead, sales feed) are listed as they arrive and trigger a refresh of the
   server-rendered panels (SVG charts included). Falls back to HTTP polling while the
   socket is down. No framework, no build step. */
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !main.dataset.wsPath) return;
  var panels = document.getElementById("dashboard-panels");
  var list = document.getElementById("live-events");
  var status = document.getElementById("dash-status");
  var from = document.getElementById("range-from");
  var to = document.getElementById("range-to");
  var socket = null;
  var retry = 1000;
  var refreshTimer = null;
  var PERIODIC_MS = 20000;

  // Times read as everywhere in the back office: the site's zone, with its name.
  var zone = main.dataset.timeZone || undefined;
  var zoneAbbr = main.dataset.timeZoneAbbr || "";
  function clock(date) {
    var text;
    try {
      text = date.toLocaleTimeString("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
    } catch (e) {
      text = date.toLocaleTimeString("en-GB");
    }
    return zoneAbbr ? text + " " + zoneAbbr : text;
  }

  function setStatus(text, live) {
    status.textContent = text;
    status.classList.toggle("live", !!live);
  }

  function rangeParams() {
    return { from: from ? from.value : "", to: to ? to.value : "" };
  }

  var LABELS = {
    "lead.new": "New lead",
    "lead.scored": "Score changed",
    "lead.hot": "Hot lead",
    "scores.refreshed": "Scores refreshed",
    "metric": "Metric recorded"
  };

  function describe(msg) {
    var d = msg.data || {};
    var label = LABELS[msg.event] || (msg.event.indexOf("feed.") === 0 ? "Sales feed" : msg.event);
    var text = label;
    if (d.message) text += ": " + d.message;
    else if (msg.event === "lead.hot") {
      text += ": " + (d.name || d.company || "lead") + " (" + d.score + ", " + (d.grade || "-") + ") — " + (d.reason_label || d.reason);
      if (d.breakdown && d.breakdown.length) {
        text += " · why: " + d.breakdown.slice(0, 3).map(function (b) {
          return b.label + " " + (b.points >= 0 ? "+" : "") + Number(b.points).toFixed(1);
        }).join(", ");
      }
    } else if (d.grade !== undefined) {
      text += ": " + (d.previous_grade ? d.previous_grade + " → " : "") + d.grade + " (" + d.score + ")";
    } else if (d.leads !== undefined) {
      text += ": " + d.leads + " leads, " + d.changed + " changed";
    } else if (d.kind) {
      text += ": " + d.kind;
    }
    return text;
  }

  function addEvent(msg) {
    var empty = list.querySelector("[data-empty]");
    if (empty) empty.remove();
    var li = document.createElement("li");
    li.className = "flash";
    var time = document.createElement("span");
    time.className = "muted";
    time.textContent = clock(new Date()) + " ";
    li.appendChild(time);
    var d = msg.data || {};
    if (d.url || d.lead_id) {
      var a = document.createElement("a");
      a.href = d.url || ("/admin/leads/lead/" + encodeURIComponent(d.lead_id) + "/change/");
      a.textContent = describe(msg);
      li.appendChild(a);
    } else {
      li.appendChild(document.createTextNode(describe(msg)));
    }
    list.insertBefore(li, list.firstChild);
    while (list.children.length > 30) list.removeChild(list.lastChild);
  }

  function requestRefresh() {
    if (refreshTimer) return;
    refreshTimer = setTimeout(function () {
      refreshTimer = null;
      refresh();
    }, 1500);
  }

  function refresh() {
    var p = rangeParams();
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ action: "refresh", from: p.from, to: p.to }));
      return;
    }
    var url = main.dataset.panelsUrl + "?from=" + encodeURIComponent(p.from) + "&to=" + encodeURIComponent(p.to);
    fetch(url, { credentials: "same-origin" }).then(function (r) {
      return r.ok ? r.text() : null;
    }).then(function (html) {
      if (html !== null) panels.innerHTML = html; // server-rendered and escaped
    }).catch(function () {});
  }

  function connect() {
    var proto = location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(proto + location.host + main.dataset.wsPath);
    socket.addEventListener("open", function () {
      retry = 1000;
      setStatus("Live updates: on", true);
    });
    socket.addEventListener("message", function (e) {
      var msg;
      try { msg = JSON.parse(e.data); } catch (err) { return; }
      if (msg.type === "panels") {
        panels.innerHTML = msg.html; // server-rendered and escaped
      } else if (msg.type === "event") {
        addEvent(msg);
        requestRefresh();
      }
    });
    socket.addEventListener("close", function (e) {
      if (e.code === 4403) { setStatus("Live updates: not allowed", false); return; }
      setStatus("Live updates: reconnecting…", false);
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, 30000);
    });
  }

  connect();
  setInterval(refresh, PERIODIC_MS);
})();
