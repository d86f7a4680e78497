"""Who may see what. Every query for rep-owned data goes through here.

A rep sees their own context; a manager, the reps of the teams they lead (and themselves);
an admin, their whole organization. Nothing crosses organizations: objects of another
organization, or of reps the caller may not see, answer 404 (never "exists but forbidden").
Writing a pipeline (accounts, opportunities, figures, assessments) is for the rep who owns it
and the organization's admins; managers read. A widget token reaches only WIDGET_REACH, and
only its own user's data, whatever their role.
"""

from flask import g, has_request_context
from sqlalchemy import ColumnElement, false, func, select
from sqlalchemy.orm import Session

from models import Team, User, team_managers

from .errors import ApiError

# Endpoint -> methods a widget token may call: what widget.js needs for its user and nothing
# more (no tokens, users, settings, review or admin routes). Everything else answers 403.
WIDGET_REACH = {
    "me.me": {"GET"},
    "modes.Modes": {"GET"},
    "sessions.Sessions": {"GET", "POST"},
    "sessions.SessionById": {"GET"},
    "sessions.Messages": {"POST"},
    "sessions.EndSession": {"POST"},
    "sessions.SessionCommitments": {"POST"},
    "sessions.Summary": {"PATCH"},
    "commitments.Commitments": {"GET"},
    "commitments.CommitmentById": {"GET", "PATCH"},
    "accounts.Accounts": {"GET"},
    "accounts.AccountById": {"GET"},
    "opportunities.Opportunities": {"GET"},
    "opportunities.OpportunityById": {"GET"},
}


def by_widget() -> bool:
    """Whether this request authenticated with a widget token (auth sets g.credential)."""
    return has_request_context() and g.get("credential") == "widget"


def check_widget_reach(endpoint: str | None, method: str) -> None:
    """Called by auth.authenticate for a widget token: refuse whatever the widget does not need.
    HEAD runs the GET view, so it is allowed only where GET is."""
    method = "GET" if method == "HEAD" else method
    if method not in WIDGET_REACH.get(endpoint or "", set()) and method != "OPTIONS":
        raise ApiError(403, "A widget token reaches only the coaching widget's own calls; "
                            "use an API token for this.", code="widget_token")


def _self_only(user: User) -> bool:
    return user.role == "rep" or by_widget()


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
    if by_widget():
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
        raise ApiError(404, f"No {model.__name__.lower()} {object_id} here.")
    return obj


def check_writable(user: User, rep_id: int, org_id: int) -> None:
    if not can_write_rep(user, rep_id, org_id):
        raise ApiError(403, "Only the rep who owns this or an admin can create or change it; "
                            "managers read.")


def visible_teams(user: User):
    if user.role == "admin":
        return select(Team).where(Team.org_id == user.org_id)
    if user.role == "manager":
        return select(Team).where(Team.managers.any(User.id == user.id))
    if user.team_id is None:
        return select(Team).where(false())
    return select(Team).where(Team.id == user.team_id)


def check_keeps_an_admin(session: Session, user: User, role: str, active: bool) -> None:
    """Refuse (409) a change that would leave the user's organization without an active admin."""
    if user.role != "admin" or not user.active or (role == "admin" and active):
        return
    others = session.scalar(select(func.count(User.id)).where(
        User.org_id == user.org_id, User.role == "admin", User.active.is_(True), User.id != user.id))
    if not others:
        raise ApiError(409, "This is the organization's last active admin: make another user an "
                            "admin first.", code="last_admin")
