"""The embeddable chat widget: /widget.js, CORS for the API, and the /demo host page."""

import hashlib
import json
import tomllib
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, jsonify, render_template, request

from models import COMMITMENT_KIND_WORDS

from .. import auth
from . import cors, demo
from .tokens import load_widget_user

STATIC = Path(__file__).resolve().parent.parent / "static" / "widget"
# /widget.js is these parts, in this order, inside one function scope (so they share their
# names without a global): one script tag for the host page, files a reader can hold in mind.
PARTS = ("base.js", "client.js", "panel.js", "chat.js", "review.js", "commitments.js", "reads.js",
         "styles.js", "boot.js")
LANG = Path(__file__).resolve().parent / "lang"


def widget_source() -> bytes:
    """The served script: every part, wrapped in one strict-mode function, after the words the
    server shares with it (a commitment kind reads the same in the widget and on the review pages)."""
    shared = "var KINDS = " + json.dumps(list(COMMITMENT_KIND_WORDS.items())) + ";\n"
    shared += "var TEXTS = " + json.dumps(widget_texts()) + ";\n"
    body = b"\n".join((STATIC / name).read_bytes() for name in PARTS)
    return b'(function () {\n"use strict";\n' + shared.encode() + body + b"})();\n"

def widget_texts() -> dict:
    """The widget's words per language code: lang/<code>.toml, each table's keys flattened."""
    return {path.stem: {k: v for table in tomllib.loads(path.read_text("utf-8")).values()
                        for k, v in table.items()} for path in sorted(LANG.glob("*.toml"))}


# /demo's own stylesheet and script (no inline ones: the page runs under a strict CSP).
bp = Blueprint("widget_ui", __name__, static_folder="../static/demo", static_url_path="/demo/static")
bp.before_app_request(cors.answer_preflight)
bp.after_app_request(cors.add_cors_headers)


@bp.get("/widget.js")
def widget_js():
    """The widget script: plain JavaScript, one script, no build step."""
    source = widget_source()
    response = Response(source, mimetype="text/javascript")
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.set_etag(hashlib.sha256(source).hexdigest()[:20])
    response.headers["Access-Control-Allow-Origin"] = "*"  # public code, no secrets in it
    return response.make_conditional(request)


@bp.get("/demo")
def demo_page():
    """A fake CRM page embedding the widget exactly as a customer would (DEMO_DATA only)."""
    _demo_only()
    return render_template("widget/demo.html", **demo.page_context(request.args.get("rep")))


@bp.post("/demo/token")
def demo_token():
    """The demo host's own backend: a fresh widget token for the chosen demo rep."""
    _demo_only()
    minted = demo.mint_for(request.args.get("rep"))
    return jsonify(token=minted.token, expires_at=minted.expires_at.isoformat())


def _demo_only() -> None:
    if not current_app.config.get("DEMO_DATA"):
        abort(404)


def init_app(app: Flask) -> None:
    if ("widget", load_widget_user) not in auth.extra_token_loaders:
        auth.extra_token_loaders.append(("widget", load_widget_user))
    app.register_blueprint(bp)
