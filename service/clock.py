"""The wall clock, in one place, so tests can move it instead of sleeping."""

import time


def now() -> float:
    """Seconds since the epoch (UTC)."""
    return time.time()
