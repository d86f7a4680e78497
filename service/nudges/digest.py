"""What a nudge says, read from the database (no Flask): a rep's due and overdue commitments,
and the weekly digest of what a manager (or a team's chat) sees.

The digest follows the review side's rules (access.py): confirmed sessions and commitments only,
of the reps the viewer reviews; a team's chat gets what an admin sees of that team's members.
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import CoachingSession, Commitment, Opportunity, User

from ..access import shared_commitments, shared_sessions
from ..review.asknow import ask_now

LISTED = 10  # sessions and commitments listed in a digest; the counts cover all
QUESTIONS = 5  # the top Ask-now questions


@dataclass
class RepDue:
    rep: User
    today: date
    due_tomorrow: list[Commitment]
    overdue: list[Commitment]


@dataclass
class Digest:
    title: str
    week_start: date  # the seven days [week_start, week_end)
    week_end: date
    sessions: list[dict] = field(default_factory=list)
    sessions_total: int = 0
    overdue: list[dict] = field(default_factory=list)
    overdue_total: int = 0
    questions: list[dict] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.sessions_total or self.overdue_total or self.questions)


def rep_due(session: Session, rep: User, today: date) -> RepDue | None:
    """The rep's open confirmed commitments due tomorrow or before today; None when none are."""
    rows = session.scalars(select(Commitment).where(
        Commitment.rep_id == rep.id, Commitment.confirmed.is_(True), Commitment.status == "open",
        Commitment.due_date <= today + timedelta(days=1), Commitment.due_date != today)
        .order_by(Commitment.due_date, Commitment.id)).all()
    if not rows:
        return None
    tomorrow = today + timedelta(days=1)
    return RepDue(rep, today, [c for c in rows if c.due_date == tomorrow],
                  [c for c in rows if c.due_date < today])


def week_of(day: date) -> date:
    """The Monday of the ISO week `day` is in: a weekly digest's key."""
    return day - timedelta(days=day.weekday())


def digest(session: Session, viewer: User, day: date, title: str,
           rep_ids: set[int] | None = None) -> Digest:
    """The seven days before `day` (UTC) as `viewer` may see them, of `rep_ids` if given."""
    start = datetime.combine(day - timedelta(days=7), time(), UTC)
    end = datetime.combine(day, time(), UTC)
    result = Digest(title=title, week_start=start.date(), week_end=day)
    confirmed = (shared_sessions(viewer).where(CoachingSession.confirmed_at >= start,
                                               CoachingSession.confirmed_at < end)
                 .add_columns(User.name, Opportunity.name)
                 .join(User, User.id == CoachingSession.rep_id)
                 .outerjoin(Opportunity, Opportunity.id == CoachingSession.opportunity_id)
                 .order_by(CoachingSession.confirmed_at.desc(), CoachingSession.id.desc()))
    late = (shared_commitments(viewer).add_columns(User.name).join(User, User.id == Commitment.rep_id)
            .where(Commitment.status == "open", Commitment.due_date < day)
            .order_by(Commitment.due_date, Commitment.id))
    if rep_ids is not None:
        confirmed = confirmed.where(CoachingSession.rep_id.in_(rep_ids))
        late = late.where(Commitment.rep_id.in_(rep_ids))
    result.sessions_total = _count(session, confirmed)
    result.sessions = [{"id": s.id, "rep": rep, "mode": s.mode, "opportunity": opp,
                        "confirmed_at": s.confirmed_at, "help_asked": s.help_asked}
                       for s, rep, opp in session.execute(confirmed.limit(LISTED))]
    result.overdue_total = _count(session, late)
    result.overdue = [{"id": c.id, "rep": rep, "text": c.text, "due_date": c.due_date,
                       "session_id": c.session_id} for c, rep in session.execute(late.limit(LISTED))]
    items = ask_now(session, viewer, end)["items"]
    result.questions = [{"rep": i["rep"]["name"], "title": i["title"], "question": i["question"]}
                        for i in items if rep_ids is None or i["rep"]["id"] in rep_ids][:QUESTIONS]
    return result


def _count(session: Session, stmt) -> int:
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
