"""Privacy fixtures: organization one with a confirmed, an old and an active session of rep_a1,
and a logged-in review client for any of its users."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from werkzeug.security import generate_password_hash

from models import KpiSnapshot, utcnow
from service import create_app
from service.world import account_with_deals, past_session, skills, stages_of
from tests.review.conftest import login

PASSWORD = "privacy-test-pass"


@pytest.fixture
def world(session, orgs):
    """rep_a1: a recent and a 100-day-old confirmed session, each with a transcript, a summary
    and a commitment; an active old session; KPI snapshots now and long ago; an assessment."""
    org = orgs["one"]
    rep, manager = org.users["rep_a1"], org.users["manager_a"]
    now = utcnow()
    made = {}
    for key, age in (("recent", 2), ("old", 100)):
        when = now - timedelta(days=age)
        made[key] = past_session(
            session, org.id, rep.id, mode="weekly_review", status="confirmed", started_at=when,
            ended_at=when, confirmed_at=when, summary=f"{key} summary", help_asked="help",
            messages=[{"role": "coach", "text": f"{key} question?"},
                      {"role": "rep", "text": f"{key} secret answer"}],
            commitments=[{"text": f"{key} commitment", "kind": "action"}],
            note=(manager.id, f"{key} note"))
    made["active"] = past_session(session, org.id, rep.id, mode="weekly_review", status="active",
                                  started_at=now - timedelta(days=200),
                                  messages=[{"role": "rep", "text": "still talking"}])
    today = date.today()
    session.add_all([KpiSnapshot(org_id=org.id, rep_id=rep.id, period_start=today.replace(day=1)),
                     KpiSnapshot(org_id=org.id, rep_id=rep.id, period_start=date(2020, 1, 1))])
    skills(session, org.id, rep.id, {"discovery": 3})
    first_stage = stages_of(session, org.id)[0]
    deal, = account_with_deals(session, org.id, rep.id, "Contoso", {"name": "Contoso renewal",
                                                                    "amount": Decimal("100.00")})
    deal.move_to_stage(first_stage, rep.id)
    for user in org.users.values():
        user.password_hash = generate_password_hash(PASSWORD)
    session.commit()
    return org, made


@pytest.fixture
def browser_of(app):
    """A review client logged in as a user (each on its own app, so `g` does not leak)."""
    apps = []

    def make(user):
        other = create_app({k: app.config[k] for k in ("DATABASE_URL", "TESTING", "SECRET_KEY",
                                                       "COACH_ENGINE", "DEMO_DATA")})
        apps.append(other)
        client = other.test_client()
        assert login(client, user.email, PASSWORD).status_code == 302
        return client
    yield make
    for other in apps:
        other.extensions["db"]["engine"].dispose()
