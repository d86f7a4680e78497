"""Placeholder until written."""

from . import blueprint

blp = blueprint("skills", __name__, "/skills", "skills")
