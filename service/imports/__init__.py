"""Data from a CRM: CSV files (`flask import csv`, the API, the admin page) and connectors write
through one layer, `upsert.py`, idempotent on each record's external id."""

from .lookups import Lookups
from .upsert import upsert_account, upsert_kpi_snapshot, upsert_opportunity, upsert_user
from .values import RowRejected

UPSERTS = {"accounts": upsert_account, "opportunities": upsert_opportunity,
           "kpi_snapshots": upsert_kpi_snapshot, "users": upsert_user}
KINDS = tuple(UPSERTS)

__all__ = ["KINDS", "Lookups", "RowRejected", "UPSERTS", "upsert_account", "upsert_kpi_snapshot",
           "upsert_opportunity", "upsert_user"]
