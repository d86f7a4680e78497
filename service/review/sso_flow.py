"""The review side of single sign-on: the browser's round trip to the provider and back.

The cookie keeps, between the redirect to the provider and its answer, the organization, the
state, the nonce and the PKCE verifier (never shown to the provider, only its S256 hash), for
FLOW_SECONDS. After sign-in it keeps the provider's end-session endpoint and the ID token as
its hint, so logout can end the provider's session too.
"""

import secrets
from urllib.parse import urlencode

from flask import current_app, session, url_for

from models import SsoConfig, User

from .. import clock
from ..credentials import box_for
from ..db import db
from ..sso.admission import NotAdmitted, admitted_user, config_of
from ..sso.provider import Client, IdTokenRefused, ProviderError

FLOW_SECONDS = 600
NOT_CONFIGURED = "This organization has not set up single sign-on."
EXPIRED = "That sign-in took too long or did not start here. Start again from the login page."
NOT_FOR_REPS = ("These pages are for managers and admins. Your own sessions, summaries and "
                "commitments are in the coaching chat.")


class Refused(Exception):
    """A sign-in we stop, with the sentence the refusal page shows."""

    def __init__(self, reason: str, status: int = 403):
        super().__init__(reason)
        self.reason, self.status = reason, status


def redirect_uri() -> str:
    return current_app.config["PUBLIC_URL"] + "/review/sso/callback"


def post_logout_uri() -> str:
    return current_app.config["PUBLIC_URL"] + "/review/login"


def client_for(config: SsoConfig) -> Client:
    app = current_app.config
    secret = box_for(app).open(config.client_secret_sealed) if config.client_secret_sealed else ""
    return Client(config.issuer, config.client_id, secret, app["SSO_HTTP_TIMEOUT"],
                  app["SSO_ALLOW_INTERNAL"])


def _configured(org_id: int) -> SsoConfig:
    config = config_of(db.session, org_id)
    if config is None:
        raise Refused(NOT_CONFIGURED, 404)
    return config


def begin(org_id: int, next_path: str) -> str:
    """The provider's authorization URL for this browser, with state, nonce and PKCE."""
    client = client_for(_configured(org_id))
    meta = _discovery(client)
    flow = {"org": org_id, "state": secrets.token_urlsafe(24), "nonce": secrets.token_urlsafe(24),
            "verifier": secrets.token_urlsafe(48), "next": next_path, "at": clock.now()}
    session["sso_flow"] = flow
    return client.authorization_url(meta, redirect_uri(), flow["state"], flow["nonce"],
                                    flow["verifier"])


def finish(args) -> tuple[User, dict, str]:
    """The user the provider's answer signs in, after every check; the flow ends either way."""
    flow = session.pop("sso_flow", None) or {}
    if not flow or args.get("state") != flow.get("state") \
            or clock.now() - flow.get("at", 0) > FLOW_SECONDS:
        raise Refused(EXPIRED, 400)
    if args.get("error"):
        raise Refused(f"The provider did not sign you in ({args.get('error')}).", 401)
    config = _configured(flow["org"])
    client = client_for(config)
    meta = _discovery(client)
    try:
        id_token = client.exchange(meta, args.get("code", ""), redirect_uri(), flow["verifier"])
        claims = client.verified_claims(meta, id_token, clock.now(), flow["nonce"])
    except ProviderError as exc:
        raise Refused(f"The provider could not be reached: {exc.reason}.", 502) from exc
    except IdTokenRefused as exc:
        raise Refused(f"The provider's sign-in was refused: {exc.reason}.", 401) from exc
    user = admit(config, claims)
    return user, {"org": config.org_id, "end": meta.get("end_session_endpoint"),
                  "hint": id_token}, flow.get("next", "")


def admit(config: SsoConfig, claims: dict) -> User:
    try:
        return admitted_user(db.session, config, claims)
    except NotAdmitted as exc:
        raise Refused(exc.reason) from exc


def bearer_user(org_id: int, id_token: str) -> User:
    """The user an ID token from the organization's provider names (no nonce: not our sign-in)."""
    config = _configured(org_id)
    client = client_for(config)
    meta = _discovery(client)
    try:
        claims = client.verified_claims(meta, id_token, clock.now(), None)
    except ProviderError as exc:
        raise Refused(f"The provider could not be reached: {exc.reason}.", 502) from exc
    except IdTokenRefused as exc:
        raise Refused(f"That ID token was refused: {exc.reason}.", 401) from exc
    return admit(config, claims)


def _discovery(client: Client) -> dict:
    try:
        return client.discovery()
    except ProviderError as exc:
        raise Refused(f"The provider could not be reached: {exc.reason}.", 502) from exc


def remember(sso: dict) -> None:
    """After browser_session.start: what logout needs from the provider."""
    session["review_sso"] = sso


def end_session_url() -> str | None:
    """Where logout sends the browser next: the provider's end-session endpoint, if any."""
    sso = session.get("review_sso") or {}
    if not sso.get("end"):
        return None
    query = urlencode({"id_token_hint": sso.get("hint", ""),
                       "post_logout_redirect_uri": post_logout_uri()})
    return sso["end"] + ("&" if "?" in sso["end"] else "?") + query


def login_link(org_id: int) -> str:
    return url_for("review.sso_login", org_id=org_id)
