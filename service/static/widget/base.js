/* Sales Coach chat widget. Plain JavaScript, no build step, no dependencies.
 * Usage: <script src="https://coach.example.com/widget.js"></script>
 *        <script>SalesCoach.boot({token: "...", onTokenExpired: async () => newToken})</script>
 * Everything the rep or the model wrote is put on screen with textContent, never as HTML.
 */
/* Constants and DOM helpers shared by every part of the widget. */
if (window.SalesCoach && window.SalesCoach.version) return;

var SCRIPT = document.currentScript;
var DEFAULT_BASE = SCRIPT && SCRIPT.src ? new URL(SCRIPT.src, location.href).origin : location.origin;
/* KINDS ([[key, words], ...]) comes from the server, before this part: models.COMMITMENT_KIND_WORDS. */
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

function field(id, label, control, hint) {
  control.id = id;
  return el("div", {class: "field"}, [el("label", {for: id, class: "label", text: label}),
    hint ? el("p", {class: "hint", text: hint}) : null, control]);
}
