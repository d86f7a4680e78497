"""The real-model fixture: one llama.cpp server for the whole run (see llama_server.py).

The packages are dev dependencies, so `python3 dev.py test` (and CI) has them; only where they
are truly missing do the tests skip, saying which, and under CI=true that is a failure.
"""

import os

import pytest

from .llama_server import LlamaServer, missing


@pytest.fixture(scope="session")
def llama_url():
    reason = missing()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"real-model tests cannot run under CI: {reason}")
        pytest.skip(reason)
    with LlamaServer() as url:
        yield url
