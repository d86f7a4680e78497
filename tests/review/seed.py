"""Review test data: confirmed (and unconfirmed) sessions with messages, commitments, notes, figures."""

from datetime import date, timedelta
from decimal import Decimal

from werkzeug.security import generate_password_hash

from models import CoachingSession, utcnow
from service.world import account_with_deals, monthly_figures, past_session, skills, stages_of

PASSWORD = "review-password-1"


def with_passwords(session, org) -> None:
    for name in ("admin", "manager_a", "manager_b", "rep_a1"):
        org.users[name].password_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    session.commit()


def add_sessions(session, org, count: int, rep_names=("rep_a1", "rep_a2"), start: int = 0,
                 status: str = "confirmed", word: str = "pricing") -> list[CoachingSession]:
    """`count` sessions spread over the reps; session i has i % 5 + 2 messages and i % 3 + 1 commitments."""
    now = utcnow()
    stages = stages_of(session, org.id)
    made = []
    for i in range(start, start + count):
        rep = org.users[rep_names[i % len(rep_names)]]
        opp, = account_with_deals(session, org.id, rep.id, f"Account {i}", {
            "stage_id": stages[1].id, "name": f"Deal {i}", "amount": Decimal("1000.00"),
            "stage_entered_at": now - timedelta(days=40 + i)})
        session.flush()
        started = now - timedelta(days=i % 20, hours=i)
        made.append(past_session(
            session, org.id, rep.id, opportunity_id=opp.id, mode=("weekly_review", "opportunity")[i % 2],
            status=status, started_at=started, ended_at=started + timedelta(minutes=10),
            confirmed_at=started + timedelta(minutes=12) if status == "confirmed" else None,
            summary=f"Session {i} summary about the quarter.", help_asked=f"Help {i}" if i % 2 else "",
            messages=[{"role": ("coach", "rep")[j % 2], "stage": ("acknowledge", "explore")[j // 3 % 2],
                       "text": f"Turn {j} of session {i}: what about {word}?" if j % 2 == 0
                       else f"I think the {word} story needs work, turn {j}.",
                       "created_at": started + timedelta(minutes=j)} for j in range(i % 5 + 2)],
            commitments=[{"text": f"Commitment {k} of {i}", "due_date": now.date() + timedelta(days=k - 2),
                          "status": ("open", "done", "open")[k]} for k in range(i % 3 + 1)],
            note=(org.users["manager_a"].id, f"Note {i}")))
    session.commit()
    return made


def add_figures(session, org, rep_names=("rep_a1", "rep_a2"), months: int = 3) -> None:
    for rep_name in rep_names:
        rep = org.users[rep_name]
        monthly_figures(session, org.id, rep.id, date.today(), {m: {
            "closed_value": Decimal(10000 + 5000 * m), "pipeline_value": Decimal(50000),
            "quota": Decimal(20000), "deals_closed": m} for m in range(months)})
        for days in (40, 5):
            skills(session, org.id, rep.id, {"discovery": 2 + (days < 10), "closing": 3},
                   created_at=utcnow() - timedelta(days=days))
    session.commit()
