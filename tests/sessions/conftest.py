"""A rep's world for coaching sessions: figures, skills, deals, and a commitment due today."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import (
    Account,
    CoachingSession,
    Commitment,
    KpiSnapshot,
    Opportunity,
    SalesProcess,
    SkillAssessment,
    SkillRating,
    utcnow,
)
from service.coach import FakeEngine


@dataclass
class World:
    org: object
    rep: object
    token: str
    opportunity_id: int
    account_id: int
    due_ids: list
    other_opportunity_id: int


def _month_start(day, back):
    year, month = day.year, day.month - back
    while month < 1:
        month += 12
        year -= 1
    return day.replace(year=year, month=month, day=1)


def build_world(session, org) -> World:
    rep, other = org.users["rep_a1"], org.users["rep_a2"]
    today = utcnow().date()
    stages = session.scalar(select(SalesProcess).where(SalesProcess.org_id == org.id)).stages
    for back, closed, deals in ((2, "52000", 5), (1, "49400", 4)):
        session.add(KpiSnapshot(org_id=org.id, rep_id=rep.id, period_type="month",
                                period_start=_month_start(today, back), pipeline_count=14,
                                proposals=6, deals_closed=deals, pipeline_value=Decimal("410000"),
                                closed_value=Decimal(closed), quota=Decimal("60000")))
    account = Account(org_id=org.id, owner_id=rep.id, name="Fabrikam", segment="Enterprise")
    other_account = Account(org_id=org.id, owner_id=other.id, name="Zanzibar Holdings")
    session.add_all([account, other_account])
    session.flush()
    long_ago = utcnow() - timedelta(days=40)
    deal = Opportunity(org_id=org.id, account_id=account.id, owner_id=rep.id,
                       stage_id=stages[3].id, name="Fabrikam data platform",
                       amount=Decimal("120000"), close_date=today + timedelta(days=30),
                       next_step="Pricing call", competitors=["Northwind"],
                       stage_entered_at=long_ago)
    secret = Opportunity(org_id=org.id, account_id=other_account.id, owner_id=other.id,
                         stage_id=stages[1].id, name="Zanzibar secret expansion",
                         amount=Decimal("999000"))
    session.add_all([deal, secret])
    session.add(SkillAssessment(org_id=org.id, rep_id=rep.id, ratings=[
        SkillRating(skill="discovery", rating=3), SkillRating(skill="closing", rating=2)]))
    earlier = CoachingSession(org_id=org.id, rep_id=rep.id, mode="weekly_review",
                              status="confirmed", started_at=utcnow() - timedelta(days=7),
                              confirmed_at=utcnow() - timedelta(days=7), summary="Last week.")
    session.add(earlier)
    session.flush()
    due = [Commitment(org_id=org.id, session_id=earlier.id, rep_id=rep.id, confirmed=True,
                      text="Book three discovery meetings with new logos",
                      due_date=today - timedelta(days=1), measure="3 meetings", kind="action"),
           Commitment(org_id=org.id, session_id=earlier.id, rep_id=rep.id, confirmed=True,
                      text="Send the Fabrikam pricing proposal", due_date=today, kind="action")]
    later = Commitment(org_id=org.id, session_id=earlier.id, rep_id=rep.id, confirmed=True,
                       text="Plan the Q3 territory review", due_date=today + timedelta(days=20))
    session.add_all([*due, later])
    session.commit()
    return World(org, rep, org.tokens["rep_a1"], deal.id, account.id, [c.id for c in due],
                 secret.id)


@pytest.fixture
def world(session, orgs):
    return build_world(session, orgs["one"])


@pytest.fixture
def fake(app):
    engine = FakeEngine()
    app.config["COACH_ENGINE_INSTANCE"] = engine
    return engine



def sse_events(body: str) -> list[tuple[str, dict]]:
    """Parse a text/event-stream body into (event, data) pairs."""
    import json

    events = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        events.append((lines["event"], json.loads(lines["data"])))
    return events
