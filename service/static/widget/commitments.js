/* ---------- My commitments: the rep's open commitments, marked done outside a session ---------- */
Widget.prototype.myCommitments = async function () {
  var self = this;
  if (this.state.busy) { this.announce("Wait for the coach's reply first.", true); return; }
  this.show("loading", [el("div", {class: "empty"}, [el("div", {class: "spinner", "aria-hidden": "true"}),
    el("p", {text: "Loading your commitments…"})])]);
  try {
    if (!this.state.me) this.state.me = await this.client.json("GET", "/me");
    var page = await this.client.json("GET", "/commitments?status=open&per_page=100&rep_id=" + this.state.me.id);
    var changed = await this.client.json("GET", "/commitments?changed_by_other=true&per_page=20&rep_id=" + this.state.me.id);
    // drafts of a session not yet confirmed are edited in its end view, not here
    var items = (page.items || []).filter(function (c) { return c.confirmed; });
    // closed by the manager (after a one-to-one): shown with who and why, not to mark again
    var closed = (changed.items || []).filter(function (c) { return c.status !== "open"; });
    var back = el("button", {class: "link", type: "button", text: "← Back", onclick: function () { self.start(); }});
    var reads = el("button", {class: "link", type: "button", text: readsText(this.state.me, "open"),
      onclick: function () { self.whoRead(); }});
    this.subtitle.textContent = "My commitments";
    this.show("commitments", [el("div", {class: "toolbar"}, [back, reads]), el("div", {class: "picker"}, [
      el("h3", {class: "lead", text: "Your open commitments"}),
      items.length ? el("ul", {class: "open-list"}, items.map(function (c) { return self.openItem(c); }))
        : el("p", {class: "hint", text: "Nothing open. Commitments you confirm at the end of a session show here."}),
      closed.length ? el("h3", {class: "lead", text: "Updated by your manager"}) : null,
      closed.length ? el("ul", {class: "open-list"}, closed.map(function (c) { return self.closedItem(c); })) : null])]);
    back.focus();
  } catch (e) { this.problem(e, this.myCommitments); }
};

function dueText(iso) {
  if (!iso) return "No date";
  var day = new Date(iso + "T00:00:00"), today = new Date();
  today.setHours(0, 0, 0, 0);
  var text = "Due " + day.toLocaleDateString([], {weekday: "short", day: "numeric", month: "short"});
  return day < today ? text + " · overdue" : day.getTime() === today.getTime() ? text + " · today" : text;
}

Widget.prototype.openItem = function (c) {
  var self = this, due = dueText(c.due_date);
  var status = el("p", {class: "done-note", role: "status"});
  var button = el("button", {class: "primary small", type: "button", text: "Mark done",
    "aria-label": "Mark done: " + c.text, onclick: function () { self.markDone(c, item, button, status, "done"); }});
  var item = el("li", {class: "open-item" + (/overdue/.test(due) ? " overdue" : "")}, [
    el("p", {class: "open-text", text: c.text}),
    el("p", {class: "open-meta", text: due + (c.measure ? " · " + c.measure : "")}),
    changeNote(c), el("div", {class: "open-actions"}, [button, status])]);
  return item;
};

Widget.prototype.closedItem = function (c) {
  return el("li", {class: "open-item is-done"}, [el("p", {class: "open-text", text: c.text}), changeNote(c)]);
};

var CHANGED = {done: "Marked done", dropped: "Marked dropped", open: "Opened again"};

/* Who changed the commitment's status (when it was not the rep) and why, in their words. */
function changeNote(c) {
  var last = c.last_change;
  if (!last || !last.by || last.by.role === "rep") return null;
  var day = new Date(last.changed_at).toLocaleDateString([], {day: "numeric", month: "short"});
  return el("p", {class: "change-note"}, [
    el("span", {class: "change-who", text: (CHANGED[last.status] || last.status) + " by " + last.by.name + " · " + day}),
    last.note ? el("q", {text: last.note}) : null]);
}

/* Done closes the commitment for the record (the manager sees it); Undo opens it again. */
Widget.prototype.markDone = async function (c, item, button, status, to) {
  var self = this;
  button.disabled = true;
  try {
    await this.client.json("PATCH", "/commitments/" + c.id, {status: to});
    item.classList.toggle("is-done", to === "done");
    status.replaceChildren();
    if (to === "done") {
      button.hidden = true;
      status.append(el("span", {text: "✓ Done"}), el("button", {class: "link", type: "button", text: "Undo",
        "aria-label": "Undo: " + c.text, onclick: function () { self.markDone(c, item, button, status, "open"); }}));
    } else { button.hidden = false; button.focus(); }
    this.announce(to === "done" ? "Marked done." : "Open again.");
  } catch (e) { status.textContent = e.message; }
  button.disabled = false;
};
