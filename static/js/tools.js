/* Tools pages: smart form fill (seed 3.1.2).
 *
 * Any form with [data-smart-fill] gets: a sentence box, a button that asks
 * POST /api/forms/extract, a confirmation panel listing what was understood, and - only
 * when the visitor clicks "Use these" - the values copied into the form's fields named
 * role, company_size and industry. Nothing is saved until the form itself is submitted.
 */
(function () {
  "use strict";
  var LABELS = { role: "Role", company_size: "Company size", industry: "Industry" };

  function setField(form, name, value) {
    var field = form.querySelector('[name="' + name + '"]');
    if (!field) return;
    if (field.tagName === "SELECT") {
      for (var i = 0; i < field.options.length; i++) {
        if (field.options[i].value === value) { field.value = value; return; }
      }
      return;
    }
    field.value = value;
  }

  function wire(form) {
    var input = form.querySelector("[data-smart-fill-input]");
    var run = form.querySelector("[data-smart-fill-run]");
    var panel = form.querySelector("[data-smart-fill-confirm]");
    var list = form.querySelector("[data-smart-fill-list]");
    if (!input || !run || !panel || !list) return;
    var pending = null;

    run.addEventListener("click", function () {
      var text = input.value.trim();
      if (!text) { input.focus(); return; }
      run.disabled = true;
      fetch("/api/forms/extract", {
        method: "POST", headers: { "Content-Type": "application/json" },
        credentials: "same-origin", body: JSON.stringify({ text: text })
      }).then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          run.disabled = false;
          list.textContent = "";
          pending = data && data.fields ? data.fields : {};
          var shown = 0;
          Object.keys(LABELS).forEach(function (key) {
            if (!pending[key]) return;
            var li = document.createElement("li");
            li.textContent = LABELS[key] + ": " + ((data.labels && data.labels[key]) || pending[key]);
            list.appendChild(li);
            shown++;
          });
          if (!shown) {
            var li = document.createElement("li");
            li.textContent = "Nothing we could use - please fill in the fields below.";
            list.appendChild(li);
          }
          panel.hidden = false;
          form.querySelector("[data-smart-fill-accept]").hidden = !shown;
        })
        .catch(function () { run.disabled = false; });
    });

    form.querySelector("[data-smart-fill-accept]").addEventListener("click", function () {
      if (!pending) return;
      Object.keys(LABELS).forEach(function (key) { if (pending[key]) setField(form, key, pending[key]); });
      panel.hidden = true;
    });
    form.querySelector("[data-smart-fill-reject]").addEventListener("click", function () {
      pending = null;
      panel.hidden = true;
    });
  }

  document.querySelectorAll("form[data-smart-fill]").forEach(wire);
})();
