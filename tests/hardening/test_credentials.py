"""Sealed credentials: readable back with the key, unreadable without it, rotatable."""

import pytest
from cryptography.fernet import Fernet

from service.credentials import CredentialBox, CredentialsUnreadable


def test_a_sealed_secret_opens_with_its_key_and_is_not_stored_in_clear():
    key = Fernet.generate_key().decode()
    box = CredentialBox(key, "unused")
    sealed = box.seal("pat-na1-secret")
    assert "pat-na1-secret" not in sealed
    assert box.open(sealed) == "pat-na1-secret"


def test_another_key_cannot_open_it():
    sealed = CredentialBox(Fernet.generate_key().decode(), "x").seal("secret")
    with pytest.raises(CredentialsUnreadable):
        CredentialBox(Fernet.generate_key().decode(), "x").open(sealed)


def test_a_rotated_key_still_opens_what_the_old_one_sealed():
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed = CredentialBox(old, "x").seal("secret")
    assert CredentialBox(f"{new},{old}", "x").open(sealed) == "secret"


def test_without_a_key_the_secret_key_derives_one():
    sealed = CredentialBox("", "dev-secret").seal("secret")
    assert CredentialBox("", "dev-secret").open(sealed) == "secret"
    with pytest.raises(CredentialsUnreadable):
        CredentialBox("", "other-secret").open(sealed)


def test_a_tampered_value_is_refused():
    box = CredentialBox("", "dev-secret")
    sealed = box.seal("secret")
    with pytest.raises(CredentialsUnreadable):
        box.open(sealed[:-4] + "AAAA")
