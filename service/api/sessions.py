"""Coaching sessions: start one, chat (JSON or server-sent events), end it, confirm the summary.

Only the rep who owns a session writes to it. Managers and admins read the confirmed sessions
of the reps access.py lets them see; a rep's unconfirmed sessions are never shown to them.
"""

from flask import current_app, g, request
from flask.views import MethodView

from models import CoachingSession, Message

from .. import access, limits
from ..coach_setup import get_coach
from ..db import db
from ..errors import ApiError
from ..pagination import page_of, paginate
from ..privacy.audit import record_reads
from ..sessions.answers import answers_of
from ..sessions.assignments import link, start_kwargs
from ..sessions.claim import accept_message, lookup_turn, turn_kind
from ..sessions.drafts import add_draft
from ..sessions.ending import compute_metrics, edit_summary, end_session
from ..sessions.lifecycle import change_language, discard, reopen
from ..sessions.turn import StoredTurn, create_session, open_session, run_turn, stored_turn
from ..streaming import event_stream, sse_response
from . import ErrorSchema, blueprint
from .commitments import CommitmentRecordSchema
from .session_schemas import (
    ChatSessionDetailSchema,
    ChatSessionSchema,
    MessageInSchema,
    SessionEditSchema,
    SessionListArgs,
    SessionStartSchema,
    SummaryEditSchema,
    TurnSchema,
)

blp = blueprint("sessions", __name__, "/sessions", "Coaching sessions and their messages.")


def readable(session_id: int) -> CoachingSession:
    return access.get_readable_session(db.session, g.user, session_id)


def owned(session_id: int) -> CoachingSession:
    return access.get_own_session(db.session, g.user, session_id)


def dump(row: CoachingSession, detail: bool = False) -> dict:
    data = {c: getattr(row, c) for c in (
        "id", "rep_id", "mode", "status", "stage", "opportunity_id", "account_id", "started_at",
        "ended_at", "confirmed_at", "summary", "help_asked")}
    data["transcript_visibility"] = _visibility(row)
    data["language"] = ((row.state or {}).get("context") or {}).get("language") or "en"
    if detail:
        data["messages"] = row.messages if access.sees_transcript(g.user, row) else []
        data["commitments"] = row.commitments
        data["answers"] = answers_of(row)
        data["metrics"] = compute_metrics(db.session, row) if row.status == "active" else row.metrics
    return data


def _visibility(row: CoachingSession) -> str:
    from models import Organization

    return db.session.get(Organization, row.org_id).transcript_visibility


def wants_stream() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/event-stream"])
    return best == "text/event-stream"


def accept_within_limits(found: dict, text: str, client_message_id: str, choice: str | None):
    """Store (and claim) a new message within the limits, charged once stored; a resend of a
    stored message is free: no rate-limit charge, no turn-cap count (its turn was counted)."""
    row, kind = found["row"], turn_kind(found, client_message_id)
    if kind == "new":
        limits.check_before_turn(g.user, row, turns=found["rep_turns"])
    elif kind == "resend":  # the model runs again: the organization's budget still applies
        limits.check_org_tokens(g.user.org_id)
    accepted = accept_message(db.session, row, text, client_message_id, found=found,
                              choice=choice,
                              claim_seconds=current_app.config["TURN_CLAIM_SECONDS"])
    if kind == "new":
        limits.count_turn(g.user)
    return accepted


def answer_turn(row: CoachingSession, rep: Message, reply: Message | None):
    """The stored reply when there is one; else run the coach (no DB connection held)."""
    db.session.close()
    if reply is not None:
        events = iter([("done", StoredTurn(reply, rep, row))])
    else:
        events = run_turn(db.sessionmaker, get_coach(current_app), row.id, rep.id, row=row, rep=rep)
    return sse_response(event_stream(events)) if wants_stream() else stored_turn(events)


def _create(coach, data: dict) -> int:
    """A new session of the caller's, preset by their assignment when one is named."""
    assignment = None
    if data.get("assignment_id") is not None:
        assignment = access.get_assignment(db.session, g.user, data["assignment_id"], to_start=True)
        data = {**data, **start_kwargs(assignment)}
    row = create_session(db.session, coach, g.user, data["mode"],
                         opportunity_id=data.get("opportunity_id"),
                         account_id=data.get("account_id"), new=data["new"],
                         language=data["language"],
                         claim_seconds=current_app.config["TURN_CLAIM_SECONDS"])
    if assignment is not None:
        link(db.session, assignment, row)
    return row.id


@blp.route("")
class Sessions(MethodView):
    @blp.arguments(SessionListArgs, location="query")
    @blp.response(200, page_of(ChatSessionSchema))
    def get(self, args):
        """List sessions you can see (yours; confirmed ones of your reps), newest first."""
        stmt = access.readable_sessions(g.user).order_by(CoachingSession.started_at.desc(),
                                                         CoachingSession.id.desc())
        for key in ("status", "mode", "rep_id"):
            if key in args:
                stmt = stmt.where(getattr(CoachingSession, key) == args[key])
        page = paginate(db.session, stmt, args)
        return {**page, "items": [dump(r) for r in page["items"]]}

    @blp.arguments(SessionStartSchema)
    @blp.response(201, ChatSessionDetailSchema)
    @blp.alt_response(409, schema=ErrorSchema, description=(
        "`session_active`: you have a session in progress, `fields.session_id` names it; "
        "resume it, or send `new: true` to start another."))
    def post(self, data):
        """Start a session for yourself; the coach speaks first."""
        limits.check_session_start(g.user)
        coach = get_coach(current_app)
        session_id = _create(coach, data)
        db.session.close()
        stored_turn(open_session(db.sessionmaker, coach, session_id))
        return dump(readable(session_id), detail=True)


@blp.route("/<int:session_id>")
class SessionById(MethodView):
    @blp.response(200, ChatSessionDetailSchema)
    def get(self, session_id):
        """Read a session: transcript, metrics, summary, commitments, help asked."""
        row = readable(session_id)
        if row.rep_id != g.user.id and access.sees_transcript(g.user, row):
            record_reads(db.session, g.user, [row], "api")
        return dump(row, detail=True)

    @blp.arguments(SessionEditSchema)
    @blp.response(200, ChatSessionDetailSchema)
    @blp.alt_response(409, schema=ErrorSchema, description=(
        "The session has ended. `reply_pending`: the coach is answering a message; try again."))
    def patch(self, data, session_id):
        """Change the language the coach speaks in your active session, from its next reply on."""
        row = owned(session_id)
        change_language(db.session, row, data["language"])
        return dump(row, detail=True)

    @blp.response(204)
    @blp.alt_response(409, schema=ErrorSchema, description=(
        "`session_confirmed`: a confirmed session is on the record and stays. "
        "`reply_pending`: the coach is answering a message of this session; try again."))
    def delete(self, session_id):
        """Discard your unconfirmed session with all it made (follow-up answers undone)."""
        discard(db.session, owned(session_id))


@blp.route("/<int:session_id>/messages")
class Messages(MethodView):
    @blp.arguments(MessageInSchema)
    @blp.response(200, TurnSchema)
    @blp.alt_response(200, description="With `Accept: text/event-stream`: events delta, replace, "
                      "done and error.", content_type="text/event-stream", success=True)
    @blp.alt_response(409, schema=ErrorSchema, description=(
        "`reply_pending`: another message of this session is being answered, or has no reply "
        "yet (`fields.client_message_id` names it: resend that one); with `Retry-After` while "
        "its turn is still running. `turn_limit`: the session is full, end it. Or the session "
        "has ended."))
    def post(self, data, session_id):
        """Send your message; the coach's reply comes back as JSON or streamed as events."""
        found = lookup_turn(db.session, session_id, data["client_message_id"], g.user)
        if found is None:  # not this rep's session: the same answer as every other write
            owned(session_id)
            raise ApiError(404, f"No session {session_id} here.")
        rep, reply = accept_within_limits(found, data["text"], data["client_message_id"],
                                          data["choice"])
        return answer_turn(found["row"], rep, reply)


@blp.route("/<int:session_id>/end")
class EndSession(MethodView):
    @blp.response(200, ChatSessionDetailSchema)
    def post(self, session_id):
        """End the session: the coach drafts the summary and commitments for you to confirm."""
        row = owned(session_id)
        db.session.close()
        end_session(db.sessionmaker, get_coach(current_app), row.id)
        return dump(readable(session_id), detail=True)


@blp.route("/<int:session_id>/reopen")
class ReopenSession(MethodView):
    @blp.response(200, ChatSessionDetailSchema)
    @blp.alt_response(409, schema=ErrorSchema,
                      description="`session_confirmed`: a confirmed session stays ended.")
    def post(self, session_id):
        """Back to the chat from the end view: the session is active again, its draft dropped."""
        row = owned(session_id)
        reopen(db.session, row)
        return dump(row, detail=True)


@blp.route("/<int:session_id>/summary")
class Summary(MethodView):
    @blp.arguments(SummaryEditSchema)
    @blp.response(200, ChatSessionDetailSchema)
    def patch(self, data, session_id):
        """Edit the drafted summary; `confirmed: true` shares it with your manager."""
        row = owned(session_id)
        edit_summary(db.session, row, data, get_coach(current_app))
        return dump(row, detail=True)


@blp.route("/<int:session_id>/commitments")
class SessionCommitments(MethodView):
    @blp.arguments(CommitmentRecordSchema)
    @blp.response(201, CommitmentRecordSchema)
    def post(self, data, session_id):
        """Add a commitment to the session (a draft until the session is confirmed)."""
        return add_draft(db.session, get_coach(current_app), owned(session_id), data)
