"""CSV downloads for BI tools: sessions, commitments and KPI snapshots, with the pages' filters.

Streamed: rows are read in batches (yield_per) and written out as they come, so a large export
never sits in memory. The headers are fixed (README: CSV export) and only ever gain columns at the
end. Dates and times are ISO 8601 (times in UTC), booleans true/false, empty for none. A text cell
a spreadsheet would read as a formula (starting with = + - @, a tab or a carriage return) is
prefixed with ' so it shows as typed and never runs.
"""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal

from flask import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import KpiSnapshot, Team, User, utcnow

from ..access import rep_clause
from ..db import db
from ..privacy.audit import record_reads
from .sessions import filtered_commitments, filtered_sessions

BATCH = 500
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

SESSION_COLUMNS = ("session_id", "rep_id", "rep_name", "team_id", "team_name", "mode",
                   "opportunity_id", "opportunity_name", "started_at", "ended_at", "confirmed_at",
                   "reviewed_at", "reviewed_by_id", "help_asked", "summary")
COMMITMENT_COLUMNS = ("commitment_id", "session_id", "rep_id", "rep_name", "team_id", "text", "kind",
                      "measure", "due_date", "status", "follow_up", "outcome_note", "opportunity_id",
                      "created_at", "closed_at")
KPI_COLUMNS = ("rep_id", "rep_name", "team_id", "period_type", "period_start", "currency",
               "pipeline_count", "proposals", "deals_closed", "pipeline_value", "closed_value", "quota")


def cell(value) -> str:
    """One value as the CSV shows it; text that would start a formula gets a leading '."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | Decimal):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def lines(columns: tuple[str, ...], rows: Iterable[Iterable]) -> Iterator[str]:
    """The header, then the rows, a batch of CSV text at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for count, row in enumerate(rows, 1):
        writer.writerow([cell(v) for v in row])
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _stream(session: Session, stmt):
    return session.execute(stmt.execution_options(yield_per=BATCH))


def session_rows(session: Session, user: User, args: dict) -> Iterator[tuple]:
    stmt = (filtered_sessions(session, user, args).add_columns(User.team_id, Team.name)
            .outerjoin(Team, Team.id == User.team_id))
    for s, rep, opp, team_id, team in _stream(session, stmt):
        yield (s.id, s.rep_id, rep, team_id, team, s.mode, s.opportunity_id, opp, s.started_at,
               s.ended_at, s.confirmed_at, s.reviewed_at, s.reviewed_by_id, s.help_asked, s.summary)


def commitment_rows(session: Session, user: User, args: dict) -> Iterator[tuple]:
    today = utcnow().date()
    stmt = filtered_commitments(user, args, args.get("status")).add_columns(User.team_id)
    for c, rep, team_id in _stream(session, stmt):
        overdue = c.status == "open" and c.due_date is not None and c.due_date < today
        yield (c.id, c.session_id, c.rep_id, rep, team_id, c.text, c.kind, c.measure, c.due_date,
               "overdue" if overdue else c.status, c.follow_up, c.outcome_note, c.opportunity_id,
               c.created_at, c.closed_at)


def kpi_rows(session: Session, user: User, args: dict) -> Iterator[tuple]:
    stmt = (select(KpiSnapshot, User.name, User.team_id).join(User, User.id == KpiSnapshot.rep_id)
            .where(KpiSnapshot.org_id == user.org_id, rep_clause(KpiSnapshot.rep_id, user))
            .order_by(KpiSnapshot.period_start, User.name, KpiSnapshot.rep_id, KpiSnapshot.period_type))
    for key, column in (("rep_id", KpiSnapshot.rep_id), ("team_id", User.team_id),
                        ("period_type", KpiSnapshot.period_type)):
        if args.get(key):
            stmt = stmt.where(column == args[key])
    if args.get("date_from"):
        stmt = stmt.where(KpiSnapshot.period_start >= args["date_from"])
    if args.get("date_to"):
        stmt = stmt.where(KpiSnapshot.period_start <= args["date_to"])
    for k, rep, team_id in _stream(session, stmt):
        yield (k.rep_id, rep, team_id, k.period_type, k.period_start, k.currency, k.pipeline_count,
               k.proposals, k.deals_closed, k.pipeline_value, k.closed_value, k.quota)


EXPORTS = {"sessions": (SESSION_COLUMNS, session_rows),
           "commitments": (COMMITMENT_COLUMNS, commitment_rows),
           "kpis": (KPI_COLUMNS, kpi_rows)}


def _streamed(factory, user_id: int, credential, what: str, args: dict) -> Iterator[str]:
    """The CSV text, read with a database session of its own (from `factory`): the request's is
    closed when the view returns, before the body is sent, and no request context is needed."""
    columns, rows = EXPORTS[what]
    session, sent = factory(), []
    try:
        user = session.get(User, user_id)
        user.credential = credential  # how the request authenticated (access.by_widget)
        found = rows(session, user, args)
        if what == "sessions":  # the read audit: which sessions went out (ids only)
            found = _noting(found, sent)
        yield from lines(columns, found)
    finally:
        session.close()
        if sent:  # recorded after the stream (its cursor is open until then), even when cut short
            _record_exported(factory, user_id, sent)


def _noting(rows: Iterator[tuple], sent: list) -> Iterator[tuple]:
    for row in rows:
        sent.append({"id": row[0], "rep": {"id": row[1]}})
        yield row


def _record_exported(factory, user_id: int, sent: list) -> None:
    session = factory()
    try:
        record_reads(session, session.get(User, user_id), sent, "export")
    finally:
        session.close()


def download(user: User, what: str, args: dict) -> Response:
    """`what`.csv streamed as a download (the rows are read while the response is sent)."""
    body = _streamed(db.sessionmaker, user.id, getattr(user, "credential", None), what, args)
    return Response(body, content_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{what}-{utcnow():%Y-%m-%d}.csv"'})
