/* EmenTech chat widget: WebSocket client for /ws/chat/{conversation_id}.
 *
 * Model output is only ever set with textContent (never innerHTML); source links are
 * built element by element and only for http(s) or same-site URLs; no remote images.
 * The conversation id is kept in localStorage so history survives page loads, with the
 * owner token the server gives this browser in "joined": only a join that shows it (or the
 * browser's own cookies) is let into an existing conversation. A refused join ("forbidden"
 * error, close code 4403) forgets both and starts a new conversation.
 */
(function () {
  "use strict";
  var root = document.getElementById("em-chat");
  if (!root || !window.WebSocket) { return; }

  var STORE_ID = "em_chat_id";
  var STORE_TOKEN = "em_chat_token";
  var STORE_SEEN = "em_chat_seen";
  var $ = function (sel) { return root.querySelector(sel); };
  var launcher = $("[data-chat-open]");
  var panel = $("#em-chat-panel");
  var log = $("[data-chat-log]");
  var form = $("[data-chat-form]");
  var input = $("[data-chat-input]");
  var sendBtn = $("[data-chat-send]");
  var count = $("[data-chat-count]");
  var errorBox = $("[data-chat-error]");
  var typing = $("[data-chat-typing]");
  var statusLine = $("[data-chat-status]");
  var consentBox = $("[data-chat-consent]");
  var consentText = $("[data-chat-consent-text]");
  var confirmBox = $("[data-chat-confirm]");
  var confirmQ = $("[data-chat-confirm-q]");
  var rateBox = $("[data-chat-rate]");
  var unread = $("[data-chat-unread]");
  var maxChars = parseInt(root.getAttribute("data-max-chars"), 10) || 4000;
  // On an event page the assistant can register the visitor in the chat (seed 3.1.3):
  // the server knows the event from the page the chat was opened on.
  if (document.querySelector("article[data-event-id]")) {
    var hello = log.querySelector(".em-chat-bot p");
    if (hello) {
      hello.textContent = "Hi! I can register you for this event right here: just say " +
        "\u201cregister me\u201d. Or ask me anything about AI for your business.";
    }
  }

  var ws = null;
  var ready = false;
  var queue = [];
  var current = null;      // the assistant bubble being streamed
  var currentText = "";
  var pendingAction = null;
  var typingTimer = null;
  var sentTyping = false;
  var replies = 0;

  function storage(key, value) {
    try {
      if (value === undefined) { return window.localStorage.getItem(key); }
      if (value === null) { window.localStorage.removeItem(key); } else { window.localStorage.setItem(key, value); }
    } catch (e) { return null; }
    return null;
  }

  function safeHref(url) {
    if (typeof url !== "string" || !url) { return null; }
    try {
      var u = new URL(url, window.location.origin);
      if (u.protocol === "http:" || u.protocol === "https:") { return u.href; }
    } catch (e) { return null; }
    return null;
  }

  function scrollDown() { log.scrollTop = log.scrollHeight; }

  function bubble(role, text, who) {
    var div = document.createElement("div");
    div.className = "em-chat-msg " + (role === "user" ? "em-chat-user" : "em-chat-bot");
    if (who) {
      var label = document.createElement("span");
      label.className = "em-chat-who";
      label.textContent = who;
      div.appendChild(label);
    }
    var p = document.createElement("p");
    p.textContent = text || "";
    div.appendChild(p);
    log.appendChild(div);
    scrollDown();
    return div;
  }

  function addSources(div, sources) {
    if (!sources || !sources.length) { return; }
    var list = document.createElement("ul");
    list.className = "em-chat-sources";
    list.setAttribute("aria-label", "Sources");
    sources.forEach(function (s) {
      var href = safeHref(s.url);
      var li = document.createElement("li");
      var tag = "[Source " + s.n + "] ";
      if (href) {
        var a = document.createElement("a");
        a.href = href;
        a.textContent = tag + (s.title || href);
        a.rel = "noopener";
        li.appendChild(a);
      } else {
        li.textContent = tag + (s.title || "");
      }
      list.appendChild(li);
    });
    div.appendChild(list);
    scrollDown();
  }

  function setError(msg) { errorBox.textContent = msg || ""; }
  function showTyping(on) { typing.hidden = !on; if (on) { scrollDown(); } }

  function markUnread() {
    if (panel.hidden) { unread.hidden = false; }
  }

  // --- connection ---------------------------------------------------------------------------

  function connect() {
    if (ws && (ws.readyState === 0 || ws.readyState === 1)) { return; }
    var id = storage(STORE_ID) || "new";
    var proto = window.location.protocol === "https:" ? "wss://" : "ws://";
    ws = new WebSocket(proto + window.location.host + root.getAttribute("data-ws-path") + id);
    ready = false;
    ws.onopen = function () {
      var tz = "";
      try { tz = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (err) { tz = ""; }
      var join = { type: "join", page_url: window.location.pathname, timezone: tz };
      var token = storage(STORE_TOKEN);
      if (token && id !== "new") { join.token = token; }
      ws.send(JSON.stringify(join));
    };
    ws.onmessage = function (e) {
      var data;
      try { data = JSON.parse(e.data); } catch (err) { return; }
      handle(data);
    };
    ws.onclose = function (e) {
      ready = false;
      if (e && e.code === 4403) { storage(STORE_ID, null); storage(STORE_TOKEN, null); }
      statusLine.textContent = "Reconnecting…";
      if (!panel.hidden || !root.classList.contains("em-chat-closed")) {
        window.setTimeout(function () { if (!root.classList.contains("em-chat-closed")) { connect(); } }, 2000);
      }
    };
  }

  function send(obj) {
    if (ready && ws && ws.readyState === 1) { ws.send(JSON.stringify(obj)); } else { queue.push(obj); connect(); }
  }

  function handle(ev) {
    switch (ev.type) {
      case "joined":
        ready = true;
        storage(STORE_ID, ev.conversation_id);
        if (ev.token) { storage(STORE_TOKEN, ev.token); }
        root.setAttribute("data-conversation-id", ev.conversation_id);
        statusLine.textContent = ev.status === "escalated" ? "A person from our team is with you" : "Typically replies instantly";
        if (ev.consent) { consentBox.checked = true; consentBox.disabled = true; }
        if (ev.history && ev.history.length && !log.getAttribute("data-loaded")) {
          log.setAttribute("data-loaded", "1");
          ev.history.forEach(function (m) {
            var div = bubble(m.role, m.content, m.source === "human" ? "EmenTech team" : null);
            addSources(div, m.sources);
          });
        }
        if (ev.pending && ev.pending.action_id) { askConfirm(ev.pending.action_id, "Book " + ev.pending.slot.label + "?"); }
        while (queue.length) { ws.send(JSON.stringify(queue.shift())); }
        break;
      case "typing":
        if (ev.who !== "visitor") { showTyping(!!ev.is_typing); }
        break;
      case "token":
        showTyping(false);
        if (!current) { current = bubble("assistant", ""); currentText = ""; }
        currentText += ev.text;
        current.querySelector("p").textContent = currentText;
        scrollDown();
        break;
      case "reset":
        if (current) { currentText = ""; current.querySelector("p").textContent = ""; }
        break;
      case "sources":
        if (current) { addSources(current, ev.sources); }
        break;
      case "confirm":
        askConfirm(ev.action_id, ev.prompt);
        break;
      case "slots":
        showSlots(ev.slots || []);
        break;
      case "booked":
      case "held":
        hideConfirm();
        break;
      case "handoff":
        statusLine.textContent = "A person from our team is joining";
        break;
      case "message":
        if (ev.message && ev.message.role === "assistant") {
          showTyping(false);
          bubble("assistant", ev.message.content, ev.message.source === "human" ? "EmenTech team" : null);
          markUnread();
        }
        break;
      case "done":
        showTyping(false);
        if (current) { replies += 1; markUnread(); }
        current = null;
        sendBtn.disabled = false;
        if (replies >= 2) { rateBox.hidden = false; }
        break;
      case "consent":
        consentBox.checked = true;
        consentBox.disabled = true;
        break;
      case "rated":
        rateBox.textContent = "Thanks for your feedback!";
        break;
      case "error":
        if (ev.code === "forbidden") { storage(STORE_ID, null); storage(STORE_TOKEN, null); break; }
        if (ev.code === "rate_limited" && !ready && ev.retry_after) {
          // A new conversation was refused for now: join again when the limit resets.
          window.setTimeout(function () { if (ws) { ws.close(); } }, ev.retry_after * 1000);
        }
        showTyping(false);
        current = null;
        sendBtn.disabled = false;
        setError(ev.error || "Something went wrong.");
        break;
      default:
        break;
    }
  }

  // --- offered demo times: a click books the time -------------------------------------------

  function showSlots(slots) {
    var old = log.querySelector(".em-chat-slots");
    if (old) { old.remove(); }
    if (!slots.length) { return; }
    var box = document.createElement("div");
    box.className = "em-chat-slots";
    slots.forEach(function (slot) {
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "em-chat-slot";
      btn.setAttribute("data-slot-id", slot.id);
      btn.textContent = slot.label;
      btn.addEventListener("click", function () {
        box.remove();
        bubble("user", slot.label);
        send({ type: "pick_slot", slot_id: slot.id });
      });
      box.appendChild(btn);
    });
    log.appendChild(box);
    scrollDown();
  }

  // --- confirmations ------------------------------------------------------------------------

  function askConfirm(actionId, prompt) {
    pendingAction = actionId;
    confirmQ.textContent = prompt || "Confirm?";
    confirmBox.hidden = false;
    confirmBox.querySelector("[data-chat-confirm-yes]").focus();
  }
  function hideConfirm() { confirmBox.hidden = true; pendingAction = null; }
  $("[data-chat-confirm-yes]").addEventListener("click", function () {
    if (pendingAction) { send({ type: "confirm", action_id: pendingAction, accept: true }); }
    hideConfirm();
  });
  $("[data-chat-confirm-no]").addEventListener("click", function () {
    if (pendingAction) { send({ type: "confirm", action_id: pendingAction, accept: false }); }
    hideConfirm();
  });

  // --- composing ----------------------------------------------------------------------------

  function updateCount() {
    count.textContent = input.value.length + " / " + maxChars;
  }
  input.addEventListener("input", function () {
    updateCount();
    if (!sentTyping) { send({ type: "typing", is_typing: true }); sentTyping = true; }
    window.clearTimeout(typingTimer);
    typingTimer = window.setTimeout(function () {
      send({ type: "typing", is_typing: false }); sentTyping = false;
    }, 2500);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit ? form.requestSubmit() : submit(e); }
  });
  function submit(e) {
    if (e) { e.preventDefault(); }
    var text = input.value.trim();
    setError("");
    if (!text) { return; }
    if (text.length > maxChars) { setError("Please keep messages under " + maxChars + " characters."); return; }
    bubble("user", text);
    input.value = "";
    updateCount();
    sendBtn.disabled = true;
    showTyping(true);
    if (sentTyping) { send({ type: "typing", is_typing: false }); sentTyping = false; }
    send({ type: "message", content: text });
  }
  form.addEventListener("submit", submit);

  consentBox.addEventListener("change", function () {
    if (consentBox.checked) {
      send({ type: "consent", granted: true, wording: consentText.textContent.trim(), page_url: window.location.pathname });
    }
  });

  rateBox.addEventListener("click", function (e) {
    var btn = e.target.closest("[data-rate]");
    if (btn) { send({ type: "rate", rating: parseInt(btn.getAttribute("data-rate"), 10) }); }
  });

  // --- open, minimise, close ----------------------------------------------------------------

  // ``takeFocus`` only when the visitor asked for the chat; opening by itself never moves
  // the keyboard focus away from what they are doing.
  function open(takeFocus) {
    root.classList.remove("em-chat-closed");
    panel.hidden = false;
    unread.hidden = true;
    launcher.setAttribute("aria-expanded", "true");
    root.classList.add("em-chat-open");
    storage(STORE_SEEN, "1");
    connect();
    if (takeFocus !== false) { input.focus(); }
  }
  function minimise() {
    panel.hidden = true;
    root.classList.remove("em-chat-open");
    launcher.setAttribute("aria-expanded", "false");
    launcher.focus();
  }
  function close() {
    minimise();
    root.classList.add("em-chat-closed");
    if (ws) { ws.close(); ws = null; }
  }
  launcher.addEventListener("click", function () { if (panel.hidden) { open(true); } else { minimise(); } });
  // "Book a demo" and similar calls to action: open the chat with the request typed in.
  document.addEventListener("click", function (e) {
    var cta = e.target.closest ? e.target.closest("[data-open-chat]") : null;
    if (!cta) { return; }
    e.preventDefault();
    open(true);
    var text = cta.getAttribute("data-open-chat");
    if (text && !input.value) { input.value = text; updateCount(); }
  });
  $("[data-chat-minimise]").addEventListener("click", minimise);
  $("[data-chat-close]").addEventListener("click", close);
  panel.addEventListener("keydown", function (e) { if (e.key === "Escape") { minimise(); } });

  // The invitation opens the chat once, after a delay — but never while the visitor is
  // filling in a form (focus in a field, or typing in the last 15 s), never on a phone-sized
  // screen (it would cover the page), and without taking the focus.
  var lastTyped = 0;
  document.addEventListener("input", function (e) {
    if (!root.contains(e.target)) { lastTyped = Date.now(); }
  }, true);
  function busyInForm() {
    var el = document.activeElement;
    if (el && !root.contains(el) && (/^(INPUT|TEXTAREA|SELECT)$/.test(el.tagName) || el.isContentEditable)) {
      return true;
    }
    return Date.now() - lastTyped < 15000;
  }
  var delay = parseInt(root.getAttribute("data-open-delay"), 10) || 0;
  function invite() {
    if (!panel.hidden || root.classList.contains("em-chat-closed") || storage(STORE_SEEN)) { return; }
    if (window.innerWidth < 700) { return; }
    if (busyInForm()) { window.setTimeout(invite, 5000); return; }
    open(false);
  }
  if (delay > 0 && !storage(STORE_SEEN)) {
    window.setTimeout(invite, delay * 1000);
  }
  if (storage(STORE_ID) && storage(STORE_SEEN)) {
    root.setAttribute("data-has-conversation", "1");
  }
})();
