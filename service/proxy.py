"""Trust X-Forwarded-* only from the configured number of reverse proxies.

Behind a proxy the socket address is the proxy's; per-IP limits (the review login) need the
client's. Trusting the header without a proxy would let anyone pick their own address.
"""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app: Flask) -> None:
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
