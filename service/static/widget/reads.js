/* ---------- Who read my sessions: the read audit of the rep's own sessions ---------- */
/* TEXTS ({code: {key: words}}) comes from the server, before this part: service/widget/lang/. */
function readsText(me, key, values) {
  var code = ((me && me.locale) || navigator.language || "en").slice(0, 2).toLowerCase();
  var words = (TEXTS[code] || TEXTS.en)[key] || TEXTS.en[key] || key;
  Object.keys(values || {}).forEach(function (name) { words = words.replace("{" + name + "}", values[name]); });
  return words;
}

Widget.prototype.whoRead = async function () {
  var self = this, me = this.state.me;
  var t = function (key, values) { return readsText(self.state.me, key, values); };
  this.show("loading", [el("div", {class: "empty"}, [el("div", {class: "spinner", "aria-hidden": "true"}),
    el("p", {text: t("loading")})])]);
  try {
    if (!me) me = this.state.me = await this.client.json("GET", "/me");
    var page = await this.client.json("GET", "/privacy/reads?per_page=100");
    var bySession = {}, order = [];
    (page.items || []).forEach(function (r) {
      if (!bySession[r.session_id]) { bySession[r.session_id] = []; order.push(r); }
      bySession[r.session_id].push(r);
    });
    var back = el("button", {class: "link", type: "button", text: t("back"), onclick: function () { self.myCommitments(); }});
    this.subtitle.textContent = t("title");
    this.show("reads", [el("div", {class: "toolbar"}, [back]), el("div", {class: "picker"}, [
      el("h3", {class: "lead", text: t("title")}), el("p", {class: "hint", text: t("lead")}),
      order.length ? el("ul", {class: "open-list reads"}, order.map(function (first) {
        return self.readItem(first.session, bySession[first.session_id], t);
      })) : el("p", {class: "hint", text: t("empty")})])]);
    back.focus();
  } catch (e) { this.problem(e, this.whoRead); }
};

Widget.prototype.readItem = function (session, reads, t) {
  var day = new Date(session.started_at).toLocaleDateString([], {day: "numeric", month: "short", year: "numeric"});
  return el("li", {class: "open-item"}, [el("p", {class: "open-text", text: t("session", {date: day})}),
    el("ul", {class: "read-list"}, reads.map(function (r) {
      var when = new Date(r.read_at).toLocaleString([], {day: "numeric", month: "short", hour: "2-digit", minute: "2-digit"});
      var who = t("by", {name: r.reader.name, role: t("role_" + r.reader.role)});
      return el("li", {class: "open-meta"}, [el("strong", {text: who}), " " + t("kind_" + r.kind) + " · " + when]);
    }))]);
};
