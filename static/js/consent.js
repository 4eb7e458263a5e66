/* Consent banner (privacy app): first-party cookie em_consent, no inline script (CSP).
 *
 * The banner is a plain form that works without JavaScript (POST /privacy/consent). With
 * JavaScript the choice is stored at once in the em_consent cookie, sent to
 * POST /api/privacy/consent (which records it for a known visitor or lead), and announced
 * as a document event "em:consent" with {analytics, marketing}. Other scripts ask
 * window.emConsent.analytics() before tracking. Footer "Cookie settings" ([data-open-consent])
 * reopens the banner so withdrawing is as easy as giving.
 */
(function () {
  "use strict";
  var COOKIE = "em_consent";
  var MAX_AGE = 180 * 24 * 3600;
  var banner = document.getElementById("consent-banner");
  var signal = banner ? banner.getAttribute("data-signal") === "1" : false;
  if (navigator.globalPrivacyControl === true || navigator.doNotTrack === "1") {
    signal = true;
  }

  function readCookie() {
    var parts = document.cookie ? document.cookie.split("; ") : [];
    for (var i = 0; i < parts.length; i++) {
      if (parts[i].indexOf(COOKIE + "=") === 0) {
        var m = /^1\.a([01])\.m([01])$/.exec(parts[i].slice(COOKIE.length + 1));
        if (m) { return { analytics: m[1] === "1", marketing: m[2] === "1" }; }
      }
    }
    return null;
  }

  function writeCookie(choice) {
    var value = "1.a" + (choice.analytics ? 1 : 0) + ".m" + (choice.marketing ? 1 : 0);
    var secure = location.protocol === "https:" ? "; Secure" : "";
    document.cookie = COOKIE + "=" + value + "; Max-Age=" + MAX_AGE + "; Path=/; SameSite=Lax" + secure;
  }

  function current() {
    var saved = readCookie();
    return {
      decided: saved !== null,
      analytics: !!(saved && saved.analytics && !signal),
      marketing: !!(saved && saved.marketing && !signal),
      signal: signal
    };
  }

  window.emConsent = {
    analytics: function () { return current().analytics; },
    marketing: function () { return current().marketing; },
    state: current
  };

  if (!banner) { return; }
  var form = banner.querySelector("form");
  var boxes = {
    analytics: banner.querySelector('[data-consent-category="analytics"]'),
    marketing: banner.querySelector('[data-consent-category="marketing"]')
  };
  var opener = null;

  function sync() {
    var saved = readCookie() || { analytics: false, marketing: false };
    if (boxes.analytics) { boxes.analytics.checked = saved.analytics; }
    if (boxes.marketing) { boxes.marketing.checked = saved.marketing; }
  }

  function open(trigger) {
    opener = trigger || null;
    sync();
    banner.hidden = false;
    var title = banner.querySelector("#consent-title");
    if (title) { title.focus(); }
  }

  function close() {
    banner.hidden = true;
    if (opener && opener.focus) { opener.focus(); }
    opener = null;
  }

  function csrfToken() {
    var field = form ? form.querySelector('input[name="csrfmiddlewaretoken"]') : null;
    return field ? field.value : "";
  }

  function save(choice) {
    writeCookie(choice);
    close();
    document.dispatchEvent(new CustomEvent("em:consent", {
      detail: { analytics: choice.analytics && !signal, marketing: choice.marketing && !signal }
    }));
    if (!window.fetch) { return Promise.resolve(); }
    return fetch("/api/privacy/consent", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify({
        analytics: choice.analytics,
        marketing: choice.marketing,
        page_url: location.pathname
      })
    }).catch(function () { /* the cookie already holds the choice */ });
  }

  banner.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-consent]") : null;
    if (!button) { return; }
    event.preventDefault();
    var action = button.getAttribute("data-consent");
    var choice;
    if (action === "accept_all") {
      choice = { analytics: true, marketing: true };
    } else if (action === "reject_all") {
      choice = { analytics: false, marketing: false };
    } else {
      choice = {
        analytics: !!(boxes.analytics && boxes.analytics.checked),
        marketing: !!(boxes.marketing && boxes.marketing.checked)
      };
    }
    save(choice);
  });

  banner.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && readCookie() !== null) { close(); }
  });

  document.addEventListener("click", function (event) {
    var trigger = event.target.closest ? event.target.closest("[data-open-consent]") : null;
    if (trigger) {
      event.preventDefault();
      open(trigger);
    }
  });
})();
