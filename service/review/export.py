"""Downloads of reviewed coaching: one session or a date range, as Markdown or JSON."""

import json
from datetime import UTC, date, datetime, time

from flask import Response
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import CoachingSession, Opportunity, User

from ..access import shared_sessions, shares_transcripts
from ..errors import ApiError
from . import quality
from .markdown_text import block, inline
from .scope import session_detail_options
from .sessions import detail_dict, session_detail

MAX_SESSIONS = 500  # one download; narrow the dates for more


def export_range(session: Session, user: User, date_from: date, date_to: date,
                 rep_id: int | None = None) -> list[dict]:
    """Confirmed sessions started within [date_from, date_to], oldest first, in constant queries."""
    if date_to < date_from:
        raise ApiError(422, "The end date is before the start date.",
                       fields={"date_to": ["Before date_from."]})
    stmt = shared_sessions(user).where(
        CoachingSession.started_at >= datetime.combine(date_from, time(), tzinfo=UTC),
        # through date_to's last instant: date_to + 1 day would overflow on 9999-12-31
        CoachingSession.started_at <= datetime.combine(date_to, time.max, tzinfo=UTC),
    ).options(*session_detail_options()).order_by(CoachingSession.started_at, CoachingSession.id)
    if shares_transcripts(user):
        stmt = stmt.options(selectinload(CoachingSession.messages))
    if rep_id:
        stmt = stmt.where(CoachingSession.rep_id == rep_id)
    sessions = session.scalars(stmt.limit(MAX_SESSIONS + 1)).all()
    if len(sessions) > MAX_SESSIONS:
        raise ApiError(422, f"More than {MAX_SESSIONS} sessions in that range: choose fewer days.",
                       fields={"date_to": ["Range too large."]})
    people = {s.rep_id for s in sessions} | {s.reviewed_by_id for s in sessions if s.reviewed_by_id}
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(people))).all())
    opp_ids = {s.opportunity_id for s in sessions if s.opportunity_id}
    opps = dict(session.execute(select(Opportunity.id, Opportunity.name)
                                .where(Opportunity.id.in_(opp_ids))).all())
    return [detail_dict(user, s, names, opps.get(s.opportunity_id)) for s in sessions]


def export_one(session: Session, user: User, session_id: int) -> list[dict]:
    return [session_detail(session, user, session_id)]


def _default(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def to_json(details: list[dict]) -> str:
    clean = [{k: v for k, v in d.items() if k != "notes"} | {
        "notes": [{k: v for k, v in n.items() if k != "mine"} for n in d["notes"]]} for d in details]
    return json.dumps({"sessions": clean, "exported_at": datetime.now(UTC)}, default=_default, indent=2)


def _when(value, zone) -> str:
    """A moment in the organization's zone, with the zone's abbreviation (2026-12-03 09:38 CET)."""
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z") if value else "—"


def to_markdown(details: list[dict], zone=UTC) -> str:
    return "\n\n---\n\n".join(_markdown(d, zone) for d in details) + "\n" if details else "No sessions.\n"


def _markdown(d: dict, zone) -> str:
    """One session; every value a person typed goes through `inline` or `block` (see markdown_text)."""
    rep = inline(d["rep"]["name"])
    lines = [f"# Coaching session {d['id']}: {rep}", "", f"- Mode: {inline(d['mode'].replace('_', ' '))}"]
    if d["opportunity"]:
        lines.append(f"- Opportunity: {inline(d['opportunity']['name'])}")
    lines += [f"- Started: {_when(d['started_at'], zone)}", f"- Confirmed: {_when(d['confirmed_at'], zone)}"]
    if d["reviewed_by"]:
        lines.append(f"- Reviewed: {_when(d['reviewed_at'], zone)} by {inline(d['reviewed_by']['name'])}")
    lines += ["", "## Summary", "", block(d["summary"]) or "(no summary)"]
    if d["help_asked"]:
        lines += ["", "## Help asked", "", block(d["help_asked"])]
    lines += ["", "## Commitments", ""]
    for c in d["commitments"]:
        due = f", due {c['due_date'].isoformat()}" if c["due_date"] else ""
        measure = f" (measure: {inline(c['measure'])})" if c["measure"] else ""
        lines.append(f"- [{'x' if c['status'] == 'done' else ' '}] {inline(c['text'])}{measure}: "
                     f"{inline(c['status'])}{due}")
    if not d["commitments"]:
        lines.append("(none)")
    lines += ["", "## Coaching quality", ""]
    lines += [f"- {label}: {text}" for _key, label, text in quality.shown(d["metrics"])]
    if d["transcript_visible"]:
        lines += _transcript(d["messages"], rep)
    if d["notes"]:
        lines += ["", "## Manager notes", ""]
        lines += [f"- {inline(n['author']['name'])} ({_when(n['updated_at'], zone)}): {inline(n['text'])}"
                  for n in d["notes"]]
    return "\n".join(lines)


def _transcript(messages: list[dict], rep: str) -> list[str]:
    """Stage headings and one paragraph per message, led by its speaker: "Coach" or "<rep> (rep)"."""
    lines, stage = ["", "## Transcript"], None
    for m in messages:
        if m["stage"] and m["stage"] != stage:
            stage = m["stage"]
            lines += ["", f"### {inline(stage.replace('_', ' ').capitalize())}"]
        who = "Coach" if m["role"] == "coach" else f"{rep} (rep)"
        lines += ["", f"**{who}:** {block(m['text'])}"]
    return lines


def download(details: list[dict], fmt: str, name: str, zone=UTC) -> Response:
    """The sessions as a file download: `name`.md (Markdown, times in `zone`) or `name`.json
    (ISO 8601 with the UTC offset, for machines)."""
    body = to_json(details) if fmt == "json" else to_markdown(details, zone)
    mimetype = "application/json" if fmt == "json" else "text/markdown"
    return Response(body, content_type=f"{mimetype}; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})
