"""Placeholder until written."""

from . import blueprint

blp = blueprint("accounts", __name__, "/accounts", "accounts")
