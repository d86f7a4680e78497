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
  var offered = null;
  (session.messages || []).forEach(function (m) {
    self.bubble(m.role, m.text, null, m.role === "rep" ? labelOf(offered, m.choice) : null);
    offered = m.role === "rep" ? null : m.choices;
  });
  this.input = el("textarea", {id: "sc-input", rows: "1", "data-autofocus": true, maxlength: "4000",
    placeholder: "Type your answer…", onkeydown: function (e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); self.submit(); }
    }, oninput: function () { self.grow(); }});
  this.sendButton = el("button", {class: "send", type: "submit"}, [icon(ICONS.send, "Send")]);
  var composer = el("form", {class: "composer", onsubmit: function (e) { e.preventDefault(); self.submit(); }}, [
    el("label", {for: "sc-input", class: "sr", text: "Your message (Enter sends, Shift+Enter adds a line)"}),
    this.input, this.sendButton]);
  this.toolbar = el("div", {class: "toolbar"});
  this.toolbarIdle(session);
  this.show("chat", [this.toolbar, this.log, composer]);
  // the last coach message still waiting for an answer offers its quick replies again
  if (offered) this.quickReplies(offered);
  this.scroll();
};

/* The chat toolbar: who will see this, and "End session" (asked once more before it ends). */
Widget.prototype.toolbarIdle = function (session) {
  var self = this, visibility = VISIBILITY[session.transcript_visibility] || VISIBILITY.full;
  this.toolbar.classList.remove("asking");
  this.toolbar.replaceChildren(el("p", {class: "visibility", text: visibility}),
    el("button", {class: "link", type: "button", text: "End session", onclick: function () { self.askEnd(); }}));
};

Widget.prototype.askEnd = function () {
  var self = this, session = this.state.session;
  if (this.state.busy) return;
  var keep = el("button", {class: "ghost small", type: "button", text: "Keep talking", onclick: function () {
    self.toolbarIdle(session); self.input.focus(); }});
  this.toolbar.classList.add("asking");
  this.toolbar.replaceChildren(
    el("p", {class: "visibility", text: "End now? The coach drafts a summary for you to check."}),
    keep, el("button", {class: "primary small", type: "button", text: "End now", onclick: function () { self.end(); }}));
  keep.focus();
};

function labelOf(choices, value) {
  if (!choices || value === null || value === undefined) return null;
  var option = (choices.options || []).filter(function (o) { return o.value === value; })[0];
  return option ? option.label : String(value);
}

Widget.prototype.bubble = function (role, text, extra, picked) {
  var who = role === "rep" ? "You" : this.title();
  // a pick with words: the pick as a tag, the words as the message
  var tag = picked && picked !== text ? el("span", {class: "pick", text: picked}) : null;
  var node = el("div", {class: "msg " + (role === "rep" ? "rep" : "coach") + (extra ? " " + extra : "")}, [
    el("span", {class: "sr", text: who + ": "}), tag, el("p", {class: "text", text: text || ""})]);
  this.log.appendChild(node);
  this.scroll();
  return node;
};

/* ---------- quick replies: a pick records the answer; words can go with it ---------- */
var REPLY_PROMPTS = {
  follow_up: ["How did it go?", "Pick one; add what happened…"],
  rating: ["Your rating, 1 (weak) to 5 (strong)", "Pick one; add why…"],
  offer: ["Your answer", "Pick one, or say it in words…"]
};

Widget.prototype.quickReplies = function (choices) {
  var self = this, prompt = REPLY_PROMPTS[choices.kind] || ["Quick replies", "Type your answer…"];
  this.clearReplies();
  var buttons = (choices.options || []).map(function (option) {
    return el("button", {class: "reply" + (choices.kind === "rating" ? " square" : ""), type: "button",
      text: option.label, "aria-label": choices.kind === "rating" ? option.label + " out of 5" : null,
      onclick: function () { self.pick(option); }});
  });
  this.replies = el("div", {class: "quick", role: "group", "aria-label": prompt[0]}, buttons);
  this.log.appendChild(this.replies);
  this.input.placeholder = prompt[1];
  this.scroll();
};

Widget.prototype.clearReplies = function () {
  if (this.replies) { this.replies.remove(); this.replies = null; }
  if (this.input) this.input.placeholder = "Type your answer…";
};

Widget.prototype.pick = function (option) {
  if (this.state.busy || (this.state.pending && this.state.pending.failure)) {
    this.announce("Retry your last message first.", true); return;
  }
  var words = this.input.value.trim();
  this.input.value = ""; this.grow();
  this.clearReplies();
  this.input.focus();  // the button picked is gone: keep the rep where they type
  this.deliver({text: words, choice: option.value, client_message_id: uid(),
    node: this.bubble("rep", words || option.label, null, option.label)});
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
  this.clearReplies();  // the coach's next message brings its own
  this.deliver({text: text, client_message_id: uid(), node: this.bubble("rep", text)});
};

/* Sends (or resends, with the same client_message_id) one rep message and streams the reply. */
Widget.prototype.deliver = async function (pending) {
  var self = this, reply = null, text = "", offered = null, wrapped = false;
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
      offered = d.choices || null;
      wrapped = d.intent === "wrap";
      pending.done = true;
    },
    error: function (d) { throw new ApiError(500, d.code || "model_error",
      d.message || "The coach could not answer.", d.retryable !== false); }
  };
  try {
    await this.client.stream("/sessions/" + this.state.session.id + "/messages",
      {text: pending.text, choice: pending.choice, client_message_id: pending.client_message_id}, handlers);
    if (!pending.done) throw new ApiError(0, "network", "The reply was cut off.", true);
    typing.remove();
    if (reply) reply.classList.remove("streaming");
    this.state.pending = null;
    this.announce(this.title() + ": " + text);
    if (offered) this.quickReplies(offered);
    if (wrapped) { this.state.busy = false; this.askEnd(); }  // the coach's last word: offer to end
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

/* ---------- end: the coach drafts, the rep checks in the end view (review.js) ---------- */
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
