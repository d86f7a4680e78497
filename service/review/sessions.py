"""Sessions a manager reviews: filtered, searched and paginated lists; one session; notes."""

from datetime import datetime, time

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from models import CoachingSession, Commitment, ManagerNote, Opportunity, User, utcnow

from ..access import get_own_note, shared_commitments, shared_sessions, shares_transcripts
from ..pagination import paginate_rows
from . import quality
from .scope import commitment_options, get_session


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _day_start(day, tz) -> datetime:
    return datetime.combine(day, time(), tzinfo=tz)


def search_sessions(session: Session, user: User, args: dict) -> dict:
    """One COUNT and one page query, whatever the filters, page or database size."""
    page = paginate_rows(session, filtered_sessions(session, user, args), args)
    page["items"] = [_row(coaching, rep_name, opp_name) for coaching, rep_name, opp_name in page["items"]]
    return page


def filtered_sessions(session: Session, user: User, args: dict):
    """SELECT (session, rep name, opportunity name) of the shared sessions the filters match, newest
    first: the sessions page, its API and the CSV export."""
    from datetime import UTC

    stmt = (shared_sessions(user)
            .add_columns(User.name.label("rep_name"), Opportunity.name.label("opportunity_name"))
            .join(User, User.id == CoachingSession.rep_id)
            .outerjoin(Opportunity, Opportunity.id == CoachingSession.opportunity_id)
            .order_by(CoachingSession.confirmed_at.desc(), CoachingSession.id.desc()))
    if args.get("rep_id"):
        stmt = stmt.where(CoachingSession.rep_id == args["rep_id"])
    if args.get("team_id"):
        stmt = stmt.where(User.team_id == args["team_id"])
    if args.get("mode"):
        stmt = stmt.where(CoachingSession.mode == args["mode"])
    if args.get("opportunity_id"):
        stmt = stmt.where(CoachingSession.opportunity_id == args["opportunity_id"])
    if args.get("date_from"):
        stmt = stmt.where(CoachingSession.started_at >= _day_start(args["date_from"], UTC))
    if args.get("date_to"):  # through the day's last instant: date_to + 1 day overflows 9999-12-31
        stmt = stmt.where(CoachingSession.started_at <= datetime.combine(args["date_to"], time.max, UTC))
    if args.get("reviewed") is not None:
        column = CoachingSession.reviewed_at
        stmt = stmt.where(column.is_not(None) if args["reviewed"] else column.is_(None))
    if args.get("q"):
        stmt = stmt.where(_matches(user, args["q"].strip(), session.get_bind().dialect.name))
    return stmt


def _matches(user: User, text: str, dialect: str):
    """Search the summary, the help asked and the commitments; the transcript only when visible."""
    pattern = _like(text)
    clauses = [CoachingSession.summary.ilike(pattern, escape="\\"),
               CoachingSession.help_asked.ilike(pattern, escape="\\"),
               exists().where(Commitment.session_id == CoachingSession.id,
                              Commitment.text.ilike(pattern, escape="\\"))]
    if shares_transcripts(user):
        from models import Message

        said = Message.text.ilike(pattern, escape="\\")
        if dialect == "postgresql":
            # The matching messages' sessions as one set: the ILIKE is answered by the trigram GIN
            # index ix_messages_text_trgm (a bitmap scan), not a probe per session; SQLite has no
            # such index and is faster with EXISTS (measured in benchmarks/review_pages.py).
            clauses.append(CoachingSession.id.in_(select(Message.session_id).where(said)))
        else:
            clauses.append(exists().where(Message.session_id == CoachingSession.id, said))
    return or_(*clauses)


def _row(coaching: CoachingSession, rep_name: str, opportunity_name: str | None) -> dict:
    return {
        "id": coaching.id, "rep": {"id": coaching.rep_id, "name": rep_name}, "mode": coaching.mode,
        "opportunity": {"id": coaching.opportunity_id, "name": opportunity_name}
        if coaching.opportunity_id else None,
        "started_at": coaching.started_at, "confirmed_at": coaching.confirmed_at,
        "summary": coaching.summary, "help_asked": coaching.help_asked,
        "reviewed_at": coaching.reviewed_at,
    }


def session_detail(session: Session, user: User, session_id: int) -> dict:
    """Everything the session page shows, in a fixed number of queries."""
    coaching = get_session(session, user, session_id, messages=True)
    names = dict(session.execute(select(User.id, User.name).where(
        User.id.in_({coaching.rep_id, coaching.reviewed_by_id or coaching.rep_id}))).all())
    opportunity = session.get(Opportunity, coaching.opportunity_id) if coaching.opportunity_id else None
    return detail_dict(user, coaching, names, opportunity.name if opportunity else None)


def detail_dict(user: User, coaching: CoachingSession, names: dict, opportunity_name) -> dict:
    """One session as the manager may see it (transcript only when the organization allows)."""
    full = shares_transcripts(user)
    messages = coaching.messages if full else None
    figures = coaching.metrics or (quality.from_messages(messages, len(coaching.commitments))
                                   if messages is not None else {})
    return {
        **_row(coaching, names[coaching.rep_id], opportunity_name),
        "ended_at": coaching.ended_at, "stage": coaching.stage,
        "transcript_visible": full,
        "messages": [{"id": m.id, "role": m.role, "text": m.text, "stage": m.stage,
                      "created_at": m.created_at} for m in messages] if full else [],
        "commitments": [_commitment(c) for c in coaching.commitments if c.confirmed],
        "notes": [{"id": n.id, "text": n.text, "author": {"id": n.author_id, "name": n.author.name},
                   "created_at": n.created_at, "updated_at": n.updated_at, "mine": n.author_id == user.id}
                  for n in coaching.notes],
        "metrics": figures,
        "reviewed_by": {"id": coaching.reviewed_by_id, "name": names.get(coaching.reviewed_by_id)}
        if coaching.reviewed_by_id else None,
    }


def _commitment(c: Commitment, today=None) -> dict:
    today = today or utcnow().date()
    overdue = c.status == "open" and c.due_date is not None and c.due_date < today
    return {"id": c.id, "text": c.text, "due_date": c.due_date, "measure": c.measure, "kind": c.kind,
            "status": "overdue" if overdue else c.status, "outcome_note": c.outcome_note,
            "session_id": c.session_id, "rep_id": c.rep_id, "last_change": _change(c.last_change)}


def _change(change) -> dict | None:
    """Who last set the status, when and why (loaded with the commitment: commitment_options),
    keyed as StatusChangeSchema reads a change."""
    if change is None:
        return None
    by = change.changed_by
    return {"to_status": change.to_status, "from_status": change.from_status, "note": change.note,
            "changed_at": change.changed_at,
            "changed_by": {"id": by.id, "name": by.name, "role": by.role}}


def filtered_commitments(user: User, args: dict, status: str | None = None):
    """SELECT (commitment, rep name) of the shared commitments of `args["rep_id"]` (if given) and
    `status` (open, done, dropped, or overdue: open and past its date), soonest due first."""
    stmt = (shared_commitments(user).add_columns(User.name).join(User, User.id == Commitment.rep_id)
            .order_by(Commitment.due_date.is_(None), Commitment.due_date, Commitment.id))
    if status == "overdue":
        stmt = stmt.where(Commitment.status == "open", Commitment.due_date < utcnow().date())
    elif status:
        stmt = stmt.where(Commitment.status == status)
    if args.get("rep_id"):
        stmt = stmt.where(Commitment.rep_id == args["rep_id"])
    if args.get("team_id"):
        stmt = stmt.where(User.team_id == args["team_id"])
    return stmt


def open_commitments(session: Session, user: User, args: dict) -> dict:
    """The team's open commitments, soonest due first (overdue at the top)."""
    stmt = filtered_commitments(user, args, "open").options(*commitment_options())
    page = paginate_rows(session, stmt, args)
    page["items"] = [{**_commitment(c), "rep": {"id": c.rep_id, "name": name}}
                     for c, name in page["items"]]
    return page


def add_note(session: Session, user: User, session_id: int, text: str) -> ManagerNote:
    coaching = get_session(session, user, session_id)
    note = ManagerNote(session_id=coaching.id, author_id=user.id, text=text)
    session.add(note)
    session.commit()
    return note


def edit_note(session: Session, user: User, note_id: int, text: str) -> ManagerNote:
    note = get_own_note(session, user, note_id)
    note.text = text
    note.updated_at = utcnow()
    session.commit()
    return note


def mark_reviewed(session: Session, user: User, session_id: int, reviewed: bool = True):
    coaching = get_session(session, user, session_id)
    coaching.reviewed_at = utcnow() if reviewed else None
    coaching.reviewed_by_id = user.id if reviewed else None
    session.commit()
    return coaching
