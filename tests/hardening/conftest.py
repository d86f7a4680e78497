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
