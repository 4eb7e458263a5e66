/* Events: progressive enhancement only — the page works without it.
   1. Shows event times in the visitor's own time zone next to the event's.
   2. Submits the registration form to the JSON API and shows the answer in place;
      on any network problem it falls back to the normal form post. */
(function () {
  "use strict";

  // "Your time" goes on its own line after the event's own time and zone, and only when
  // the visitor's clock differs from the event's.
  document.querySelectorAll("time[data-local-time]").forEach(function (el) {
    var when = new Date(el.getAttribute("datetime"));
    if (isNaN(when.getTime()) || !window.Intl) { return; }
    var opts = { weekday: "short", day: "numeric", month: "short", hour: "2-digit", minute: "2-digit" };
    var local = new Intl.DateTimeFormat(undefined, opts).format(when);
    var zoneEl = el.parentElement.querySelector(".event-tz");
    var zone = zoneEl ? zoneEl.textContent.replace(/[()\s]/g, "") : "";
    try {
      if (zone && new Intl.DateTimeFormat(undefined, Object.assign({ timeZone: zone }, opts)).format(when) === local) { return; }
    } catch (e) { /* unknown zone name: show the hint */ }
    var named = new Intl.DateTimeFormat(undefined, Object.assign({ timeZoneName: "short" }, opts)).format(when);
    var hint = document.createElement("span");
    hint.className = "event-local-time";
    hint.textContent = "Your time: " + named;
    el.parentElement.appendChild(hint);
  });

  var form = document.querySelector("form[data-register-api]");
  if (!form || !window.fetch) { return; }
  var statusEl = form.querySelector(".event-form-status");

  function show(message, isError) {
    if (!statusEl) { return; }
    statusEl.hidden = false;
    statusEl.textContent = message;
    statusEl.classList.toggle("is-error", !!isError);
  }

  function clearErrors() {
    form.querySelectorAll(".js-error").forEach(function (el) { el.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
  }

  function fieldError(name, messages) {
    var input = form.elements[name];
    if (!input || !input.parentNode) { return false; }
    var p = document.createElement("p");
    p.className = "error js-error";
    p.id = (input.id || name) + "-js-error";
    p.textContent = messages.join(" ");
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", p.id);
    input.parentNode.appendChild(p);
    return true;
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearErrors();
    var data = { consent: {} };
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken") { return; }
      if (el.name === "consent_data_processing") { data.consent.data_processing = el.checked; return; }
      if (el.name === "consent_marketing") { data.consent.marketing = el.checked; return; }
      if (el.type === "checkbox") { data[el.name] = el.checked; return; }
      if (el.value) { data[el.name] = el.value; }
    });
    data.consent.data_processing = !!data.consent.data_processing;
    var label = form.querySelector("label[for='id_consent_data_processing']");
    data.consent.wording = label ? label.textContent.trim() : "";
    data.consent.page_url = window.location.href.split("#")[0];
    if (!data.consent.data_processing) {
      fieldError("consent_data_processing", ["We need your consent to register you."]);
      show("Please check the highlighted fields.", true);
      return;
    }
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; }
    show("Registering…", false);
    fetch(form.getAttribute("data-register-api"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(data)
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      if (button) { button.disabled = false; }
      if (result.status === 201 || result.status === 202) {
        // The form is replaced by the confirmation (nothing left to submit twice).
        var done = document.createElement("div");
        done.className = "card notice event-confirmed";
        done.id = "registration-confirmed";
        done.setAttribute("role", "status");
        done.tabIndex = -1;
        var title = document.createElement("p");
        title.className = "event-confirmed-title";
        var strong = document.createElement("strong");
        strong.textContent = result.status === 202 ? "You're on the list" : "You're registered";
        title.appendChild(strong);
        var text = document.createElement("p");
        text.textContent = result.body.message || "Check your inbox for the confirmation and calendar invite.";
        done.appendChild(title);
        done.appendChild(text);
        var heading = document.getElementById("register-heading");
        if (heading) { heading.textContent = strong.textContent; }
        form.replaceWith(done);
        done.focus();
        return;
      }
      var details = (result.body && result.body.details) || {};
      Object.keys(details).forEach(function (name) { fieldError(name, [].concat(details[name])); });
      show((result.body && result.body.error) || "Something went wrong. Please try again.", true);
    }).catch(function () {
      // Network or parsing failure: let the browser post the form normally.
      form.removeAttribute("data-register-api");
      HTMLFormElement.prototype.submit.call(form);
    });
  });
})();
