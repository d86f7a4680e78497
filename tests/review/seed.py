"""Review test data: confirmed (and unconfirmed) sessions with messages, commitments, notes, figures."""

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from models import (
    Account,
    CoachingSession,
    Commitment,
    KpiSnapshot,
    ManagerNote,
    Message,
    Opportunity,
    SalesProcess,
    SkillAssessment,
    SkillRating,
    utcnow,
)

PASSWORD = "review-password-1"


def with_passwords(session, org) -> None:
    for name in ("admin", "manager_a", "manager_b", "rep_a1"):
        org.users[name].password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    session.commit()


def add_sessions(session, org, count: int, rep_names=("rep_a1", "rep_a2"), start: int = 0,
                 status: str = "confirmed", word: str = "pricing") -> list[CoachingSession]:
    """`count` sessions spread over the reps; session i has i % 5 + 2 messages and i % 3 + 1 commitments."""
    now = utcnow()
    stages = session.scalar(select(SalesProcess).where(SalesProcess.org_id == org.id)).stages
    made = []
    for i in range(start, start + count):
        rep = org.users[rep_names[i % len(rep_names)]]
        account = Account(org_id=org.id, owner_id=rep.id, name=f"Account {i}")
        opp = Opportunity(org_id=org.id, account=account, owner_id=rep.id, stage_id=stages[1].id,
                          name=f"Deal {i}", amount=Decimal("1000.00"),
                          stage_entered_at=now - timedelta(days=40 + i))
        started = now - timedelta(days=i % 20, hours=i)
        coaching = CoachingSession(
            org_id=org.id, rep_id=rep.id, mode=("weekly_review", "opportunity")[i % 2], status=status,
            started_at=started, ended_at=started + timedelta(minutes=10),
            confirmed_at=started + timedelta(minutes=12) if status == "confirmed" else None,
            summary=f"Session {i} summary about the quarter.", help_asked=f"Help {i}" if i % 2 else "",
            messages=[Message(role=("coach", "rep")[j % 2], stage=("acknowledge", "explore")[j // 3 % 2],
                              text=f"Turn {j} of session {i}: what about {word}?" if j % 2 == 0
                              else f"I think the {word} story needs work, turn {j}.",
                              created_at=started + timedelta(minutes=j)) for j in range(i % 5 + 2)],
        )
        session.add_all([account, opp, coaching])
        session.flush()
        coaching.opportunity_id = opp.id
        for k in range(i % 3 + 1):
            session.add(Commitment(org_id=org.id, session_id=coaching.id, rep_id=rep.id,
                                   text=f"Commitment {k} of {i}", due_date=now.date() + timedelta(days=k - 2),
                                   status=("open", "done", "open")[k], confirmed=status == "confirmed"))
        session.add(ManagerNote(session_id=coaching.id, author_id=org.users["manager_a"].id,
                                text=f"Note {i}"))
        made.append(coaching)
    session.commit()
    return made


def add_figures(session, org, rep_names=("rep_a1", "rep_a2"), months: int = 3) -> None:
    today = date.today().replace(day=1)
    for rep_name in rep_names:
        rep = org.users[rep_name]
        for m in range(months):
            start = date(today.year - (today.month - 1 - m < 0), (today.month - 1 - m) % 12 + 1, 1)
            session.add(KpiSnapshot(org_id=org.id, rep_id=rep.id, period_start=start,
                                    closed_value=Decimal(10000 + 5000 * m), pipeline_value=Decimal(50000),
                                    quota=Decimal(20000), deals_closed=m))
        for days in (40, 5):
            session.add(SkillAssessment(org_id=org.id, rep_id=rep.id,
                                        created_at=utcnow() - timedelta(days=days),
                                        ratings=[SkillRating(skill="discovery", rating=2 + (days < 10)),
                                                 SkillRating(skill="closing", rating=3)]))
    session.commit()
