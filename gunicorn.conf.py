"""gunicorn settings for production (the Procfile's web: line reads this file).

gevent workers: a coaching reply is a long-lived SSE stream that mostly waits on the model, and a
gthread worker serves only as many streams at once as it has threads; a gevent worker serves
`worker_connections` of them. gunicorn's gevent worker monkey-patches the standard library before
it imports the app (never preload the app, so that the patching comes first), which makes the
OpenAI client (httpx), psycopg 3 and the SQLAlchemy pool cooperative. Everything is overridable
by the environment: PORT, WEB_CONCURRENCY, WORKER_CONNECTIONS, GUNICORN_TIMEOUT,
GRACEFUL_TIMEOUT, LOG_LEVEL, GUNICORN_WORKER_CLASS.
"""

import json
import logging
import multiprocessing
import os
from datetime import UTC, datetime

bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gevent")
# One process per core: each multiplexes many streams, and more processes only add memory.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count()))
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "1000"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))  # used only by the gthread class
preload_app = False
# gunicorn's control socket (for `gunicornc`) is not used; off, two instances on a host never clash.
control_socket_disable = True

# A worker silent this long is killed and replaced. With gevent the arbiter's heartbeat runs in
# its own greenlet, so long SSE streams do not count against it.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
# On SIGTERM (a deploy, a scale-down) workers stop accepting and get this long to finish the
# replies in flight; the rep's message is already stored, so a cut reply is retried, not lost.
graceful_timeout = int(os.environ.get("GRACEFUL_TIMEOUT", "30"))
keepalive = 5
# Recycle workers now and then so slow leaks cannot pile up; jitter avoids all at once.
max_requests = int(os.environ.get("MAX_REQUESTS", "5000"))
max_requests_jitter = 500

# Behind a proxy that terminates TLS: trust its X-Forwarded-* headers.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# The app writes one JSON access line per request (service/request_log.py), with the request
# id and user; gunicorn's own access log would only duplicate it. Errors go to stdout too.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()


class GunicornJsonFormatter(logging.Formatter):
    """gunicorn's own lines (boot, worker exits) as JSON too. Defined here, not imported from the
    app, so the master never imports the app (and so nothing before the gevent patching)."""

    def format(self, record):
        return json.dumps({
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(), "logger": record.name,
            "message": record.getMessage()})


logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": GunicornJsonFormatter}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "json",
                            "stream": "ext://sys.stdout"}},
    # The app puts its own JSON handler on the root logger in each worker (request_log.py).
    "root": {"level": loglevel.upper(), "handlers": []},
    "loggers": {
        "gunicorn.error": {"handlers": ["stdout"], "level": loglevel.upper(), "propagate": False},
    },
}
