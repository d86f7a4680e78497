"""build_context from the models: real figures in, never another rep's data."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from models import (
    Account,
    Base,
    CoachingSession,
    Commitment,
    KpiSnapshot,
    Message,
    Opportunity,
    Organization,
    SkillAssessment,
    SkillRating,
    User,
    default_process,
)
from models.db import make_engine
from service.coach import Coach, FakeEngine, GuidedEngine, SessionState, load_modes
from service.coach.prompt.context_block import render_context_block
from service.domain_errors import NotFound
from service.sessions.context import build_context

TODAY = date(2025, 3, 5)


@pytest.fixture
def db():
    engine = make_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        yield session
    engine.dispose()


def seed(db):
    org = Organization(name="Acme Sales")
    db.add(org)
    db.flush()
    process = default_process(org.id)
    db.add(process)
    dana = User(org_id=org.id, role="rep", name="Dana Reyes", email="dana@example.com")
    omar = User(org_id=org.id, role="rep", name="Omar Secret", email="omar@example.com")
    db.add_all([dana, omar])
    db.flush()
    for rep, closed in ((dana, ("44200", "42000")), (omar, ("99999", "77777"))):
        for start, value in zip((date(2025, 1, 1), date(2025, 2, 1)), closed, strict=True):
            db.add(KpiSnapshot(org_id=org.id, rep_id=rep.id, period_type="month",
                               period_start=start, pipeline_count=12, proposals=5,
                               deals_closed=3, pipeline_value=Decimal("300000"),
                               closed_value=Decimal(value), quota=Decimal("50000"),
                               currency="EUR"))
    accounts = {}
    opps = {}
    for rep, name in ((dana, "Globex"), (omar, "Hidden Corp")):
        acc = Account(org_id=org.id, owner_id=rep.id, name=name, segment="Logistics")
        db.add(acc)
        db.flush()
        opp = Opportunity(org_id=org.id, account_id=acc.id, owner_id=rep.id,
                          stage_id=process.stages[3].id, name=f"{name} renewal",
                          amount=Decimal("120000"), currency="EUR", close_date=date(2025, 3, 31),
                          next_step="Send revised pricing", competitors=["Initech"],
                          milestones_met=["Proposal presented"],
                          stage_entered_at=datetime(2025, 1, 23, tzinfo=UTC))
        db.add(opp)
        accounts[rep.id], opps[rep.id] = acc, opp
    audit = SkillAssessment(org_id=org.id, rep_id=dana.id,
                            created_at=datetime(2025, 1, 15, tzinfo=UTC),
                            ratings=[SkillRating(skill="closing", rating=2, note="hesitant")])
    db.add(audit)
    db.flush()
    session = CoachingSession(org_id=org.id, rep_id=dana.id, mode="weekly_review")
    db.add(session)
    db.flush()
    db.add(Commitment(org_id=org.id, session_id=session.id, rep_id=dana.id,
                      text="Call three accounts",
                      due_date=TODAY + timedelta(days=2), measure="3 calls", confirmed=True))
    db.commit()
    return dana, omar, accounts, opps


def test_context_carries_the_reps_real_figures(db):
    dana, omar, accounts, opps = seed(db)
    ctx = build_context(db, dana.id, opportunity_id=opps[dana.id].id,
                        account_id=accounts[dana.id].id, today=TODAY)
    latest = ctx["periods"][0]
    assert latest["label"] == "February 2025"
    assert latest["metrics"]["closed_value"] == {"value": "42000.00", "previous": "44200.00",
                                                 "change_pct": -5.0}
    assert latest["metrics"]["attainment"]["value"] == 84.0
    opp = ctx["opportunity"]
    assert opp["stage"] == "Proposal" and opp["days_in_stage"] == 41 and opp["stalled"]
    assert {"name": "Pricing reviewed with buyer", "met": False} in opp["milestones"]
    assert ctx["account"]["open_opportunities"] == 1
    assert ctx["skills_audit"]["latest"]["ratings"][0]["skill"] == "closing"
    assert ctx["commitments"][0]["text"] == "Call three accounts"
    block = render_context_block(ctx)
    assert "EUR 42,000" in block and "Globex renewal" in block


def test_another_reps_data_never_reaches_the_engine(db):
    dana, omar, accounts, opps = seed(db)
    with pytest.raises(NotFound, match="No opportunity .* of yours"):
        build_context(db, dana.id, opportunity_id=opps[omar.id].id, today=TODAY)
    with pytest.raises(NotFound, match="No account .* of yours"):
        build_context(db, dana.id, account_id=accounts[omar.id].id, today=TODAY)
    ctx = build_context(db, dana.id, opportunity_id=opps[dana.id].id, today=TODAY)
    engine = FakeEngine("So it moved. What changed?", "So it moved. What else changed?")
    coach = Coach(engine)
    state = SessionState(mode="opportunity_strategy", stage="", context=ctx)
    list(coach.open(state))
    list(coach.respond(state, "Procurement changed owners at Globex."))
    for turn in engine.history:
        sent = str(turn.context) + " ".join(m["content"] for m in turn.messages)
        assert "Omar" not in sent and "Hidden Corp" not in sent and "77,777" not in sent
        assert "77777" not in sent and "99999" not in sent


def _earlier_session(db, rep, opportunity, mode, said):
    """A finished session of ``mode`` on the deal: the rep's answers by stage."""
    session = CoachingSession(org_id=rep.org_id, rep_id=rep.id, mode=mode, status="confirmed",
                              opportunity_id=opportunity.id,
                              started_at=datetime(2025, 3, 3, 9, tzinfo=UTC))
    db.add(session)
    db.flush()
    for stage, text in said:
        db.add(Message(session_id=session.id, role="coach", text="What do you want?", stage=stage))
        db.add(Message(session_id=session.id, role="rep", text=text, stage=stage))
    db.commit()


def test_a_debrief_opens_with_the_objectives_set_before_the_call(db):
    dana, omar, accounts, opps = seed(db)
    _earlier_session(db, dana, opps[dana.id], "pre_call_planning", [
        ("objectives", "Agree a date for the pilot review"),
        ("agenda", "Pricing first, then the pilot plan"),
        ("objectives", "Meet the CFO")])
    ctx = build_context(db, dana.id, opportunity_id=opps[dana.id].id, today=TODAY)
    assert ctx["pre_call"] == {"date": "2025-03-03", "objectives": [
        "Agree a date for the pilot review", "Meet the CFO"]}
    state = SessionState(mode="call_debrief", stage="", context=ctx)
    opening = list(Coach(GuidedEngine()).open(state))[-1].text
    assert "Before the call you set out to Agree a date for the pilot review; Meet the CFO." \
        in opening


def test_the_mode_file_says_which_answers_later_sessions_remember(db, tmp_path):
    dana, omar, accounts, opps = seed(db)
    (tmp_path / "deal_prep.toml").write_text('''key = "deal_prep"
title = "Deal prep"
description = "d"
needs = "opportunity"
offer = "Would it help?"
idea = "One idea. How would that fit?"
[[stages]]
key = "hopes"
goal = "g"
remember = "hoped_for"
questions = ["What do you hope for?"]
probes = ["Tell me more?"]
fallback = "What else?"
''')
    _earlier_session(db, dana, opps[dana.id], "pre_call_planning",
                     [("objectives", "Meet the CFO")])
    _earlier_session(db, dana, opps[dana.id], "deal_prep", [("hopes", "A signed pilot")])
    ctx = build_context(db, dana.id, opportunity_id=opps[dana.id].id, today=TODAY,
                        modes=load_modes(tmp_path))
    assert ctx["pre_call"] == {"date": "2025-03-03", "hoped_for": ["A signed pilot"]}
