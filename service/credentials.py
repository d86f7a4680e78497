"""Secrets we must be able to read back (CRM credentials, OpenID client secrets), sealed at rest.

Fernet (AES-128-CBC + HMAC-SHA256, from the cryptography package) rather than hand-rolled crypto.
CREDENTIALS_KEY holds one or more Fernet keys separated by commas: the first seals, all open, so a
key can be rotated by putting the new one first. Without it a key is derived from SECRET_KEY, so a
development setup works; a deployment sets its own (README: Configuration).
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class CredentialsUnreadable(Exception):
    """A sealed value no configured key opens (the key changed, or the value was tampered with)."""


class CredentialBox:
    def __init__(self, keys: str, secret_key: str):
        chosen = [k.strip() for k in (keys or "").split(",") if k.strip()]
        if not chosen:
            digest = hashlib.sha256(b"sales-coach credentials\0" + secret_key.encode()).digest()
            chosen = [base64.urlsafe_b64encode(digest).decode()]
        self._fernet = MultiFernet([Fernet(k) for k in chosen])

    def seal(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except (InvalidToken, ValueError) as error:
            raise CredentialsUnreadable(
                "a stored credential cannot be decrypted with CREDENTIALS_KEY") from error


def box_for(config) -> CredentialBox:
    """The box of an app's (or a CLI's) configuration mapping."""
    return CredentialBox(config.get("CREDENTIALS_KEY", ""), config["SECRET_KEY"])
