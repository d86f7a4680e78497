"""Placeholder until written."""

from . import blueprint

blp = blueprint("kpis", __name__, "/kpis", "kpis")
