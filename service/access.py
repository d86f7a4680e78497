"""Who may see what. Every query for rep-owned data goes through here.

A rep sees their own context; a manager, the reps of the teams they lead (and themselves);
an admin, their whole organization. Nothing crosses organizations: objects of another
organization, or of reps the caller may not see, answer 404 (never "exists but forbidden").
Writing a pipeline (accounts, opportunities, figures, assessments) is for the rep who owns it
and the organization's admins; managers read. A coaching session draws only on the rep's own
pipeline. Sessions and commitments are the rep's: others read them once the rep confirmed the
session (transcripts only where the organization shares them), and only the rep changes them;
a manager's note is changed only by its author. The rep's own manager (or an admin) may also
set a confirmed commitment's status after a one-to-one, and asks a rep of theirs to hold a
session (an assignment), about that rep's own deal or account. A widget token reaches only WIDGET_REACH, and
only its own user's data, whatever their role.

Every rule takes the user it is about, so the API, the review pages and the orchestration share
them without a request: auth marks how a request's user authenticated on the user itself.
"""

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from models import (
    ApiToken,
    CoachingSession,
    Commitment,
    ManagerNote,
    SessionAssignment,
    Team,
    User,
    team_managers,
)

from .domain_errors import Conflict, Forbidden, NotFound

# Endpoint -> methods a widget token may call: what widget.js needs for its user and nothing
# more (no tokens, users, settings, review or admin routes). Everything else answers 403.
WIDGET_REACH = {
    "me.Me": {"GET"},
    "modes.Modes": {"GET"},
    "sessions.Sessions": {"GET", "POST"},
    # DELETE: own unconfirmed sessions only; PATCH: the language of the rep's own session
    "sessions.SessionById": {"GET", "PATCH", "DELETE"},
    "sessions.Messages": {"POST"},
    "sessions.EndSession": {"POST"},
    "sessions.ReopenSession": {"POST"},
    "sessions.SessionCommitments": {"POST"},
    "sessions.Summary": {"PATCH"},
    "commitments.Commitments": {"GET"},
    "commitments.CommitmentById": {"GET", "PATCH", "DELETE"},  # DELETE: own drafts only
    "assignments.Assignments": {"GET"},  # the rep's own; a start goes through POST /sessions
    "accounts.Accounts": {"GET"},
    "accounts.AccountById": {"GET"},
    "opportunities.Opportunities": {"GET"},
    "opportunities.OpportunityById": {"GET"},
}


def by_widget(user: User) -> bool:
    """Whether the user authenticated with a widget token. auth.authenticate sets the plain
    (not stored) attribute ``user.credential``; a user loaded any other way has none."""
    return getattr(user, "credential", None) == "widget"


def check_widget_reach(endpoint: str | None, method: str) -> None:
    """Called by auth.authenticate for a widget token: refuse whatever the widget does not need.
    HEAD runs the GET view, so it is allowed only where GET is."""
    method = "GET" if method == "HEAD" else method
    if method not in WIDGET_REACH.get(endpoint or "", set()) and method != "OPTIONS":
        raise Forbidden("A widget token reaches only the coaching widget's own calls; "
                        "use an API token for this.", code="widget_token")


# -- reps and their pipeline -------------------------------------------------------------------

def _self_only(user: User) -> bool:
    return user.role == "rep" or by_widget(user)


def visible_rep_ids(user: User):
    """A SELECT of the user ids whose coaching data the user may read."""
    if _self_only(user):
        return select(User.id).where(User.id == user.id)
    if user.role == "admin":
        return select(User.id).where(User.org_id == user.org_id)
    if user.role == "manager":
        led = select(team_managers.c.team_id).where(team_managers.c.user_id == user.id)
        return select(User.id).where(
            User.org_id == user.org_id, (User.team_id.in_(led)) | (User.id == user.id)
        )
    return select(User.id).where(User.id == user.id)


def rep_clause(column, user: User) -> ColumnElement[bool]:
    """WHERE clause limiting a rep-id column to what the user may read."""
    if _self_only(user):
        return column == user.id
    return column.in_(visible_rep_ids(user))


def can_read_rep(session: Session, user: User, rep_id: int) -> bool:
    if _self_only(user):
        return rep_id == user.id
    return session.scalar(visible_rep_ids(user).where(User.id == rep_id)) is not None


def can_write_rep(user: User, rep_id: int, rep_org_id: int) -> bool:
    """Reps write their own pipeline; admins anyone's in their organization; managers read."""
    if by_widget(user):
        return rep_id == user.id
    if user.role == "admin":
        return rep_org_id == user.org_id
    return user.role == "rep" and rep_id == user.id


def get_visible(session: Session, model, object_id: int, user: User, owner_attr: str):
    """Load an org-scoped, rep-owned object or answer 404."""
    obj = session.get(model, object_id)
    if obj is None or obj.org_id != user.org_id or not can_read_rep(
        session, user, getattr(obj, owner_attr)
    ):
        raise NotFound(f"No {model.__name__.lower()} {object_id} here.")
    return obj


def check_writable(user: User, rep_id: int, org_id: int) -> None:
    if not can_write_rep(user, rep_id, org_id):
        raise Forbidden("Only the rep who owns this or an admin can create or change it; "
                        "managers read.")


def get_own(session: Session, model, object_id: int, user: User, label: str):
    """An account or opportunity the user owns themselves, or 404: a coaching session draws on
    the rep's own pipeline only, whoever else may read it."""
    obj = session.get(model, object_id)
    if obj is None or obj.org_id != user.org_id or obj.owner_id != user.id:
        raise NotFound(f"No {label} {object_id} of yours here.")
    return obj


def own_pipeline(model, user: User):
    """A SELECT of the accounts or opportunities the user owns themselves: what a session can be
    about (the terminal's picker lists them, as get_own checks the one chosen)."""
    return select(model).where(model.org_id == user.org_id, model.owner_id == user.id)


# -- people, teams and tokens ------------------------------------------------------------------

def get_visible_user(session: Session, user: User, user_id: int) -> User:
    """A user whose coaching data the caller may read, or 404."""
    found = session.get(User, user_id)
    if found is None or not can_read_rep(session, user, user_id):
        raise NotFound(f"No user {user_id} here.")
    return found


def visible_teams(user: User):
    """Admins: their organization's teams; managers: the teams they lead; reps: their own."""
    stmt = select(Team).where(Team.org_id == user.org_id)
    if user.role == "admin":
        return stmt
    if user.role == "manager":
        return stmt.where(Team.managers.any(User.id == user.id))
    if user.team_id is None:
        return stmt.where(false())
    return stmt.where(Team.id == user.team_id)


def may_issue_token_for(user: User, target: User | None) -> bool:
    """An API or widget token is for yourself, or (admins) for anyone in the organization."""
    return target is not None and target.org_id == user.org_id and (
        target.id == user.id or user.role == "admin")


def visible_tokens(user: User):
    """Admins manage their organization's tokens; everyone else only their own."""
    if user.role == "admin":
        return select(ApiToken).join(User).where(User.org_id == user.org_id)
    return select(ApiToken).where(ApiToken.user_id == user.id)


def check_keeps_an_admin(session: Session, user: User, role: str, active: bool) -> None:
    """Refuse (409) a change that would leave the user's organization without an active admin."""
    if user.role != "admin" or not user.active or (role == "admin" and active):
        return
    others = session.scalar(select(func.count(User.id)).where(
        User.org_id == user.org_id, User.role == "admin", User.active.is_(True), User.id != user.id))
    if not others:
        raise Conflict("This is the organization's last active admin: make another user an "
                       "admin first.", code="last_admin")


def get_crm_connection(session: Session, user: User, connection_id: int):
    """A CRM connection of the admin's own organization (only admins connect CRMs)."""
    from models import CrmConnection

    if user.role != "admin":
        raise Forbidden("Only an admin of the organization can manage its CRM connections.")
    return _one_or_404(session, select(CrmConnection).where(
        CrmConnection.id == connection_id, CrmConnection.org_id == user.org_id),
        "CRM connection", connection_id)


# -- coaching sessions, commitments, notes -----------------------------------------------------

def reviewable_reps(user: User):
    """SELECT of the reps (role rep, any state) whose confirmed coaching the user reviews."""
    return select(User).where(User.id.in_(visible_rep_ids(user)), User.role == "rep")


def get_reviewable_rep(session: Session, user: User, rep_id: int) -> User:
    return _one_or_404(session, reviewable_reps(user).where(User.id == rep_id), "rep", rep_id)


def _shared_session(user: User) -> ColumnElement[bool]:
    return and_(CoachingSession.status == "confirmed", rep_clause(CoachingSession.rep_id, user))


def shared_sessions(user: User):
    """SELECT of the confirmed sessions of reps the user may read: a session counts as shared
    only once its rep confirmed it, so an unconfirmed one never reaches a review page, a list,
    a search, an export or a webhook."""
    return select(CoachingSession).where(CoachingSession.org_id == user.org_id,
                                         _shared_session(user))


def readable_sessions(user: User):
    """SELECT of the user's own sessions (drafts too) and the sessions shared with them."""
    return select(CoachingSession).where(CoachingSession.org_id == user.org_id, or_(
        CoachingSession.rep_id == user.id, _shared_session(user)))


def _one_or_404(session: Session, stmt, what: str, object_id: int):
    """The one row a visibility SELECT narrowed to ``object_id`` finds, or 404 (never 403: what
    the user may not read does not exist for them)."""
    found = session.scalar(stmt)
    if found is None:
        raise NotFound(f"No {what} {object_id} here.")
    return found


def get_readable_session(session: Session, user: User, session_id: int) -> CoachingSession:
    return _one_or_404(session, readable_sessions(user).where(CoachingSession.id == session_id),
                       "session", session_id)


def get_own_session(session: Session, user: User, session_id: int) -> CoachingSession:
    """A session the user may change: their own (404 if they may not read it, else 403)."""
    row = get_readable_session(session, user, session_id)
    if row.rep_id != user.id:
        raise Forbidden("Only the rep coaching themselves can change this session.")
    return row


def get_shared_session(session: Session, user: User, session_id: int,
                       options=()) -> CoachingSession:
    """One session shared with the user (loaded with ``options``), or 404."""
    stmt = shared_sessions(user).where(CoachingSession.id == session_id).options(*options)
    return _one_or_404(session, stmt, "session", session_id)


def shares_transcripts(user: User) -> bool:
    """Whether the user's organization lets others than the rep read full transcripts (admins
    follow the same rule as managers)."""
    return user.organization.transcript_visibility == "full"


def sees_transcript(user: User, coaching: CoachingSession) -> bool:
    """The rep always reads their own transcript; others only where transcripts are shared."""
    return coaching.rep_id == user.id or shares_transcripts(user)


def shared_commitments(user: User):
    """SELECT of the confirmed commitments of sessions shared with the user."""
    return select(Commitment).join(Commitment.session).where(
        Commitment.org_id == user.org_id, Commitment.confirmed.is_(True),
        CoachingSession.status == "confirmed", rep_clause(Commitment.rep_id, user))


def readable_commitments(user: User):
    """SELECT of the user's own commitments (drafts too) and confirmed ones of reps they read."""
    return select(Commitment).where(Commitment.org_id == user.org_id, or_(
        Commitment.rep_id == user.id,
        and_(Commitment.confirmed.is_(True), rep_clause(Commitment.rep_id, user))))


def get_readable_commitment(session: Session, user: User, commitment_id: int) -> Commitment:
    return _one_or_404(session, readable_commitments(user).where(Commitment.id == commitment_id),
                       "commitment", commitment_id)


def get_own_commitment(session: Session, user: User, commitment_id: int) -> Commitment:
    """A commitment the user may change: one they made (404 if they may not read it, else 403)."""
    found = get_readable_commitment(session, user, commitment_id)
    if found.rep_id != user.id:
        raise Forbidden("Only the rep who made a commitment can change it.")
    return found


def get_own_note(session: Session, user: User, note_id: int) -> ManagerNote:
    """A note the user wrote, on a session shared with them (404), else 403."""
    note = session.get(ManagerNote, note_id)
    if note is None:
        raise NotFound(f"No note {note_id} here.")
    get_shared_session(session, user, note.session_id)
    if note.author_id != user.id:
        raise Forbidden("Only the note's author can change it.")
    return note


def get_status_settable_commitment(session: Session, user: User, commitment_id: int) -> Commitment:
    """A commitment whose status the user may set with a note: the rep's own, or (their manager,
    an admin) a confirmed one of a rep they review; 404 when unreadable, else 403."""
    found = get_readable_commitment(session, user, commitment_id)
    if found.rep_id == user.id and not by_widget(user):
        return found
    if not _manages(user) or not found.confirmed:
        raise Forbidden("Only the rep, their manager or an admin can set this commitment's status.")
    return found


# -- session assignments -----------------------------------------------------------------------

def _manages(user: User) -> bool:
    return not by_widget(user) and user.role in ("manager", "admin")


def check_may_assign(session: Session, user: User, rep_id: int) -> User:
    """The active rep a manager (of their team) or an admin asks to hold a session: 404 when the
    caller may not see them, else 403 for a caller who is a rep or a target who is not."""
    if not _manages(user):
        raise Forbidden("Only a rep's manager or an admin can assign a session.")
    rep = get_visible_user(session, user, rep_id)
    if rep.role != "rep" or not rep.active:
        raise Forbidden("Sessions are assigned to active reps.")
    return rep


def visible_assignments(user: User):
    """SELECT of the assignments of the reps the user may read (a rep: their own)."""
    return select(SessionAssignment).where(SessionAssignment.org_id == user.org_id,
                                           rep_clause(SessionAssignment.rep_id, user))


def get_assignment(session: Session, user: User, assignment_id: int, to_start: bool) -> SessionAssignment:
    """One the user starts (``to_start``: assigned to them) or withdraws (for a rep they manage):
    404 when unreadable, else 403."""
    found = _one_or_404(session, visible_assignments(user).where(
        SessionAssignment.id == assignment_id), "assignment", assignment_id)
    mine = found.rep_id == user.id
    if to_start and not mine:
        raise Forbidden("Only the rep it was assigned to can start this session.")
    if not to_start and (mine or not _manages(user)):
        raise Forbidden("Only the rep's manager or an admin can withdraw an assignment.")
    return found


def check_may_import(user: User) -> None:
    """CRM data comes in through the organization's admins only (it writes everyone's figures)."""
    if user.role != "admin" or by_widget(user):
        raise Forbidden("Only an admin of the organization can import data.")
