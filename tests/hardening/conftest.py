"""Fixtures for the hardening tests: a real redis-server when installed."""

import os

import pytest

from .redisserver import RedisServer, redis_available


@pytest.fixture(scope="session")
def redis_server():
    """A redis-server for the session; missing, it skips (and fails under CI=true)."""
    if not redis_available():
        if os.environ.get("CI") == "true":
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        pytest.skip("redis-server is not installed")
    server = RedisServer()
    with server:
        yield server


@pytest.fixture
def make_app():
    """create_app for tests that need their own app (other config, a "restarted" process);
    every engine is disposed afterwards, so no pooled connection outlives the test."""
    from service import create_app

    apps = []

    def make(config):
        app = create_app(config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        app.extensions["db"]["engine"].dispose()
