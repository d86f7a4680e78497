"""Talking to an organization's OpenID provider: discovery, the authorization URL, the code
exchange and the ID token's checks. No Flask: the caller passes the settings.

Every request goes through webhook_target's PinnedAdapter (the host resolved once, internal
addresses refused unless allow_internal) with a timeout. The ID token is checked here, never
trusted from the provider's answer: signature against the provider's JWKS, issuer, audience
(our client id), expiry and issue time against our clock, and the nonce we sent.
"""

from dataclasses import dataclass

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ..webhook_target import PinnedAdapter, error_class

SCOPE = "openid email profile"
# ID tokens signed with the provider's private key only: never "none", nor HS* keyed on a secret
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
                      "ES512", "EdDSA")
LEEWAY = 60  # seconds of clock skew tolerated on exp and iat


class ProviderError(Exception):
    """The provider could not be reached or answered nonsense: `reason` says which, in words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Client:
    """What one request to the provider needs: where, who we are, how far we may reach."""

    issuer: str
    client_id: str
    client_secret: str
    timeout: float
    allow_internal: bool

    def http(self, session: requests.Session | None = None) -> requests.Session:
        session = session or requests.Session()
        session.trust_env = False  # a proxy from the environment would resolve the name again
        adapter = PinnedAdapter(self.allow_internal)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        return session

    def get_json(self, url: str) -> dict:
        try:
            with self.http() as http:
                response = http.get(url, timeout=self.timeout, allow_redirects=False)
            response.raise_for_status()
            body = response.json()
        except requests.RequestException as exc:
            raise ProviderError(f"{url} could not be read ({error_class(exc)})") from exc
        except ValueError as exc:
            raise ProviderError(f"{url} did not answer JSON") from exc
        if not isinstance(body, dict):
            raise ProviderError(f"{url} did not answer a JSON object")
        return body

    def discovery(self) -> dict:
        """The provider's metadata; its issuer must be the one configured (OIDC Discovery 4.3)."""
        meta = self.get_json(self.issuer.rstrip("/") + "/.well-known/openid-configuration")
        if meta.get("issuer", "").rstrip("/") != self.issuer.rstrip("/"):
            raise ProviderError(f"the provider calls itself {meta.get('issuer')!r}, "
                                f"not {self.issuer!r}")
        for key in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(meta.get(key), str):
                raise ProviderError(f"the provider's metadata has no {key}")
        return meta

    def authorization_url(self, meta: dict, redirect_uri: str, state: str, nonce: str,
                          code_verifier: str) -> str:
        with OAuth2Session(self.client_id, self.client_secret, scope=SCOPE,
                           redirect_uri=redirect_uri, code_challenge_method="S256") as oauth:
            url, _ = oauth.create_authorization_url(meta["authorization_endpoint"], state=state,
                                                    nonce=nonce, code_verifier=code_verifier)
        return url

    def exchange(self, meta: dict, code: str, redirect_uri: str, code_verifier: str) -> str:
        """The ID token the provider gives for our authorization code."""
        methods = meta.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
        method = "client_secret_basic" if "client_secret_basic" in methods else "client_secret_post"
        oauth = self.http(OAuth2Session(self.client_id, self.client_secret, scope=SCOPE,
                                        redirect_uri=redirect_uri,
                                        token_endpoint_auth_method=method))
        try:
            token = oauth.fetch_token(meta["token_endpoint"], grant_type="authorization_code",
                                      code=code, code_verifier=code_verifier,
                                      timeout=self.timeout, allow_redirects=False)
        except requests.RequestException as exc:
            raise ProviderError(f"the token endpoint could not be read ({error_class(exc)})") \
                from exc
        except Exception as exc:  # Authlib's OAuthError: the provider refused the code
            raise ProviderError(f"the provider refused the sign-in code ({exc})") from exc
        finally:
            oauth.close()
        if not token.get("id_token"):
            raise ProviderError("the provider sent no ID token")
        return token["id_token"]

    def verified_claims(self, meta: dict, id_token: str, now: float, nonce: str | None) -> dict:
        """The ID token's claims once signature, issuer, audience, expiry (and nonce) hold."""
        keys = KeySet.import_key_set(self.get_json(meta["jwks_uri"]))
        try:
            advertised = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
            token = jwt.decode(id_token, keys,
                               algorithms=[a for a in advertised if a in SIGNING_ALGORITHMS])
        except (JoseError, ValueError) as exc:
            raise IdTokenRefused("its signature does not match the provider's keys") from exc
        claims = token.claims
        check_claims(claims, meta["issuer"], self.client_id, now, nonce)
        return claims


class IdTokenRefused(Exception):
    """The ID token is not one we accept: `reason` says why, for the refusal page."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def check_claims(claims: dict, issuer: str, client_id: str, now: float, nonce: str | None) -> None:
    """Issuer, audience (and azp with several), expiry, issue time, nonce: the first that fails."""
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    if str(claims.get("iss", "")).rstrip("/") != issuer.rstrip("/"):
        raise IdTokenRefused("it was issued by another provider")
    if client_id not in audiences or (len(audiences) > 1 and claims.get("azp") != client_id):
        raise IdTokenRefused("it was issued for another application (wrong audience)")
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= now - LEEWAY:
        raise IdTokenRefused("it has expired")
    if isinstance(claims.get("iat"), int | float) and claims["iat"] > now + LEEWAY:
        raise IdTokenRefused("it was issued in the future")
    if nonce is not None and claims.get("nonce") != nonce:
        raise IdTokenRefused("it does not answer this sign-in (nonce mismatch)")
