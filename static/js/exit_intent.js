/* Exit-intent offer (seed 3.1.6), once per browser session.
 *
 * Desktop: the mouse leaves the viewport through the top edge.
 * Mobile (coarse pointer): a fast scroll back up after reading at least 40% of the page, or
 * the back gesture (one history entry is added after 10 s; going back opens the offer, the
 * next back leaves as usual).
 * The offer is chosen by the server from this session's pages, time, scroll depth, referrer
 * and known profile; what the visitor does with it is reported back.
 */
(function () {
  "use strict";
  var root = document.getElementById("exit-intent");
  if (!root || !window.fetch) return;

  var SHOWN = "em_exit_shown", PAGES = "em_exit_pages", START = "em_exit_start", SID = "em_exit_sid";
  var store = null;
  try { store = window.sessionStorage; store.setItem("em_probe", "1"); store.removeItem("em_probe"); }
  catch (e) { store = null; }
  function get(k) { return store ? store.getItem(k) : null; }
  function set(k, v) { if (store) store.setItem(k, v); }
  // Without sessionStorage we cannot promise "once per session": stay silent.
  if (!store) return;

  var pages = [];
  try { pages = JSON.parse(get(PAGES) || "[]"); } catch (e) { pages = []; }
  if (pages[pages.length - 1] !== location.pathname) pages.push(location.pathname);
  pages = pages.slice(-20);
  set(PAGES, JSON.stringify(pages));
  if (!get(START)) set(START, String(Date.now()));
  if (!get(SID)) set(SID, Math.random().toString(36).slice(2) + Date.now().toString(36));

  var maxScroll = 0;
  function scrollDepth() {
    var doc = document.documentElement;
    var total = Math.max(doc.scrollHeight - window.innerHeight, 1);
    return Math.min(100, Math.round((window.scrollY / total) * 100));
  }
  window.addEventListener("scroll", function () { maxScroll = Math.max(maxScroll, scrollDepth()); }, { passive: true });

  var offerId = null, busy = false, lastFocus = null;
  var coarse = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;

  function q(sel) { return root.querySelector(sel); }

  function report(outcome) {
    if (!offerId) return;
    fetch("/api/offers/exit-intent/" + offerId + "/outcome", {
      method: "POST", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ outcome: outcome }), credentials: "same-origin", keepalive: true
    }).catch(function () {});
  }

  function show(offer) {
    offerId = offer.id;
    q("[data-exit-title]").textContent = offer.title;
    q("[data-exit-text]").textContent = offer.description;
    var cta = q("[data-exit-cta]"), form = q("[data-exit-newsletter]");
    if (offer.offer === "newsletter") {
      cta.hidden = true; form.hidden = false;
      q("[data-exit-submit]").textContent = offer.cta_label;
    } else {
      form.hidden = true; cta.hidden = false;
      cta.textContent = offer.cta_label;
      cta.setAttribute("href", offer.cta_url.charAt(0) === "/" ? offer.cta_url : "/");
    }
    root.setAttribute("data-offer", offer.offer);
    lastFocus = document.activeElement;
    root.hidden = false;
    q(".exit-intent__panel").focus();
  }

  function hide(outcome) {
    if (root.hidden) return;
    root.hidden = true;
    if (outcome) report(outcome);
    if (lastFocus && lastFocus.focus) lastFocus.focus();
  }

  function trigger(how) {
    if (busy || get(SHOWN)) return;
    busy = true;
    set(SHOWN, how);
    var params = new URLSearchParams({
      pages: pages.join(","),
      seconds: String(Math.round((Date.now() - Number(get(START) || Date.now())) / 1000)),
      scroll: String(Math.max(maxScroll, scrollDepth())),
      referrer: document.referrer || "",
      session_id: get(SID) || "",
      device: coarse ? "mobile" : "desktop"
    });
    fetch(root.getAttribute("data-endpoint") + "?" + params.toString(), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (offer) { if (offer && offer.id) show(offer); })
      .catch(function () {});
  }

  // Desktop: leaving through the top of the viewport (towards tabs / address bar).
  document.addEventListener("mouseout", function (e) {
    if (e.relatedTarget || e.toElement) return;
    if (e.clientY <= 0) trigger("mouse_leave");
  });

  // Mobile: fast scroll-up after reading, and the back gesture.
  if (coarse) {
    var lastY = window.scrollY, lastT = Date.now(), readEnough = false;
    window.addEventListener("scroll", function () {
      var now = Date.now(), y = window.scrollY;
      if (scrollDepth() >= 40) readEnough = true;
      var speed = (lastY - y) / Math.max(now - lastT, 1); // px per ms, upwards
      if (readEnough && speed > 1.5 && y < lastY) trigger("scroll_up");
      lastY = y; lastT = now;
    }, { passive: true });
    if (window.history && history.pushState && !get(SHOWN)) {
      setTimeout(function () {
        if (get(SHOWN)) return;
        history.pushState({ emExit: true }, "");
        window.addEventListener("popstate", function onPop() {
          window.removeEventListener("popstate", onPop);
          trigger("back");
        });
      }, 10000);
    }
  }

  root.addEventListener("click", function (e) {
    if (e.target === root || e.target.closest("[data-exit-close]")) hide("dismissed");
  });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") hide("dismissed"); });
  q("[data-exit-cta]").addEventListener("click", function () { report("accepted"); });

  q("[data-exit-newsletter]").addEventListener("submit", function (e) {
    e.preventDefault();
    var email = q("#exit-intent-email").value.trim();
    var error = q("[data-exit-error]");
    error.hidden = true;
    fetch(root.getAttribute("data-subscribe"), {
      method: "POST", headers: { "Content-Type": "application/json" }, credentials: "same-origin",
      body: JSON.stringify({ email: email, newsletters: ["tech-insights"], page_url: location.href })
    }).then(function (r) {
      if (r.status === 202) {
        q("[data-exit-newsletter]").hidden = true;
        q("[data-exit-done]").hidden = false;
        report("converted");
      } else {
        error.textContent = "Please enter a valid email address.";
        error.hidden = false;
      }
    }).catch(function () { error.textContent = "Something went wrong; please try again."; error.hidden = false; });
  });
})();
