"""Configuration from the environment (12-factor); tests put a mapping on top."""

import logging
import os
import secrets
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _optional(name: str, default: str, kind):
    """``kind(value)``, or None when the variable is set empty (or to "none"): not sent."""
    value = os.environ.get(name, default).strip()
    return None if value.lower() in ("", "none") else kind(value)


def from_environment() -> dict:
    env = os.environ.get
    api_key = env("OPENAI_API_KEY", "")
    return {
        "DATABASE_URL": env("DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'salescoach.db'}"),
        # Without SECRET_KEY, cookies and widget tokens last only as long as the process (the app
        # logs a warning); `dev.py run` keeps one in instance/secret_key instead.
        "SECRET_KEY": env("SECRET_KEY") or secrets.token_hex(32),
        "SECRET_KEY_GENERATED": not env("SECRET_KEY"),
        # Fernet keys, comma-separated (first seals): CRM and OpenID secrets at rest (credentials.py)
        "CREDENTIALS_KEY": env("CREDENTIALS_KEY", ""),
        "MAX_CONTENT_LENGTH": _int("MAX_BODY_BYTES", 256 * 1024),
        "DEMO_DATA": env("DEMO_DATA", "0") == "1",
        # The coach: "openai" whenever a key or a base URL is set, else the offline guided coach.
        "COACH_ENGINE": env("COACH_ENGINE") or ("openai" if api_key or env("OPENAI_BASE_URL") else "guided"),
        "OPENAI_API_KEY": api_key,
        "OPENAI_BASE_URL": env("OPENAI_BASE_URL") or None,
        "COACH_MODEL": env("COACH_MODEL", "gpt-4o-mini"),
        "COACH_TIMEOUT": float(env("COACH_TIMEOUT", "30")),
        "COACH_MAX_RETRIES": _int("COACH_MAX_RETRIES", 2),
        # Sampling, sent with every model request (README: Configuration); empty sends none.
        "COACH_TEMPERATURE": _optional("COACH_TEMPERATURE", "0.3", float),
        "COACH_SEED": _optional("COACH_SEED", "", int),
        # The summary is one long answer: on a CPU model server it outlasts COACH_TIMEOUT.
        "COACH_SUMMARY_TIMEOUT": float(env("COACH_SUMMARY_TIMEOUT", "120")),
        # llama.cpp: a maxLength on every JSON string (see the README); empty for OpenAI
        "COACH_SCHEMA_STRING_LIMIT": int(env("COACH_SCHEMA_STRING_LIMIT", "0")) or None,
        # How long a turn holds its session before a resend may take it over (a process that
        # died mid-turn): by default two model calls (a regeneration) with all their retries.
        "TURN_CLAIM_SECONDS": float(env("TURN_CLAIM_SECONDS") or 2 * float(
            env("COACH_TIMEOUT", "30")) * (_int("COACH_MAX_RETRIES", 2) + 1) + 10),
        "COACH_TOKEN_BUDGET": _int("COACH_TOKEN_BUDGET", 3000),
        "COACH_MAX_REPLY_TOKENS": _int("COACH_MAX_REPLY_TOKENS", 300),
        # Newer OpenAI reasoning models take max_completion_tokens instead of max_tokens.
        "COACH_TOKEN_PARAM": env("COACH_TOKEN_PARAM", "max_tokens"),
        "REDIS_URL": env("REDIS_URL") or None,
        # Limits ("N/minute", "N/hour", "N/15 minutes"; empty or 0 for none).
        "RATE_LIMIT_TURNS": env("RATE_LIMIT_TURNS", "20/minute"),
        "RATE_LIMIT_SESSION_STARTS": env("RATE_LIMIT_SESSION_STARTS", "10/hour"),
        "RATE_LIMIT_REVIEW_LOGIN": env("RATE_LIMIT_REVIEW_LOGIN", "10/15 minutes"),
        # Per account, from any IP: free attempts, then a delay doubling up to the longest (seconds).
        "REVIEW_LOGIN_ACCOUNT_FAILURES": _int("REVIEW_LOGIN_ACCOUNT_FAILURES", 5),
        "REVIEW_LOGIN_ACCOUNT_DELAY": _int("REVIEW_LOGIN_ACCOUNT_DELAY", 30),
        "REVIEW_LOGIN_ACCOUNT_MAX_DELAY": _int("REVIEW_LOGIN_ACCOUNT_MAX_DELAY", 900),
        "MAX_MESSAGE_CHARS": _int("MAX_MESSAGE_CHARS", 4000),
        "MAX_TURNS_PER_SESSION": _int("MAX_TURNS_PER_SESSION", 60),
        "ORG_DAILY_TOKENS": _int("ORG_DAILY_TOKENS", 2_000_000),
        "WIDGET_TOKEN_TTL": _int("WIDGET_TOKEN_TTL", 15 * 60),
        # A delivery thread in the web process; otherwise run `flask webhooks deliver --loop`.
        # Privacy (service/privacy): seconds between retention runs of `flask privacy run --loop`.
        "PRIVACY_INTERVAL": _int("PRIVACY_INTERVAL", 3600),
        "WEBHOOK_WORKER": env("WEBHOOK_WORKER", "0") == "1",
        # Development and tests only: let webhooks reach loopback and private addresses.
        "WEBHOOK_ALLOW_INTERNAL": env("WEBHOOK_ALLOW_INTERNAL", "0") == "1",
        # Nudges (service/nudges): email through SMTP_URL (smtp://user:pass@host:587, smtps://...:465),
        # links built on PUBLIC_URL; reps' reminders from NUDGE_HOUR their time, digests weekly.
        "SMTP_URL": env("SMTP_URL", ""),
        "MAIL_FROM": env("MAIL_FROM", "Sales Coach <coach@localhost>"),
        "SMTP_TIMEOUT": float(env("SMTP_TIMEOUT", "10")),
        "PUBLIC_URL": env("PUBLIC_URL", "http://localhost:8000").rstrip("/"),
        "NUDGE_COACH_URL": env("NUDGE_COACH_URL", ""),
        "NUDGE_HOUR": _int("NUDGE_HOUR", 7),
        "NUDGE_DIGEST_WEEKDAY": _int("NUDGE_DIGEST_WEEKDAY", 1),
        "NUDGE_WORKER": env("NUDGE_WORKER", "0") == "1",
        # CSV import (service/imports): uploads wait in IMPORT_DIR until their job has run; an
        # upload may be IMPORT_MAX_BYTES (the rest of the API keeps MAX_BODY_BYTES).
        "IMPORT_DIR": env("IMPORT_DIR", str(ROOT / "instance" / "imports")),
        "IMPORT_MAX_BYTES": _int("IMPORT_MAX_BYTES", 200 * 1024 * 1024),
        # CRM connectors (service/crm): the schedule's poll, a new connection's interval (minutes),
        # retries of a rate limit, rows per commit; CRM_HUBSPOT_HOST points the client elsewhere.
        "CRM_POLL_SECONDS": float(env("CRM_POLL_SECONDS", "60")),
        "CRM_INTERVAL": _int("CRM_INTERVAL", 60),
        "CRM_RETRIES": _int("CRM_RETRIES", 5),
        "CRM_BATCH": _int("CRM_BATCH", 200),
        "CRM_RUN_STALE": _int("CRM_RUN_STALE", 120),
        "CRM_HUBSPOT_HOST": env("CRM_HUBSPOT_HOST", ""),
        # SCIM provisioning (/scim/v2): the role of a user an identity provider creates.
        "SCIM_DEFAULT_ROLE": env("SCIM_DEFAULT_ROLE", "rep"),
        "LOG_LEVEL": env("LOG_LEVEL", "INFO"),
        # How many reverse proxies in front of us set X-Forwarded-For/-Proto (0: none, trust nothing).
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        # Per process. A turn holds a connection only for its statements (never across the model
        # call), so 20 serve the hundreds of streams of a gevent worker. No overflow: a connection
        # opened for a burst and closed after it starts and ends a PostgreSQL backend each time
        # (profiled at 100 reps, among the worker's top CPU). A request that finds all 20 busy
        # queues in the pool for up to DB_POOL_TIMEOUT seconds (a reply later, not an error);
        # only past that it answers 503 with Retry-After.
        "DB_POOL_SIZE": _int("DB_POOL_SIZE", 20),
        "DB_MAX_OVERFLOW": _int("DB_MAX_OVERFLOW", 0),
        "DB_POOL_TIMEOUT": _int("DB_POOL_TIMEOUT", 30),
        # Single sign-on (service/sso): seconds for each request to a provider; development and
        # tests only: let the provider's discovery, token and keys be on loopback or private addresses.
        "SSO_HTTP_TIMEOUT": float(env("SSO_HTTP_TIMEOUT", "10")),
        "SSO_ALLOW_INTERNAL": env("SSO_ALLOW_INTERNAL", "0") == "1",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env("SESSION_COOKIE_SECURE", "0") == "1",
        # Redirect plain HTTP to HTTPS and send HSTS; off by default so dev and tests run on http.
        "FORCE_HTTPS": env("FORCE_HTTPS", "0") == "1",
        # /review sessions end after this long without a request, and this long after login.
        "REVIEW_SESSION_IDLE_MINUTES": _int("REVIEW_SESSION_IDLE_MINUTES", 60),
        "REVIEW_SESSION_MAX_HOURS": _int("REVIEW_SESSION_MAX_HOURS", 12),
        "API_TITLE": "Sales Coach API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
    }


def warn_if_unsafe(app) -> None:
    """Say, on the first request served, what a deployment must not run with: at the first
    request, not at start-up, so a CLI command's output (`coach eval --json`) stays clean."""
    if not app.config["SECRET_KEY_GENERATED"]:
        return
    said = []

    def warn():
        if not said:
            said.append(True)
            logging.getLogger(__name__).warning(
                "SECRET_KEY is not set: a random one is used, so every restart logs managers out "
                "and ends widget tokens. Set SECRET_KEY (the same in every process).")

    app.before_request(warn)


def load(overrides: dict | None = None) -> dict:
    config = from_environment()
    config.update(overrides or {})
    if "SECRET_KEY" in (overrides or {}):
        config["SECRET_KEY_GENERATED"] = False
    # The browser keeps the cookie no longer than the session can last.
    config.setdefault("PERMANENT_SESSION_LIFETIME", timedelta(hours=config["REVIEW_SESSION_MAX_HOURS"]))
    return config
