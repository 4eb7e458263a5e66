/* Gated-resource download form: posts JSON to the content API and shows the signed link.
   Loaded with `defer`; no inline scripts (CSP script-src 'self'). */
(function () {
  "use strict";

  function showErrors(form, details) {
    form.querySelectorAll("[data-error-for]").forEach(function (el) {
      var messages = details[el.getAttribute("data-error-for")];
      el.textContent = messages ? messages.join(" ") : "";
      el.hidden = !messages;
    });
  }

  function onSubmit(event) {
    var form = event.currentTarget;
    event.preventDefault();
    var status = form.querySelector(".download__status");
    var button = form.querySelector("button[type=submit]");
    var body = {};
    form.querySelectorAll("input[name], select[name]").forEach(function (input) {
      if (input.type === "checkbox") { return; }
      if (input.value.trim()) { body[input.name] = input.value.trim(); }
    });
    var consent = form.querySelector("[name=consent_data_processing]");
    if (consent) {
      var marketing = form.querySelector("[name=consent_marketing]");
      body.consent = {
        data_processing: consent.checked,
        marketing: !!(marketing && marketing.checked),
        wording: consent.labels && consent.labels[0] ? consent.labels[0].textContent.trim() : ""
      };
    }
    button.disabled = true;
    status.textContent = "Preparing your download…";
    fetch(form.getAttribute("data-endpoint"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (result) {
      button.disabled = false;
      if (!result.ok) {
        showErrors(form, (result.data && result.data.details) || {});
        status.textContent = (result.data && result.data.error) || "Something went wrong.";
        return;
      }
      showErrors(form, {});
      status.textContent = "";
      var link = document.createElement("a");
      link.href = result.data.download_url;
      link.textContent = "Download now";
      status.appendChild(link);
      if (result.data.emailed) {
        status.appendChild(document.createTextNode(" — we have also emailed you the link."));
      }
    }).catch(function () {
      button.disabled = false;
      status.textContent = "Network error — please try again.";
    });
  }

  document.querySelectorAll("[data-download-form]").forEach(function (form) {
    form.addEventListener("submit", onSubmit);
  });
})();
