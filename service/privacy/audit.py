"""The read audit: a row each time someone other than the rep opens a session's transcript
(review page, review API, sessions API) or downloads an export of it. The rep reads their own
rows (the widget's "Who read my sessions"); admins list and download all of them."""

from collections.abc import Iterable, Iterator

from sqlalchemy import insert, select
from sqlalchemy.orm import Session, aliased

from models import CoachingSession, TranscriptRead, User, utcnow

from ..pagination import paginate_rows
from .settings import check_admin

AUDIT_COLUMNS = ("read_at", "reader_id", "reader_name", "reader_role", "rep_id", "rep_name",
                 "session_id", "kind")


def record_reads(session: Session, reader: User, sessions: Iterable, kind: str) -> list:
    """Record the reader's read of each session (dicts or rows with id and rep); the rep's own
    sessions are not recorded. Commits; returns the sessions, as a list."""
    sessions = list(sessions)
    rows = []
    for s in sessions:
        sid, rep_id = (s["id"], s["rep"]["id"]) if isinstance(s, dict) else (s.id, s.rep_id)
        if rep_id != reader.id:
            rows.append({"org_id": reader.org_id, "reader_id": reader.id, "rep_id": rep_id,
                         "session_id": sid, "kind": kind, "read_at": utcnow()})
    if rows:  # one executemany, however many sessions an export holds
        session.execute(insert(TranscriptRead), rows)
        session.commit()
    return sessions


Reader = aliased(User)
Rep = aliased(User)


def _rows(org_id: int):
    return (select(TranscriptRead, Reader, Rep, CoachingSession)
            .join(Reader, Reader.id == TranscriptRead.reader_id)
            .join(Rep, Rep.id == TranscriptRead.rep_id)
            .join(CoachingSession, CoachingSession.id == TranscriptRead.session_id)
            .where(TranscriptRead.org_id == org_id)
            .order_by(TranscriptRead.read_at.desc(), TranscriptRead.id.desc()))


def _dump(read, reader, rep, coaching) -> dict:
    return {"id": read.id, "read_at": read.read_at, "kind": read.kind, "session_id": read.session_id,
            "session": {"id": coaching.id, "mode": coaching.mode, "started_at": coaching.started_at},
            "reader": {"id": reader.id, "name": reader.name, "role": reader.role},
            "rep": {"id": rep.id, "name": rep.name}}


def _page(session: Session, stmt, args: dict) -> dict:
    page = paginate_rows(session, stmt, args)
    return {**page, "items": [_dump(*row) for row in page["items"]]}


def reads_of_rep(session: Session, rep: User, args: dict) -> dict:
    """A page of the reads of the rep's own sessions (optionally one session), newest first."""
    stmt = _rows(rep.org_id).where(TranscriptRead.rep_id == rep.id)
    if args.get("session_id"):
        stmt = stmt.where(TranscriptRead.session_id == args["session_id"])
    return _page(session, stmt, args)


def _filtered(admin: User, args: dict):
    check_admin(admin)
    stmt = _rows(admin.org_id)
    if args.get("reader_id"):
        stmt = stmt.where(TranscriptRead.reader_id == args["reader_id"])
    if args.get("rep_id"):
        stmt = stmt.where(TranscriptRead.rep_id == args["rep_id"])
    return stmt


def audit_page(session: Session, admin: User, args: dict) -> dict:
    """Admins: a page of the organization's reads, filtered by reader and rep."""
    return _page(session, _filtered(admin, args), args)


def audit_rows(session: Session, admin: User, args: dict) -> Iterator[tuple]:
    """Admins: every read matching the filters as CSV rows, read in batches."""
    stmt = _filtered(admin, args).execution_options(yield_per=500)
    for read, reader, rep, _coaching in session.execute(stmt):
        yield (read.read_at, reader.id, reader.name, reader.role, rep.id, rep.name,
               read.session_id, read.kind)
