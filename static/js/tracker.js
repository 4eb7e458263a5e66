/* EmenTech tracker: page_view on load, scroll depth milestones, time on page at exit.
 * Sends to /api/track with navigator.sendBeacon (or fetch keepalive). No inline script:
 * loaded from templates/analytics/tracker.html under the site's CSP. */
(function () {
  "use strict";
  var script = document.currentScript;
  var endpoint = (script && script.getAttribute("data-endpoint")) || "/api/track";
  var SESSION_KEY = "em_sid";
  var SESSION_TTL = 30 * 60 * 1000;
  var started = Date.now();
  var maxDepth = 0;
  var reported = {};
  var exited = false;

  function sessionId() {
    var now = Date.now();
    try {
      var raw = window.sessionStorage.getItem(SESSION_KEY);
      var parts = raw ? raw.split(":") : null;
      var id = parts && now - parseInt(parts[1], 10) < SESSION_TTL ? parts[0] : null;
      if (!id) {
        id = Math.random().toString(36).slice(2) + now.toString(36);
      }
      window.sessionStorage.setItem(SESSION_KEY, id + ":" + now);
      return id;
    } catch (e) {
      return "";
    }
  }

  function batchId() {
    var bytes = new Uint8Array(16);
    if (window.crypto && window.crypto.getRandomValues) {
      window.crypto.getRandomValues(bytes);
    } else {
      for (var i = 0; i < bytes.length; i++) {
        bytes[i] = Math.floor(Math.random() * 256);
      }
    }
    return Array.prototype.map
      .call(bytes, function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  // Each batch carries a random id; a retry (network error or 5xx) sends the same id, and
  // the server stores a batch id once, so a retried batch is never counted twice.
  function post(body, attempt) {
    window
      .fetch(endpoint, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: body,
        credentials: "same-origin",
        keepalive: true,
      })
      .then(function (response) {
        if (response.status >= 500 && attempt < 3) {
          window.setTimeout(function () { post(body, attempt + 1); }, 1000 * attempt * attempt);
        }
      })
      .catch(function () {
        if (attempt < 3) {
          window.setTimeout(function () { post(body, attempt + 1); }, 1000 * attempt * attempt);
        }
      });
  }

  function send(events, useBeacon) {
    var body = JSON.stringify({ events: events, batch_id: batchId() });
    if (useBeacon && navigator.sendBeacon) {
      var blob = new Blob([body], { type: "application/json" });
      if (navigator.sendBeacon(endpoint, blob)) {
        return;
      }
    }
    if (window.fetch) {
      post(body, 1);
    }
  }

  function pageProps() {
    var props = {
      url: window.location.href.slice(0, 2000),
      path: window.location.pathname.slice(0, 500),
      title: (document.title || "").slice(0, 300),
    };
    return props;
  }

  function event(type, extra) {
    var props = pageProps();
    for (var key in extra) {
      if (Object.prototype.hasOwnProperty.call(extra, key)) {
        props[key] = extra[key];
      }
    }
    return { type: type, properties: props, session_id: sessionId() };
  }

  function pageView() {
    var extra = {};
    if (document.referrer) {
      extra.referrer = document.referrer.slice(0, 2000);
    }
    var params = new URLSearchParams(window.location.search);
    ["utm_source", "utm_medium", "utm_campaign"].forEach(function (name) {
      var value = params.get(name);
      if (value) {
        extra[name] = value.slice(0, 100);
      }
    });
    send([event("page_view", extra)], false);
  }

  function onScroll() {
    var doc = document.documentElement;
    var height = Math.max(doc.scrollHeight - window.innerHeight, 1);
    var depth = Math.min(100, Math.round((window.scrollY / height) * 100));
    if (depth > maxDepth) {
      maxDepth = depth;
    }
    [25, 50, 75, 100].forEach(function (mark) {
      if (maxDepth >= mark && !reported[mark]) {
        reported[mark] = true;
        send([event("scroll", { scroll_depth: mark })], false);
      }
    });
  }

  function onExit() {
    if (exited) {
      return;
    }
    exited = true;
    var seconds = Math.min(86400, Math.round((Date.now() - started) / 1000));
    send([event("page_exit", { duration: seconds })], true);
  }

  var scrollTimer = null;
  window.addEventListener(
    "scroll",
    function () {
      if (scrollTimer === null) {
        scrollTimer = window.setTimeout(function () {
          scrollTimer = null;
          onScroll();
        }, 250);
      }
    },
    { passive: true }
  );
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      onExit();
    }
  });
  window.addEventListener("pagehide", onExit);

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", pageView);
  } else {
    pageView();
  }
})();
