"""The site's front door: `/`, a small page pointing to the demo, the review pages and the API
docs (a JSON 404 there told a newcomer nothing), and the favicon every page links."""

from pathlib import Path

from flask import Blueprint, Flask, Response, current_app, render_template

FAVICON = Path(__file__).resolve().parent / "static" / "site" / "favicon.svg"
bp = Blueprint("landing", __name__)


@bp.get("/")
def home():
    """Where to go from here: the demo (when loaded), the review pages, the API description."""
    return render_template("landing.html", demo=current_app.config.get("DEMO_DATA"))


@bp.get("/favicon.ico")
def favicon():
    """The icon, an SVG (browsers take it at this name when its type says so)."""
    response = Response(FAVICON.read_bytes(), mimetype="image/svg+xml")
    response.cache_control.public = True
    response.cache_control.max_age = 86400
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
