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
