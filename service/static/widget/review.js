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
