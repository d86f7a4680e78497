"""A rep's world for coaching sessions: figures, skills, deals, and a commitment due today."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest

from models import utcnow
from service.coach import FakeEngine
from service.world import (
    add_account,
    add_deal,
    monthly_figures,
    past_session,
    skills,
    stages_of,
)


@dataclass
class World:
    org: object
    rep: object
    token: str
    opportunity_id: int
    account_id: int
    due_ids: list
    other_opportunity_id: int


def build_world(session, org) -> World:
    rep, other = org.users["rep_a1"], org.users["rep_a2"]
    today = utcnow().date()
    stages = stages_of(session, org.id)
    monthly_figures(session, org.id, rep.id, today, {back: {
        "pipeline_count": 14, "proposals": 6, "deals_closed": deals,
        "pipeline_value": Decimal("410000"), "closed_value": Decimal(closed),
        "quota": Decimal("60000")} for back, closed, deals in ((2, "52000", 5), (1, "49400", 4))})
    account = add_account(session, org.id, rep.id, "Fabrikam", segment="Enterprise")
    other_account = add_account(session, org.id, other.id, "Zanzibar Holdings")
    deal = add_deal(session, account, stage_id=stages[3].id, name="Fabrikam data platform",
                    amount=Decimal("120000"), close_date=today + timedelta(days=30),
                    next_step="Pricing call", competitors=["Northwind"],
                    stage_entered_at=utcnow() - timedelta(days=40))
    secret = add_deal(session, other_account, stage_id=stages[1].id,
                      name="Zanzibar secret expansion", amount=Decimal("999000"))
    skills(session, org.id, rep.id, {"discovery": 3, "closing": 2})
    week_ago = utcnow() - timedelta(days=7)
    due = [{"text": "Book three discovery meetings with new logos", "measure": "3 meetings",
            "due_date": today - timedelta(days=1), "kind": "action"},
           {"text": "Send the Fabrikam pricing proposal", "due_date": today, "kind": "action"}]
    later = {"text": "Plan the Q3 territory review", "due_date": today + timedelta(days=20)}
    earlier = past_session(session, org.id, rep.id, mode="weekly_review", status="confirmed",
                           started_at=week_ago, confirmed_at=week_ago, summary="Last week.",
                           commitments=[*due, later])
    session.commit()
    due_ids = sorted(c.id for c in earlier.commitments)[:len(due)]
    return World(org, rep, org.tokens["rep_a1"], deal.id, account.id, due_ids, secret.id)


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
