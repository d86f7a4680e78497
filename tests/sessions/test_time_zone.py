"""A rep's 'today' is their own: dates they say resolve from their calendar, not UTC's."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago"])  # UTC+14, UTC-11
def test_a_session_starts_on_the_reps_own_date(api, world, session, zone, orgs):
    admin = orgs["one"].tokens["admin"]
    changed = api.patch(f"/users/{world.rep.id}", admin, json={"time_zone": zone})
    assert changed.status_code == 200 and changed.get_json()["time_zone"] == zone
    opened = api.post("/sessions", world.token, json={"mode": "weekly_review"}).get_json()
    detail = api.get(f"/sessions/{opened['id']}", world.token).get_json()
    from models import CoachingSession

    session.expire_all()
    row = session.get(CoachingSession, detail["id"])
    assert row.state["context"]["today"] == datetime.now(ZoneInfo(zone)).date().isoformat()


def test_an_unknown_time_zone_is_refused(api, world, orgs):
    refused = api.patch(f"/users/{world.rep.id}", orgs["one"].tokens["admin"],
                        json={"time_zone": "Mars/Olympus"})
    assert refused.status_code == 422
    assert "IANA" in refused.get_json()["error"]["fields"]["time_zone"][0]
