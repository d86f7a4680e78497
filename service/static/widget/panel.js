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
  this.listButton = el("button", {class: "header-link", type: "button", text: "My commitments",
    onclick: function () { self.myCommitments(); }});
  this.body = el("div", {class: "body"});
  this.live = el("div", {class: "sr", "aria-live": "polite", role: "status"});
  this.alert = el("div", {class: "sr", "aria-live": "assertive", role: "alert"});
  this.panel = el("section", {
    id: panelId, class: "panel " + side, role: "dialog", "aria-modal": "false",
    "aria-labelledby": "sc-title", hidden: true,
    onkeydown: function (e) { if (e.key === "Escape") { e.preventDefault(); self.close(); } }
  }, [el("header", {class: "header"}, [el("div", {class: "heading"}, [this.titleNode, this.subtitle]),
    this.listButton, this.closeButton]), this.body, this.live, this.alert]);
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
  if (view !== "review") this.endView = null;  // its pending refresh must not draw elsewhere
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
    if (session && session.status !== "confirmed") this.resume(session);
    else { this.remember(null); await this.picker(); }
  } catch (e) { this.problem(e, this.start); }
};

/* An active session goes on in the chat; an ended one waits in the end view. */
Widget.prototype.resume = function (session) {
  if (session.status === "ended") this.review(session); else this.chat(session);
};

Widget.prototype.picker = async function (notice) {
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
  var asked = await this.assigned();
  var form = el("form", {class: "picker", onsubmit: function (e) { e.preventDefault(); self.begin(form, error); }}, [
    notice ? el("p", {class: "notice", role: "status", text: notice}) : null, asked,
    el("fieldset", {}, [el("legend", {class: "lead", text: asked ? "Or work on something else:" : "What would you like to work on?"})].concat(radios)),
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
    button.disabled = false; button.textContent = "Start session";
    var open = e.code === "session_active" && e.fields.session_id && e.fields.session_id[0];
    if (open) return this.offerResume(open, body).catch(function (e2) { error.textContent = e2.message; });
    error.textContent = e.message;
  }
};

/* A session is already in progress (another tab, the terminal): go on with it, or start the
   new one anyway (the other stays active, to resume or discard later). */
Widget.prototype.offerResume = async function (sessionId, body) {
  var self = this, session = await this.client.json("GET", "/sessions/" + sessionId);
  var started = new Date(session.started_at);
  var when = isNaN(started) ? "" : ", started " + started.toLocaleString([], {
    weekday: "short", hour: "2-digit", minute: "2-digit"});
  var last = (session.messages || []).filter(function (m) { return m.role === "coach"; }).pop();
  var error = el("p", {class: "field-error", role: "alert"});
  var fresh = el("button", {class: "ghost wide", type: "button", text: "Start a new one", onclick: async function () {
    fresh.disabled = true; error.textContent = "";
    try { self.chat(await self.client.json("POST", "/sessions", Object.assign({}, body, {new: true}))); } catch (e) {
      error.textContent = e.message; fresh.disabled = false;
    }
  }});
  this.show("resume", [el("div", {class: "picker"}, [
    el("h3", {class: "lead", text: "You have a session in progress"}),
    el("p", {class: "hint", text: this.modeTitle(session.mode) + when + "."}),
    last ? el("blockquote", {class: "last", text: last.text}) : null,
    el("div", {class: "actions"}, [error,
      el("button", {class: "primary wide", type: "button", "data-autofocus": true, text: "Resume",
        onclick: function () { self.resume(session); }}), fresh])])]);
};

/* ---------- sessions the rep's manager asked for: offered first, started with one click ---------- */
Widget.prototype.assigned = async function () {
  var self = this, page;
  try { page = await this.client.json("GET", "/assignments?open=true&per_page=5"); } catch (e) { return null; }
  var items = (page && page.items) || [];
  if (!items.length) return null;
  return el("section", {class: "assigned", "aria-label": "Sessions your manager asked for"},
    items.map(function (a, i) { return self.assignedItem(a, i === 0); }));
};

/* The first one's Start takes the focus: what the manager asked for is offered first. */
Widget.prototype.assignedItem = function (a, first) {
  var self = this, error = el("p", {class: "field-error", role: "alert"});
  var about = a.opportunity ? a.opportunity.name : a.account ? a.account.name : "";
  var due = a.due_date ? " by " + new Date(a.due_date + "T00:00:00").toLocaleDateString([], {
    weekday: "short", day: "numeric", month: "short"}) : "";
  var button = el("button", {class: "primary small", type: "button", text: "Start", "data-autofocus": first,
    "aria-label": "Start: " + (a.note || this.modeTitle(a.mode)),
    onclick: function () { self.startAssigned(a, button, error); }});
  return el("div", {class: "assigned-item" + (a.overdue ? " overdue" : "")}, [
    el("p", {class: "assigned-ask"}, [el("strong", {text: (a.assigned_by ? a.assigned_by.name : "Your manager") + " asked: "}),
      document.createTextNode((a.note || this.modeTitle(a.mode)) + due)]),
    el("p", {class: "open-meta", text: this.modeTitle(a.mode) + (about ? " · " + about : "") +
      (a.overdue ? " · overdue" : "")}),
    el("div", {class: "open-actions"}, [button, error])]);
};

Widget.prototype.startAssigned = async function (a, button, error) {
  var body = {assignment_id: a.id};
  button.disabled = true; button.textContent = "Starting…"; error.textContent = "";
  try { this.chat(await this.client.json("POST", "/sessions", body)); } catch (e) {
    button.disabled = false; button.textContent = "Start";
    var open = e.code === "session_active" && e.fields.session_id && e.fields.session_id[0];
    if (open) return this.offerResume(open, body).catch(function (e2) { error.textContent = e2.message; });
    error.textContent = e.message;
  }
};
