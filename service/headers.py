"""Security headers on every response, and the HTTPS redirect when FORCE_HTTPS is set.

Every response: X-Content-Type-Options nosniff, Referrer-Policy same-origin, X-Frame-Options
DENY and a Content-Security-Policy with frame-ancestors 'none' (no page of ours is meant to be
framed). HTML pages get a policy allowing only our own stylesheets and forms, and no script at
all; /demo, which embeds the widget exactly as a customer page would, may also run our own
scripts and call our own API. Anything else (JSON, exports, /widget.js) gets default-src 'none'.
No Cross-Origin-Resource-Policy is sent: /widget.js must load in customers' pages.

Why not flask-talisman: its last release (1.1.0) is from August 2023; its HTTPS redirect and HSTS
trust a client's X-Forwarded-Proto header whatever TRUSTED_PROXIES says; it rewrites
SESSION_COOKIE_SECURE at request time; and it sets a policy per view only by decorating each
view, where ours differ per area. These few lines are easier to review than that.
"""

from flask import Flask, current_app, redirect, request

PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
            "base-uri 'none'; frame-ancestors 'none'")
DEMO_CSP = ("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; "
            "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
OTHER_CSP = "default-src 'none'; base-uri 'none'; frame-ancestors 'none'"
HSTS = "max-age=31536000"
ALWAYS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
          "X-Frame-Options": "DENY"}
PLAIN_HTTP_ALLOWED = {"/healthz"}  # a load balancer's health check may stay on plain HTTP


def policy_for(path: str, mimetype: str | None) -> str:
    if mimetype != "text/html":
        return OTHER_CSP
    return DEMO_CSP if path == "/demo" else PAGE_CSP


def add_security_headers(response):
    """after_request: the headers above; a view that set its own CSP keeps it."""
    for name, value in ALWAYS.items():
        response.headers.setdefault(name, value)
    response.headers.setdefault("Content-Security-Policy", policy_for(request.path, response.mimetype))
    if current_app.config["FORCE_HTTPS"] and request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
    return response


def redirect_to_https():
    """before_request with FORCE_HTTPS: plain HTTP is sent to HTTPS (308 keeps the method).
    request.is_secure already trusts X-Forwarded-Proto only from TRUSTED_PROXIES (proxy.py)."""
    if request.is_secure or request.path in PLAIN_HTTP_ALLOWED:
        return None
    return redirect(request.url.replace("http://", "https://", 1), code=308)


def init_app(app: Flask) -> None:
    if app.config["FORCE_HTTPS"]:
        app.before_request(redirect_to_https)
    app.after_request(add_security_headers)
