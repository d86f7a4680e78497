"""The data model without Flask: stage history, days in stage, stalled deals, money, UTC times."""

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import select

from models import Account, KpiSnapshot, Opportunity, SalesProcess, StageChange, month_start, utcnow


@pytest.fixture
def rep_and_stages(session, orgs):
    rep = orgs["one"].users["rep_a1"]
    stages = session.scalar(select(SalesProcess).where(SalesProcess.org_id == rep.org_id)).stages
    account = Account(org_id=rep.org_id, owner_id=rep.id, name="Acme")
    session.add(account)
    session.commit()
    return rep, stages, account


def new_opportunity(rep, account, **kwargs):
    return Opportunity(org_id=rep.org_id, account_id=account.id, owner_id=rep.id, name="Deal",
                       amount=kwargs.pop("amount", Decimal("1000.00")), **kwargs)


def test_days_in_stage_come_from_the_stage_history(session, rep_and_stages):
    rep, stages, account = rep_and_stages
    now = utcnow()
    opp = new_opportunity(rep, account)
    opp.move_to_stage(stages[0], rep.id, at=now - timedelta(days=20))
    opp.move_to_stage(stages[1], rep.id, at=now - timedelta(days=5, hours=3))
    session.add(opp)
    session.commit()
    session.expire_all()
    stored = session.get(Opportunity, opp.id)
    assert stored.days_in_stage(now) == 5
    assert [(c.from_stage_id, c.to_stage_id) for c in stored.history] == [
        (None, stages[0].id), (stages[0].id, stages[1].id)]
    assert stored.stage_entered_at == stored.history[-1].changed_at
    assert session.scalar(select(StageChange.changed_by_id).limit(1)) == rep.id


def test_stalled_past_the_benchmark_and_only_while_open(session, rep_and_stages):
    rep, stages, account = rep_and_stages
    now = utcnow()
    opp = new_opportunity(rep, account)
    opp.move_to_stage(stages[0], rep.id, at=now - timedelta(days=stages[0].benchmark_days))
    session.add(opp)
    session.commit()
    assert opp.is_stalled(now) is False  # exactly at the benchmark is still on time
    assert opp.is_stalled(now + timedelta(days=1)) is True
    opp.status = "won"
    assert opp.is_stalled(now + timedelta(days=1)) is False


def test_money_round_trips_exactly(session, rep_and_stages):
    rep, stages, account = rep_and_stages
    opp = new_opportunity(rep, account, amount=Decimal("1234567890.12"))
    opp.move_to_stage(stages[0], rep.id)
    kpi = KpiSnapshot(org_id=rep.org_id, rep_id=rep.id, period_start=datetime(2024, 1, 1).date(),
                      closed_value=Decimal("0.10") + Decimal("0.20"))
    session.add_all([opp, kpi])
    session.commit()
    session.expire_all()
    amount = session.get(Opportunity, opp.id).amount
    assert isinstance(amount, Decimal) and amount == Decimal("1234567890.12")
    assert session.get(KpiSnapshot, kpi.id).closed_value == Decimal("0.30")


def test_datetimes_come_back_aware_utc_and_naive_ones_are_refused(session, rep_and_stages):
    rep, stages, account = rep_and_stages
    opp = new_opportunity(rep, account)
    local = datetime(2024, 3, 1, 14, 0, tzinfo=timezone(timedelta(hours=2)))
    opp.move_to_stage(stages[0], rep.id, at=local)
    session.add(opp)
    session.commit()
    session.expire_all()
    stored = session.get(Opportunity, opp.id)
    assert stored.stage_entered_at.tzinfo is not None
    assert stored.stage_entered_at == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    assert stored.stage_entered_at.utcoffset() == timedelta(0)
    bad = new_opportunity(rep, account)
    bad.move_to_stage(stages[0], rep.id, at=datetime(2024, 3, 1, 12, 0))
    session.add(bad)
    with pytest.raises(Exception, match="naive datetime"):
        session.commit()
    session.rollback()


def test_a_monthly_period_starts_on_the_first_counting_back_across_years():
    today = date(2025, 3, 17)
    assert month_start(today) == date(2025, 3, 1)
    assert month_start(today, 2) == date(2025, 1, 1)
    assert month_start(today, 3) == date(2024, 12, 1)
    assert month_start(today, 15) == date(2023, 12, 1)
