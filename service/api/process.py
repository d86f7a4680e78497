"""Placeholder until written."""

from . import blueprint

blp = blueprint("process", __name__, "/process", "process")
