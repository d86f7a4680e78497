"""Placeholder until written."""

from . import blueprint

blp = blueprint("opportunities", __name__, "/opportunities", "opportunities")
