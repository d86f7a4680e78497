"""The client address behind reverse proxies: trusted only when configured."""

from flask import request


def _seen_address(app):
    @app.get("/_whoami")
    def whoami():
        return {"remote_addr": request.remote_addr, "scheme": request.scheme}

    return app.test_client().get(
        "/_whoami", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"},
        environ_base={"REMOTE_ADDR": "10.0.0.2"}).json


def test_forwarded_headers_are_ignored_without_trusted_proxies(app):
    assert _seen_address(app) == {"remote_addr": "10.0.0.2", "scheme": "http"}


def test_one_trusted_proxy_gives_the_client_address(database_url):
    from service import create_app

    app = create_app({"DATABASE_URL": database_url, "TESTING": True, "TRUSTED_PROXIES": 1})
    assert _seen_address(app) == {"remote_addr": "203.0.113.9", "scheme": "https"}
    app.extensions["db"]["engine"].dispose()
