/* ---------- the end view: the rep checks the record before anything is shared ----------
 * Every edit is saved as it is made (a changed field, a removed draft, a corrected answer)
 * and the session is fetched again after it, so the summary shown is the one the server drew
 * from what is now on the record. "Confirm and share" only confirms. */
var FOLLOW_UP = [["done", "Done"], ["partly", "Partly"], ["not_yet", "Not yet"], ["dropped", "Drop it"]];
var RATINGS = [["1", "1"], ["2", "2"], ["3", "3"], ["4", "4"], ["5", "5"]];

Widget.prototype.review = function (session) {
  var self = this;
  this.state.session = session;
  this.remember({session_id: session.id});
  var view = this.endView = {session: session, queue: Promise.resolve(), rows: []};
  view.error = el("p", {class: "field-error", role: "alert"});
  view.summary = el("textarea", {rows: "5", oninput: function () { fit(view.summary); },
    onchange: function () { self.save(function () { return self.saveText({summary: view.summary.value.trim()}); }); }});
  view.summary.value = session.summary || "";
  view.help = el("textarea", {rows: "2",
    onchange: function () { self.save(function () { return self.saveText({help_asked: view.help.value.trim()}); }); }});
  view.help.value = session.help_asked || "";
  view.answers = el("div", {class: "answers"});
  this.drawAnswers(session.answers || []);
  view.rows = (session.commitments || []).filter(function (c) { return c.status !== "dropped"; })
    .map(function (c, i) { return self.commitmentEditor(c, i); });
  var list = el("div", {class: "commitments"}, view.rows.map(function (r) { return r.node; }));
  var add = el("button", {class: "secondary wide", type: "button", text: "+ Add a commitment", onclick: function () {
    var row = self.commitmentEditor({kind: "action"}, view.rows.length);
    view.rows.push(row); list.appendChild(row.node); row.focus();
  }});
  var visibility = VISIBILITY[session.transcript_visibility] || VISIBILITY.full;
  var form = el("form", {class: "review", onsubmit: function (e) { e.preventDefault(); self.confirm(form); }}, [
    el("h3", {class: "lead", text: "Your summary"}),
    el("p", {class: "hint", text: "Check it reads the way you see it. Nothing is shared until you confirm."}),
    view.answers,
    field("sc-summary", "Summary", view.summary),
    field("sc-help", "Help you asked for", view.help),
    el("h3", {class: "lead", text: "Your commitments"}),
    view.rows.length ? null : el("p", {class: "hint", text: "None were drafted from the conversation: add your own."}),
    list, add,
    el("div", {class: "actions"}, [el("p", {class: "visibility", text: visibility}), view.error,
      el("button", {class: "primary wide", type: "submit", text: "Confirm and share"})])
  ]);
  view.toolbar = el("div", {class: "toolbar"});
  this.endToolbar();
  this.show("review", [view.toolbar, form]);
  fit(view.summary);
  // Open at the top of the summary: a long draft left the view (and the textarea) scrolled to
  // its end, mid-sentence.
  form.scrollTop = 0;
  view.summary.scrollTop = 0;
};

/* The summary grows to show all of itself, up to about twelve lines (then it scrolls). */
function fit(textarea) {
  textarea.style.height = "auto";
  textarea.style.height = Math.min(textarea.scrollHeight + 2, 290) + "px";
}

/* "Back to chat" reopens the session (its draft is drawn again at the next end); "Discard"
   asks once more, then deletes the session with all it made. */
Widget.prototype.endToolbar = function () {
  var self = this, bar = this.endView.toolbar;
  bar.classList.remove("asking");
  bar.replaceChildren(
    el("button", {class: "link", type: "button", text: "← Back to chat", "data-autofocus": true, onclick: function () { self.backToChat(); }}),
    el("span", {class: "spacer"}),
    el("button", {class: "link danger", type: "button", text: "Discard", onclick: function () { self.askDiscard(); }}));
};

Widget.prototype.askDiscard = function () {
  var self = this, bar = this.endView.toolbar;
  var keep = el("button", {class: "ghost small", type: "button", text: "Keep it", onclick: function () {
    self.endToolbar(); }});
  bar.classList.add("asking");
  bar.replaceChildren(
    el("p", {class: "visibility", text: "Discard this session? It is deleted with its drafts, and follow-ups you answered in it are asked again."}),
    keep, el("button", {class: "danger-button small", type: "button", text: "Discard session",
      onclick: function () { self.discard(); }}));
  keep.focus();
};

Widget.prototype.backToChat = async function () {
  var view = this.endView;
  try {
    await view.queue;
    this.chat(await this.client.json("POST", "/sessions/" + view.session.id + "/reopen"));
    this.announce("Back in the conversation. Ending again drafts a new summary.");
  } catch (e) { view.error.textContent = e.message; }
};

Widget.prototype.discard = async function () {
  var view = this.endView;
  try {
    await view.queue;
    await this.client.json("DELETE", "/sessions/" + view.session.id);
    this.state.session = null;
    await this.picker("Session discarded: nothing of it was kept.");
  } catch (e) { view.error.textContent = e.message; this.endToolbar(); }
};

/* One edit after another, each followed by a fresh read of the session. */
Widget.prototype.save = function (work) {
  var self = this, view = this.endView;
  view.error.textContent = "";
  view.queue = view.queue.then(work).then(function () { return self.refresh(view); })
    .catch(function (e) { view.error.textContent = e.message; });
  return view.queue;
};

Widget.prototype.saveText = function (body) {
  return this.client.json("PATCH", "/sessions/" + this.endView.session.id + "/summary", body);
};

Widget.prototype.refresh = async function (view) {
  var session = await this.client.json("GET", "/sessions/" + view.session.id);
  if (this.endView !== view) return;  // the rep has moved on
  view.session = session;
  var focused = this.root.activeElement;
  if (focused !== view.summary) { view.summary.value = session.summary || ""; fit(view.summary); }
  if (focused !== view.help) view.help.value = session.help_asked || "";
  this.drawAnswers(session.answers || []);
};

/* ---------- the answers heard: picked ones are on the record, proposals to check ---------- */
Widget.prototype.drawAnswers = function (answers) {
  var self = this, box = this.endView.answers;
  if (!answers.length) { box.replaceChildren(); return; }
  box.replaceChildren(el("h4", {class: "sub", text: "What you told the coach"}),
    el("p", {class: "hint", text: "What you picked is recorded. What the coach read from your words is a proposal: check it."}),
    el("ul", {class: "answer-list"}, answers.map(function (a, i) { return self.answerItem(a, i); })));
};

Widget.prototype.answerItem = function (answer, i) {
  var self = this, isRating = answer.kind === "rating";
  var options = isRating ? RATINGS : FOLLOW_UP, value = answer.value === null ? "" : String(answer.value);
  var known = options.filter(function (o) { return o[0] === value; })[0];
  var what = isRating ? "Rating: " + String(answer.skill || "").replace(/_/g, " ") : answer.text;
  var shown = known ? (isRating ? known[1] + " / 5" : known[1]) : "Not understood";
  var state = answer.source === "choice" ? "picked" : known ? "proposed" : "unclear";
  var badge = {picked: "You picked", proposed: "Proposed", unclear: "Pick one"}[state];
  var picker = el("div", {class: "answer-options", role: "group", "aria-label": "Your answer: " + what, hidden: true},
    options.map(function (o) {
      return el("button", {class: "reply" + (isRating ? " square" : ""), type: "button", text: o[1],
        "aria-pressed": String(o[0] === value && state === "picked"), onclick: function () { self.correct(answer, o[0]); }});
    }));
  var check = el("button", {class: "link", type: "button", text: state === "picked" ? "Change" : "Check it",
    "aria-label": (state === "picked" ? "Change: " : "Check it: ") + what, "aria-expanded": "false", onclick: function () {
      picker.hidden = !picker.hidden; check.setAttribute("aria-expanded", String(!picker.hidden));
      if (!picker.hidden) { picker.querySelector("button").focus(); picker.scrollIntoView({block: "nearest"}); }
    }});
  return el("li", {class: "answer " + state, "data-answer": String(i)}, [
    el("p", {class: "answer-what", text: what}),
    el("p", {class: "answer-value"}, [el("span", {class: "badge", text: badge}), el("strong", {text: shown}), check]),
    answer.note ? el("p", {class: "answer-note", text: "“" + answer.note + "”"}) : null,
    picker]);
};

Widget.prototype.correct = function (answer, value) {
  var self = this, edit = {kind: answer.kind, value: value};
  if (answer.kind === "rating") edit.skill = answer.skill; else edit.commitment_id = answer.commitment_id;
  return this.save(function () { return self.saveText({answers: [edit]}); }).then(function () {
    self.announce("Answer recorded.");
  });
};

/* ---------- drafted commitments: edit, add, remove (a removed draft is deleted) ---------- */
Widget.prototype.commitmentEditor = function (c, i) {
  var self = this, p = "sc-c" + i + "-", row = {original: c, removed: false};
  function changed() { self.save(function () { return self.saveRow(row); }); }
  var text = el("textarea", {rows: "2", onchange: changed}); text.value = c.text || "";
  var due = el("input", {type: "date", onchange: changed}); due.value = c.due_date || "";
  var measure = el("input", {type: "text", placeholder: "How you'll know it's done", onchange: changed});
  measure.value = c.measure || "";
  var kind = el("select", {onchange: changed}, KINDS.map(function (k) {
    return el("option", {value: k[0], text: k[1], selected: k[0] === c.kind}); }));
  var legend = el("legend", {text: "Commitment " + (i + 1)});
  row.node = el("fieldset", {class: "commitment"}, [legend,
    el("button", {class: "link remove", type: "button", text: "Remove", "aria-label": "Remove commitment " + (i + 1),
      onclick: function () { row.removed = true; row.node.hidden = true; changed(); self.announce("Commitment removed."); }}),
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
  if (row.removed || !now.text) return ["DELETE"];
  Object.keys(now).forEach(function (k) { if ((now[k] || null) !== (was[k] || null)) change[k] = now[k]; });
  return Object.keys(change).length ? ["PATCH", change] : null;
}

Widget.prototype.saveRow = async function (row) {
  var change = commitmentChange(row), session = this.endView.session;
  if (!change || row.deleted) return;
  if (change[0] === "POST") {
    row.original = await this.client.json("POST", "/sessions/" + session.id + "/commitments", change[1]);
  } else if (change[0] === "DELETE") {
    await this.client.json("DELETE", "/commitments/" + row.original.id);
    row.deleted = true;
  } else {
    row.original = await this.client.json("PATCH", "/commitments/" + row.original.id, change[1]);
  }
};

Widget.prototype.confirm = async function (form) {
  var self = this, view = this.endView, button = form.querySelector("button[type=submit]");
  button.disabled = true; button.textContent = "Sharing…";
  await view.queue;  // the edits already under way go first
  try {
    for (var i = 0; i < view.rows.length; i++) await this.saveRow(view.rows[i]);
    await this.saveText({summary: view.summary.value.trim(), help_asked: view.help.value.trim(), confirmed: true});
    this.finished(view.rows.filter(function (r) { return r.original.id && !r.deleted; }).length);
  } catch (e) {
    view.error.textContent = e.message; button.disabled = false; button.textContent = "Confirm and share";
    self.refresh(view).catch(function () { /* the error above says enough */ });
  }
};

Widget.prototype.finished = function (count) {
  var self = this;
  this.remember(null);
  this.endView = null;
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
