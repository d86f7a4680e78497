"""The review pages' CSV downloads: the sessions, commitments and KPI snapshots a page filters."""

from flask import g, request

from . import csv_export, schemas
from .blueprint import bp
from .pages import args

FILTERS = {"sessions": schemas.ReviewSessionFilters, "commitments": schemas.ReviewCommitmentCsvArgs,
           "kpis": schemas.ReviewKpiCsvArgs}


@bp.route("/export/<any(sessions, commitments, kpis):what>.csv")
def export_csv(what):
    """Download sessions, commitments or KPI snapshots as CSV, with the page's filters."""
    return csv_export.download(g.user, what, args(FILTERS[what](), request.args))
