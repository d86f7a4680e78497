/* Sales Coach chat widget. Plain JavaScript, no build step, no dependencies.
 * Usage: <script src="https://coach.example.com/widget.js"></script>
 *        <script>SalesCoach.boot({token: "...", onTokenExpired: async () => newToken})</script>
 * Everything the rep or the model wrote is put on screen with textContent, never as HTML.
 */
(function () {
  "use strict";
  if (window.SalesCoach && window.SalesCoach.version) return;

  var SCRIPT = document.currentScript;
  var DEFAULT_BASE = SCRIPT && SCRIPT.src ? new URL(SCRIPT.src, location.href).origin : location.origin;
  var KINDS = [["action", "Action"], ["keep", "Keep doing"], ["create", "Start doing"], ["drop", "Stop doing"]];
  var VISIBILITY = {
    full: "Your manager will see this conversation, the summary and your commitments.",
    summary: "Your manager will see only the summary and commitments you confirm, not this conversation."
  };

  /* ---------- small DOM helpers: text always goes in as text ---------- */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child) node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  function icon(path, label) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var p = document.createElementNS(ns, "path");
    p.setAttribute("d", path);
    svg.appendChild(p);
    return label ? el("span", {class: "icon"}, [svg, el("span", {class: "sr", text: label})]) : svg;
  }
  var ICONS = {
    chat: "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z",
    close: "M6 6l12 12M18 6L6 18",
    send: "M4 12l16-8-6 16-2-6-8-2z"
  };

  function uid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "m" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function contrastText(hex) {
    var m = /^#?([0-9a-f]{6})$/i.exec(hex || "");
    if (!m) return "#fff";
    var n = parseInt(m[1], 16), r = n >> 16, g = (n >> 8) & 255, b = n & 255;
    return (0.299 * r + 0.587 * g + 0.114 * b) > 165 ? "#111827" : "#ffffff";
  }

  /* ---------- the API client: bearer token, one refresh on 401, SSE over fetch ---------- */
  function ApiError(status, code, message, retryable) {
    this.status = status; this.code = code; this.message = message; this.retryable = retryable;
  }

  function Client(options) {
    this.base = (options.apiBase || DEFAULT_BASE).replace(/\/+$/, "");
    this.token = options.token;
    this.onTokenExpired = options.onTokenExpired;
  }

  Client.prototype.send = async function (method, path, body, accept, refreshed) {
    var headers = {Authorization: "Bearer " + this.token, Accept: accept || "application/json"};
    if (body !== undefined) headers["Content-Type"] = "application/json";
    var response;
    try {
      response = await fetch(this.base + "/api/v1" + path, {
        method: method, headers: headers, mode: "cors", credentials: "omit",
        body: body === undefined ? undefined : JSON.stringify(body)
      });
    } catch (e) {
      throw new ApiError(0, "network", "The coach can't be reached from this page right now.", true);
    }
    if (response.status === 401 && this.onTokenExpired && !refreshed) {
      var fresh = null;
      try { fresh = await this.onTokenExpired(); } catch (e) { fresh = null; }
      if (fresh) {
        this.token = fresh;
        return this.send(method, path, body, accept, true);
      }
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  };

  async function errorOf(response) {
    var message = "Something went wrong (" + response.status + ").", code = "error";
    try {
      var data = await response.json();
      if (data && data.error) { message = data.error.message || message; code = data.error.code || code; }
    } catch (e) { /* not JSON */ }
    if (response.status === 401) message = "Your sign-in to the coach has expired. Reload the page to continue.";
    return new ApiError(response.status, code, message, response.status >= 500 || response.status === 429);
  }

  Client.prototype.json = async function (method, path, body) {
    var response = await this.send(method, path, body);
    return response.status === 204 ? null : response.json();
  };

  /* Reads an SSE body, calling handlers[event](data) for each complete event. */
  Client.prototype.stream = async function (path, body, handlers) {
    var response = await this.send("POST", path, body, "text/event-stream");
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("text/event-stream") !== 0 || !response.body) {
      var data = await response.json();
      handlers.done && handlers.done(data.reply || data);
      return;
    }
    var reader = response.body.getReader(), decoder = new TextDecoder(), buffer = "";
    for (;;) {
      var chunk;
      try { chunk = await reader.read(); } catch (e) {
        throw new ApiError(0, "network", "The connection dropped while the coach was answering.", true);
      }
      if (chunk.done) break;
      buffer += decoder.decode(chunk.value, {stream: true}).replace(/\r\n?/g, "\n");
      var cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        dispatch(buffer.slice(0, cut), handlers);
        buffer = buffer.slice(cut + 2);
      }
    }
    if (buffer.trim()) dispatch(buffer, handlers);
  };

  function dispatch(block, handlers) {
    var event = "message", data = [];
    block.split("\n").forEach(function (line) {
      if (line.indexOf("event:") === 0) event = line.slice(6).trim();
      else if (line.indexOf("data:") === 0) data.push(line.slice(5).replace(/^ /, ""));
    });
    if (!data.length || !handlers[event]) return;
    var payload;
    try { payload = JSON.parse(data.join("\n")); } catch (e) { payload = {text: data.join("\n")}; }
    handlers[event](payload);
  }

  /* A constructed style sheet is not an inline style to Content-Security-Policy, so host pages
   * need no style-src 'unsafe-inline' for the widget; browsers without them get a <style>. */
  function adoptStyles(root) {
    if ("adoptedStyleSheets" in root && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      try {
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(STYLES);
        root.adoptedStyleSheets = [sheet];
        return;
      } catch (e) { /* fall back below */ }
    }
    root.appendChild(el("style", {text: STYLES}));
  }

  /* ---------- the widget ---------- */
  function Widget(options) {
    this.options = options;
    this.client = new Client(options);
    this.storeKey = "salescoach:" + this.client.base;
    this.state = {view: "loading", session: null, modes: [], me: null, pending: null, busy: false};
    this.build();
  }

  Widget.prototype.build = function () {
    var o = this.options, self = this;
    this.host = el("div", {id: "salescoach-widget", "data-salescoach": "widget"});
    var root = this.host.attachShadow({mode: "open"});
    var color = /^#[0-9a-f]{3,8}$/i.test(o.color || "") ? o.color : "#0b5cad";
    this.host.style.setProperty("--sc-accent", color);
    this.host.style.setProperty("--sc-on-accent", contrastText(color));
    adoptStyles(root);
    var side = o.position === "left" ? "left" : "right";
    var panelId = "sc-panel";
    this.launcher = el("button", {
      class: "launcher " + side, type: "button", "aria-expanded": "false", "aria-controls": panelId,
      "aria-label": "Open " + this.title(), onclick: function () { self.toggle(); }
    }, [icon(ICONS.chat), el("span", {class: "launcher-label", text: this.title()})]);
    this.titleNode = el("h2", {id: "sc-title", class: "title", text: this.title()});
    this.tagline = o.subtitle || "Your self-coaching space";
    this.subtitle = el("p", {class: "subtitle", text: this.tagline});
    this.closeButton = el("button", {class: "close", type: "button", "aria-label": "Close " + this.title(),
      onclick: function () { self.close(); }}, [icon(ICONS.close)]);
    this.body = el("div", {class: "body"});
    this.live = el("div", {class: "sr", "aria-live": "polite", role: "status"});
    this.alert = el("div", {class: "sr", "aria-live": "assertive", role: "alert"});
    this.panel = el("section", {
      id: panelId, class: "panel " + side, role: "dialog", "aria-modal": "false",
      "aria-labelledby": "sc-title", hidden: true,
      onkeydown: function (e) { if (e.key === "Escape") { e.preventDefault(); self.close(); } }
    }, [el("header", {class: "header"}, [el("div", {class: "heading"}, [this.titleNode, this.subtitle]),
      this.closeButton]), this.body, this.live, this.alert]);
    root.appendChild(this.launcher);
    root.appendChild(this.panel);
    document.body.appendChild(this.host);
    this.root = root;
  };

  Widget.prototype.title = function () { return this.options.title || "Coach"; };

  /* The open session is remembered per user: a host page that boots another user's token
     must not reach for the previous user's session. Only used after GET /me. */
  Widget.prototype.sessionKey = function () {
    return this.storeKey + ":user:" + (this.state.me ? this.state.me.id : "");
  };

  Widget.prototype.remember = function (data) {
    try {
      if (data) localStorage.setItem(this.sessionKey(), JSON.stringify(data));
      else localStorage.removeItem(this.sessionKey());
    } catch (e) { /* storage blocked: no resume, still usable */ }
  };

  Widget.prototype.recall = function () {
    try { return JSON.parse(localStorage.getItem(this.sessionKey()) || "null"); } catch (e) { return null; }
  };

  Widget.prototype.toggle = function () { if (this.panel.hidden) this.open(); else this.close(); };

  Widget.prototype.open = function () {
    this.panel.hidden = false;
    this.launcher.setAttribute("aria-expanded", "true");
    this.launcher.classList.add("is-open");
    try { sessionStorage.setItem(this.storeKey + ":open", "1"); } catch (e) { /* ignore */ }
    if (!this.started) { this.started = true; this.start(); } else this.focusFirst();
  };

  Widget.prototype.close = function () {
    this.panel.hidden = true;
    this.launcher.setAttribute("aria-expanded", "false");
    this.launcher.classList.remove("is-open");
    try { sessionStorage.removeItem(this.storeKey + ":open"); } catch (e) { /* ignore */ }
    this.launcher.focus();
  };

  Widget.prototype.focusFirst = function () {
    var target = this.body.querySelector("[data-autofocus]") ||
      this.body.querySelector("textarea, input, select, button");
    (target || this.closeButton).focus();
  };

  Widget.prototype.show = function (view, nodes) {
    this.state.view = view;
    this.panel.setAttribute("data-view", view);
    this.body.replaceChildren.apply(this.body, nodes);
    if (!this.panel.hidden) this.focusFirst();
  };

  Widget.prototype.announce = function (text, urgent) {
    var region = urgent ? this.alert : this.live;
    region.textContent = "";
    setTimeout(function () { region.textContent = text; }, 30);
  };

  Widget.prototype.problem = function (error, retry) {
    var self = this;
    this.show("problem", [el("div", {class: "empty"}, [
      el("p", {class: "problem", role: "alert", text: error.message || "Something went wrong."}),
      retry ? el("button", {class: "primary", type: "button", "data-autofocus": true, text: "Try again",
        onclick: function () { retry.call(self); }}) : null])]);
  };

  /* Resume the stored (or any active) session, else offer the mode picker. */
  Widget.prototype.start = async function () {
    this.show("loading", [el("div", {class: "empty"}, [el("div", {class: "spinner", "aria-hidden": "true"}),
      el("p", {text: "Loading…"})])]);
    try {
      this.state.me = await this.client.json("GET", "/me");
      var stored = this.recall(), session = null;
      if (stored && stored.session_id) {
        try { session = await this.client.json("GET", "/sessions/" + stored.session_id); } catch (e) {
          if (e.status !== 404 && e.status !== 403) throw e;
        }
      }
      if (!session || session.status === "confirmed") {
        var active = await this.client.json("GET", "/sessions?status=active&per_page=1");
        var item = active && active.items && active.items[0];
        session = item ? await this.client.json("GET", "/sessions/" + item.id) : null;
      }
      if (session && session.status === "active") this.chat(session);
      else if (session && session.status === "ended") this.review(session);
      else { this.remember(null); await this.picker(); }
    } catch (e) { this.problem(e, this.start); }
  };

  Widget.prototype.picker = async function () {
    var self = this;
    this.remember(null);
    this.subtitle.textContent = this.tagline;
    if (!this.state.modes.length) this.state.modes = await this.client.json("GET", "/modes");
    var modes = this.state.modes.items || this.state.modes;
    var choice = el("div", {class: "choice"});
    var error = el("p", {class: "field-error", role: "alert"});
    var radios = modes.map(function (mode, i) {
      var input = el("input", {type: "radio", name: "sc-mode", value: mode.key, "data-autofocus": i === 0,
        onchange: function () { self.targetPicker(mode, choice); }});
      return el("label", {class: "mode"}, [input, el("span", {class: "mode-text"}, [
        el("span", {class: "mode-title", text: mode.title}),
        el("span", {class: "mode-desc", text: mode.description})])]);
    });
    var form = el("form", {class: "picker", onsubmit: function (e) { e.preventDefault(); self.begin(form, error); }}, [
      el("fieldset", {}, [el("legend", {class: "lead", text: "What would you like to work on?"})].concat(radios)),
      choice, el("div", {class: "actions"}, [error,
        el("button", {class: "primary wide", type: "submit", text: "Start session"})])
    ]);
    this.show("picker", [form]);
  };

  Widget.prototype.targetPicker = async function (mode, slot) {
    slot.replaceChildren();
    if (!mode.needs) return;
    var label = mode.needs === "opportunity" ? "Which deal?" : "Which account?";
    var select = el("select", {id: "sc-target", name: "target"}, [
      el("option", {value: "", text: "Loading…"})]);
    slot.append(el("label", {for: "sc-target", class: "label", text: label}), select);
    try {
      var path = mode.needs === "opportunity"
        ? "/opportunities?status=open&per_page=100&rep_id=" + this.state.me.id : "/accounts?per_page=100";
      var page = await this.client.json("GET", path);
      var items = page.items || page;
      select.replaceChildren(el("option", {value: "", text: items.length ? "Choose…" : "Nothing to choose yet"}));
      items.forEach(function (item) { select.append(el("option", {value: String(item.id), text: item.name})); });
    } catch (e) { select.replaceChildren(el("option", {value: "", text: e.message})); }
  };

  Widget.prototype.begin = async function (form, error) {
    var mode = form.querySelector("input[name=sc-mode]:checked");
    if (!mode) { error.textContent = "Choose what you'd like to work on."; return; }
    var spec = (this.state.modes.items || this.state.modes).filter(function (m) { return m.key === mode.value; })[0];
    var body = {mode: mode.value}, target = form.querySelector("#sc-target");
    if (spec && spec.needs) {
      if (!target || !target.value) { error.textContent = "Choose one to continue."; target && target.focus(); return; }
      body[spec.needs + "_id"] = Number(target.value);
    }
    var button = form.querySelector("button[type=submit]");
    button.disabled = true; button.textContent = "Starting…";
    try { this.chat(await this.client.json("POST", "/sessions", body)); } catch (e) {
      error.textContent = e.message; button.disabled = false; button.textContent = "Start session";
    }
  };

  /* ---------- conversation ---------- */
  Widget.prototype.modeTitle = function (key) {
    var modes = this.state.modes.items || this.state.modes;
    var mode = modes.filter(function (m) { return m.key === key; })[0];
    return mode ? mode.title : String(key || "").replace(/_/g, " ").replace(/^./, function (c) { return c.toUpperCase(); });
  };

  Widget.prototype.chat = function (session) {
    var self = this;
    this.state.session = session;
    this.subtitle.textContent = this.modeTitle(session.mode);
    this.remember({session_id: session.id});
    this.log = el("div", {class: "log", role: "log", "aria-live": "off", "aria-label": "Conversation", tabindex: "0"});
    (session.messages || []).forEach(function (m) { self.bubble(m.role, m.text); });
    this.input = el("textarea", {id: "sc-input", rows: "1", "data-autofocus": true, maxlength: "4000",
      placeholder: "Type your answer…", onkeydown: function (e) {
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); self.submit(); }
      }, oninput: function () { self.grow(); }});
    this.sendButton = el("button", {class: "send", type: "submit"}, [icon(ICONS.send, "Send")]);
    var composer = el("form", {class: "composer", onsubmit: function (e) { e.preventDefault(); self.submit(); }}, [
      el("label", {for: "sc-input", class: "sr", text: "Your message (Enter sends, Shift+Enter adds a line)"}),
      this.input, this.sendButton]);
    var visibility = VISIBILITY[session.transcript_visibility] || VISIBILITY.full;
    var bar = el("div", {class: "toolbar"}, [
      el("p", {class: "visibility", text: visibility}),
      el("button", {class: "link", type: "button", text: "End session", onclick: function () { self.end(); }})]);
    this.show("chat", [bar, this.log, composer]);
    this.scroll();
  };

  Widget.prototype.bubble = function (role, text, extra) {
    var who = role === "rep" ? "You" : this.title();
    var node = el("div", {class: "msg " + (role === "rep" ? "rep" : "coach") + (extra ? " " + extra : "")}, [
      el("span", {class: "sr", text: who + ": "}), el("p", {class: "text", text: text || ""})]);
    this.log.appendChild(node);
    this.scroll();
    return node;
  };

  Widget.prototype.scroll = function () { if (this.log) this.log.scrollTop = this.log.scrollHeight; };
  Widget.prototype.grow = function () {
    this.input.style.height = "auto";
    this.input.style.height = Math.min(this.input.scrollHeight, 140) + "px";
  };

  Widget.prototype.submit = function () {
    var text = this.input.value.trim(), pending = this.state.pending;
    if (!text || this.state.busy) return;
    if (pending && pending.failure) {
      this.announce("Retry your last message first.", true);
      var again = pending.failure.querySelector("button");
      if (again) { again.focus(); return; }
    }
    this.input.value = ""; this.grow();
    this.deliver({text: text, client_message_id: uid(), node: this.bubble("rep", text)});
  };

  /* Sends (or resends, with the same client_message_id) one rep message and streams the reply. */
  Widget.prototype.deliver = async function (pending) {
    var self = this, reply = null, text = "";
    this.state.busy = true; this.state.pending = pending;
    this.sendButton.disabled = true;
    if (pending.failure) { pending.failure.remove(); pending.failure = null; }
    pending.node.classList.remove("failed");
    var typing = el("div", {class: "msg coach typing"}, [el("span", {class: "dots", "aria-hidden": "true"},
      [el("i"), el("i"), el("i")]), el("span", {class: "sr", text: this.title() + " is typing"})]);
    this.log.appendChild(typing); this.scroll();
    this.announce(this.title() + " is typing…");
    function paint(value) {
      text = value;
      if (!reply) { typing.remove(); reply = self.bubble("coach", "", "streaming"); }
      reply.querySelector(".text").textContent = text;
      self.scroll();
    }
    var handlers = {
      delta: function (d) { paint(text + (d.text || "")); },
      replace: function (d) { paint(d.text || ""); },
      done: function (d) {
        if (d.text !== undefined && d.text !== null) paint(d.text);
        if (d.stage) self.state.session.stage = d.stage;
        pending.done = true;
      },
      error: function (d) { throw new ApiError(500, d.code || "model_error",
        d.message || "The coach could not answer.", d.retryable !== false); }
    };
    try {
      await this.client.stream("/sessions/" + this.state.session.id + "/messages",
        {text: pending.text, client_message_id: pending.client_message_id}, handlers);
      if (!pending.done) throw new ApiError(0, "network", "The reply was cut off.", true);
      typing.remove();
      if (reply) reply.classList.remove("streaming");
      this.state.pending = null;
      this.announce(this.title() + ": " + text);
    } catch (e) {
      typing.remove();
      if (reply) reply.remove();
      this.fail(pending, e);
    } finally {
      this.state.busy = false;
      this.sendButton.disabled = false;
    }
  };

  Widget.prototype.fail = function (pending, error) {
    var self = this;
    pending.node.classList.add("failed");
    var retry = error.retryable !== false ? el("button", {class: "link retry", type: "button", text: "Retry",
      onclick: function () { self.deliver(pending); }}) : null;
    pending.failure = el("div", {class: "failure", role: "alert"}, [
      el("span", {text: error.retryable !== false ? "Not answered. " + error.message : error.message}), retry]);
    pending.node.after(pending.failure);
    if (retry) retry.focus();
    this.scroll();
  };

  /* ---------- end: edit and confirm the summary and commitments ---------- */
  Widget.prototype.end = async function () {
    if (this.state.busy) return;
    if (this.state.pending && !this.state.pending.done) {
      this.announce("Retry or remove your last message before ending.", true); return;
    }
    this.show("loading", [el("div", {class: "empty"}, [el("div", {class: "spinner", "aria-hidden": "true"}),
      el("p", {text: "Drafting your summary…"})])]);
    try {
      var draft = await this.client.json("POST", "/sessions/" + this.state.session.id + "/end");
      this.review(Object.assign({}, this.state.session, draft, {id: this.state.session.id}));
    } catch (e) {
      var self = this, session = this.state.session;
      this.problem(e, function () { self.chat(session); });
    }
  };

  function field(id, label, control, hint) {
    control.id = id;
    return el("div", {class: "field"}, [el("label", {for: id, class: "label", text: label}),
      hint ? el("p", {class: "hint", text: hint}) : null, control]);
  }

  Widget.prototype.review = function (session) {
    var self = this;
    this.state.session = session;
    this.remember({session_id: session.id});
    var summary = el("textarea", {rows: "5", "data-autofocus": true});
    summary.value = session.summary || "";
    var help = el("textarea", {rows: "2"});
    help.value = session.help_asked || "";
    var rows = (session.commitments || []).filter(function (c) { return c.status !== "dropped"; })
      .map(function (c, i) { return self.commitmentEditor(c, i); });
    var list = el("div", {class: "commitments"}, rows.map(function (r) { return r.node; }));
    var add = el("button", {class: "secondary wide", type: "button", text: "+ Add a commitment", onclick: function () {
      var row = self.commitmentEditor({kind: "action"}, rows.length);
      rows.push(row); list.appendChild(row.node); row.focus();
    }});
    var error = el("p", {class: "field-error", role: "alert"});
    var visibility = VISIBILITY[session.transcript_visibility] || VISIBILITY.full;
    var form = el("form", {class: "review", onsubmit: function (e) {
      e.preventDefault(); self.confirm(session, summary, help, rows, error, form);
    }}, [
      el("h3", {class: "lead", text: "Your summary"}),
      el("p", {class: "hint", text: "Check it reads the way you see it. Nothing is shared until you confirm."}),
      field("sc-summary", "Summary", summary),
      field("sc-help", "Help you asked for", help),
      el("h3", {class: "lead", text: "Your commitments"}),
      rows.length ? null : el("p", {class: "hint", text: "None were drafted from the conversation: add your own."}),
      list, add,
      el("div", {class: "actions"}, [el("p", {class: "visibility", text: visibility}), error,
        el("button", {class: "primary wide", type: "submit", text: "Confirm and share"})])
    ]);
    this.show("review", [form]);
  };

  Widget.prototype.commitmentEditor = function (c, i) {
    var p = "sc-c" + i + "-", row = {original: c, removed: false};
    var text = el("textarea", {rows: "2"}); text.value = c.text || "";
    var due = el("input", {type: "date"}); due.value = c.due_date || "";
    var measure = el("input", {type: "text", placeholder: "How you'll know it's done"}); measure.value = c.measure || "";
    var kind = el("select", {}, KINDS.map(function (k) {
      return el("option", {value: k[0], text: k[1], selected: k[0] === c.kind}); }));
    var legend = el("legend", {text: "Commitment " + (i + 1)});
    row.node = el("fieldset", {class: "commitment"}, [legend,
      el("button", {class: "link remove", type: "button", text: "Remove", "aria-label": "Remove commitment " + (i + 1),
        onclick: function () { row.removed = true; row.node.hidden = true; }}),
      field(p + "text", "What you'll do", text),
      el("div", {class: "row"}, [field(p + "due", "By", due), field(p + "kind", "Kind", kind)]),
      field(p + "measure", "How you'll know", measure)]);
    row.focus = function () { text.focus(); };
    row.read = function () {
      return {text: text.value.trim(), due_date: due.value || null, measure: measure.value.trim(), kind: kind.value};
    };
    return row;
  };

  /* What to send for one edited row: null when nothing changed. */
  function commitmentChange(row) {
    var was = row.original, now = row.read(), change = {};
    if (!was.id) return row.removed || !now.text ? null : ["POST", now];
    // a draft the rep removes never happened: deleted, not "dropped" (that would count against them)
    if (row.removed) return ["DELETE"];
    Object.keys(now).forEach(function (k) { if ((now[k] || null) !== (was[k] || null)) change[k] = now[k]; });
    if (change.text === "") return ["DELETE"];
    return Object.keys(change).length ? ["PATCH", change] : null;
  }

  Widget.prototype.confirm = async function (session, summary, help, rows, error, form) {
    var button = form.querySelector("button[type=submit]");
    button.disabled = true; button.textContent = "Sharing…"; error.textContent = "";
    try {
      var kept = 0;
      for (var i = 0; i < rows.length; i++) {
        var change = commitmentChange(rows[i]);
        if (change && change[0] === "POST") {
          rows[i].original = await this.client.json("POST", "/sessions/" + session.id + "/commitments", change[1]);
        } else if (change) {
          await this.client.json(change[0], "/commitments/" + rows[i].original.id, change[1]);
        }
        if (rows[i].original.id && !rows[i].removed && rows[i].read().text) kept += 1;
      }
      await this.client.json("PATCH", "/sessions/" + session.id + "/summary",
        {summary: summary.value.trim(), help_asked: help.value.trim(), confirmed: true});
      this.finished(kept);
    } catch (e) {
      error.textContent = e.message; button.disabled = false; button.textContent = "Confirm and share";
    }
  };

  Widget.prototype.finished = function (count) {
    var self = this;
    this.remember(null);
    this.subtitle.textContent = this.tagline;
    this.state.session = null;
    this.show("done", [el("div", {class: "empty done"}, [
      el("div", {class: "tick", "aria-hidden": "true", text: "✓"}),
      el("h3", {class: "lead", text: "Confirmed and shared"}),
      el("p", {text: count === 0 ? "Your summary is saved." : count === 1 ? "Your commitment is saved. Good luck with it." :
        "Your " + count + " commitments are saved. Good luck with them."}),
      el("button", {class: "primary", type: "button", "data-autofocus": true, text: "Start another session",
        onclick: function () { self.picker().catch(function (e) { self.problem(e, self.start); }); }})])]);
    this.announce("Confirmed and shared with your manager.");
  };

  var STYLES = [
    ":host{all:initial;--sc-ink:#111827;--sc-muted:#5b6472;--sc-line:#e3e7ee;--sc-soft:#f3f5f9;",
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif;color:var(--sc-ink)}",
    "*,*::before,*::after{box-sizing:border-box}[hidden]{display:none!important}",
    ".sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    "button,input,select,textarea{font:inherit;color:inherit}",
    ":focus-visible{outline:3px solid var(--sc-accent);outline-offset:2px}",
    ".launcher{position:fixed;bottom:20px;z-index:2147483000;display:flex;align-items:center;gap:8px;",
    "height:52px;padding:0 20px 0 16px;border:0;border-radius:26px;background:var(--sc-accent);",
    "color:var(--sc-on-accent);font-weight:600;cursor:pointer;box-shadow:0 8px 24px rgba(17,24,39,.25)}",
    ".launcher svg{width:22px;height:22px;fill:currentColor}.launcher.right{right:20px}.launcher.left{left:20px}",
    ".launcher:hover{filter:brightness(1.08)}.launcher.is-open{visibility:hidden}",
    ".panel{position:fixed;bottom:20px;z-index:2147483001;width:390px;height:min(640px,calc(100vh - 40px));",
    "display:flex;flex-direction:column;background:#fff;border-radius:16px;overflow:hidden;",
    "box-shadow:0 18px 50px rgba(17,24,39,.28),0 0 0 1px rgba(17,24,39,.06)}",
    ".panel.right{right:20px}.panel.left{left:20px}",
    ".header{display:flex;align-items:flex-start;gap:12px;padding:16px 16px 14px 20px;background:var(--sc-accent);color:var(--sc-on-accent)}",
    ".heading{flex:1;min-width:0}.title{margin:0;font-size:17px;font-weight:700;letter-spacing:.01em}",
    ".subtitle{margin:2px 0 0;font-size:13px;opacity:.85}",
    ".close{flex:none;width:34px;height:34px;border:0;border-radius:17px;background:rgba(255,255,255,.16);color:inherit;cursor:pointer;display:grid;place-items:center}",
    ".close svg{width:18px;height:18px;stroke:currentColor;stroke-width:2.4;fill:none;stroke-linecap:round}",
    ".close:hover{background:rgba(255,255,255,.28)}",
    ".body{flex:1;min-height:0;display:flex;flex-direction:column;background:#fff}",
    ".empty{margin:auto;padding:28px;text-align:center;color:var(--sc-muted)}",
    ".problem{color:#9b1c1c}.spinner{width:28px;height:28px;margin:0 auto 10px;border:3px solid var(--sc-line);",
    "border-top-color:var(--sc-accent);border-radius:50%;animation:spin 1s linear infinite}",
    "@keyframes spin{to{transform:rotate(360deg)}}",
    ".picker,.review{flex:1;overflow:auto;padding:18px 20px 0}",
    ".actions{position:sticky;bottom:0;margin:0 -20px;padding:4px 20px 16px;background:linear-gradient(rgba(255,255,255,.85),#fff 14px)}",
    ".actions .field-error:empty{margin:0}",
    "fieldset{border:0;margin:0;padding:0;min-width:0}.lead{margin:0 0 12px;font-size:16px;font-weight:700;color:var(--sc-ink)}",
    ".mode{display:flex;gap:12px;align-items:flex-start;padding:12px 14px;margin:0 0 8px;border:1px solid var(--sc-line);",
    "border-radius:12px;cursor:pointer;transition:border-color .15s,background .15s}",
    ".mode:hover{border-color:var(--sc-accent)}.mode:has(input:checked){border-color:var(--sc-accent);background:var(--sc-soft);box-shadow:inset 0 0 0 1px var(--sc-accent)}",
    ".mode input{margin:3px 0 0;accent-color:var(--sc-accent);width:16px;height:16px;flex:none}",
    ".mode-text{display:flex;flex-direction:column}.mode-title{font-weight:600}.mode-desc{font-size:13px;color:var(--sc-muted)}",
    ".choice{margin:6px 0 4px}.label{display:block;margin:10px 0 4px;font-size:13px;font-weight:600;color:var(--sc-ink)}",
    "select,input[type=text],input[type=date],textarea{width:100%;padding:9px 11px;border:1px solid #c9d0db;border-radius:9px;background:#fff}",
    "select:focus,input:focus,textarea:focus{border-color:var(--sc-accent);outline:2px solid color-mix(in srgb,var(--sc-accent) 30%,transparent);outline-offset:0}",
    ".field-error{min-height:1em;margin:8px 0;color:#9b1c1c;font-size:13px}",
    ".primary{padding:11px 18px;border:0;border-radius:10px;background:var(--sc-accent);color:var(--sc-on-accent);font-weight:600;cursor:pointer}",
    ".primary:disabled{opacity:.6;cursor:default}.wide{width:100%;margin-top:6px}",
    ".secondary{padding:9px 16px;border:1px dashed #b5bfcd;border-radius:10px;background:#fff;color:var(--sc-accent);font-weight:600;cursor:pointer}",
    ".commitment{position:relative}.remove{position:absolute;top:6px;right:10px;font-size:12px;color:var(--sc-muted)}",
    ".link{border:0;background:none;padding:4px 2px;color:var(--sc-accent);font-weight:600;cursor:pointer;text-decoration:underline;text-underline-offset:2px}",
    ".toolbar{display:flex;align-items:center;gap:10px;padding:8px 14px 8px 20px;border-bottom:1px solid var(--sc-line);background:var(--sc-soft)}",
    ".visibility{flex:1;margin:0;font-size:12px;color:var(--sc-muted)}.toolbar .link{flex:none;font-size:13px}",
    ".log{flex:1;min-height:0;overflow-y:auto;padding:16px 16px 8px;display:flex;flex-direction:column;gap:10px;scroll-behavior:smooth}",
    ".msg{max-width:84%;padding:10px 13px;border-radius:16px;white-space:pre-wrap;overflow-wrap:anywhere}",
    ".msg .text{margin:0}.msg.coach{align-self:flex-start;background:var(--sc-soft);border:1px solid var(--sc-line);border-bottom-left-radius:5px}",
    ".msg.rep{align-self:flex-end;background:var(--sc-accent);color:var(--sc-on-accent);border-bottom-right-radius:5px}",
    ".msg.failed{opacity:.75}",
    ".failure{align-self:flex-end;max-width:84%;margin-top:-4px;padding:8px 12px;border-radius:10px;background:#fdecec;",
    "color:#8a1c1c;font-size:13px;display:flex;gap:4px 10px;align-items:center;flex-wrap:wrap;justify-content:flex-end}",
    ".failure .link{color:#8a1c1c;padding:2px 0}",
    ".dots{display:inline-flex;gap:4px;padding:4px 2px}.dots i{width:7px;height:7px;border-radius:50%;background:#9aa3b2;animation:blink 1.2s infinite}",
    ".dots i:nth-child(2){animation-delay:.2s}.dots i:nth-child(3){animation-delay:.4s}",
    "@keyframes blink{0%,80%,100%{opacity:.25}40%{opacity:1}}",
    ".composer{display:flex;gap:8px;align-items:flex-end;padding:10px 12px 12px;border-top:1px solid var(--sc-line)}",
    ".composer textarea{flex:1;resize:none;max-height:140px;border-radius:12px}",
    ".send{flex:none;width:42px;height:42px;border:0;border-radius:12px;background:var(--sc-accent);color:var(--sc-on-accent);cursor:pointer;display:grid;place-items:center}",
    ".send svg{width:20px;height:20px;fill:currentColor}.send:disabled{opacity:.5;cursor:default}",
    ".commitment{margin:0 0 12px;padding:10px 12px 12px;border:1px solid var(--sc-line);border-radius:12px;background:var(--sc-soft)}",
    ".commitment legend{padding:0 4px;font-size:12px;font-weight:700;color:var(--sc-muted);text-transform:uppercase;letter-spacing:.04em}",
    ".row{display:flex;gap:10px}.row .field{flex:1;min-width:0}.field .label{margin-top:8px}",
    ".hint{margin:0 0 8px;font-size:13px;color:var(--sc-muted)}.review .visibility{margin:10px 0 4px}",
    ".done .tick{width:52px;height:52px;margin:0 auto 12px;border-radius:50%;display:grid;place-items:center;font-size:26px;background:var(--sc-accent);color:var(--sc-on-accent)}",
    "@media (max-width:480px){.panel{inset:0;width:100%;height:100%;border-radius:0}.launcher .launcher-label{display:none}",
    ".launcher{padding:0 15px}.msg{max-width:90%}}",
    "@media (prefers-reduced-motion:reduce){*{animation:none!important;scroll-behavior:auto!important}}"
  ].join("");

  var instance = null;
  window.SalesCoach = {
    version: "1",
    boot: function (options) {
      if (instance) instance.host.remove();
      if (!options || !options.token) throw new Error("SalesCoach.boot needs {token}");
      instance = new Widget(options);
      var reopen = false;
      try { reopen = sessionStorage.getItem(instance.storeKey + ":open") === "1"; } catch (e) { /* ignore */ }
      if (options.open || reopen) instance.open();
      return instance;
    },
    open: function () { if (instance) instance.open(); },
    close: function () { if (instance) instance.close(); },
    shutdown: function () { if (instance) { instance.host.remove(); instance = null; } }
  };
})();
