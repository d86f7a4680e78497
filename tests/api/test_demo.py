"""`flask demo load`: a current-looking demo organization, loaded once, usable with its tokens."""

import json

from sqlalchemy import func, select

from models import CoachingSession, Commitment, User, utcnow
from service.demo import ADMIN_EMAIL, load_demo


def load(app, session, tmp_path):
    with app.app_context():
        text = load_demo(session, str(tmp_path))
    tokens = {row["email"]: row["token"] for row in json.loads((tmp_path / "demo-tokens.json").read_text())}
    return text, tokens


def test_demo_loads_once_and_prints_the_logins(app, session, tmp_path):
    text, tokens = load(app, session, tmp_path)
    assert "Maya Manager" in text and "maya@demo.salescoach.test" in text
    assert tokens["maya@demo.salescoach.test"] in text and len(tokens) == 7
    again = load_demo(session, str(tmp_path))
    assert "already loaded" in again and str(tmp_path) in again
    assert session.scalar(select(func.count()).select_from(User).where(User.email == ADMIN_EMAIL)) == 1


def test_demo_tells_the_three_rep_stories(app, session, api, tmp_path):
    _, tokens = load(app, session, tmp_path)
    maya = tokens["maya@demo.salescoach.test"]
    reps = {u["name"]: u["id"] for u in api.get("/users?role=rep", maya).json["items"]}
    assert set(reps) == {"Riley Rising", "Sam Slipping", "Nia New"}

    def latest(name):
        return api.get(f"/kpis?rep_id={reps[name]}&period_type=month", maya).json

    riley, sam, nia = latest("Riley Rising"), latest("Sam Slipping"), latest("Nia New")
    assert riley["total"] == 6 and riley["items"][0]["change"]["closed_value"]["percent"] > 0
    sam_now = sam["items"][0]
    assert sam_now["change"]["closed_value"]["percent"] < 0
    assert float(sam_now["closed_value"]) < float(sam_now["quota"])
    assert nia["total"] == 2
    stalled = api.get("/opportunities?stalled=true", maya).json["items"]
    assert [(o["name"], o["owner_id"]) for o in stalled] == [("Contoso global rollout", reps["Sam Slipping"])]
    stages = {o["stage"] for o in api.get("/opportunities?per_page=100", tokens[ADMIN_EMAIL]).json["items"]}
    assert {s["name"] for s in api.get("/process", maya).json["stages"]} <= stages
    assessments = api.get(f"/skills/assessments?rep_id={reps['Riley Rising']}", maya).json
    assert assessments["total"] == 2


def test_demo_access_and_coaching_history(app, session, api, tmp_path):
    _, tokens = load(app, session, tmp_path)
    omar = tokens["omar@demo.salescoach.test"]
    assert api.get("/opportunities?stalled=true", omar).json["items"] == []
    sam = tokens["sam@demo.salescoach.test"]
    assert {o["name"] for o in api.get("/opportunities", sam).json["items"]} >= {"Contoso global rollout"}
    today = utcnow().date()
    commitments = session.scalars(select(Commitment)).all()
    assert any(c.status == "open" and c.due_date < today for c in commitments)
    assert any(c.status == "open" and c.due_date == today for c in commitments)
    assert any(c.status == "done" for c in commitments)
    sessions = session.scalars(select(CoachingSession)).all()
    assert len(sessions) == 2 and all(s.status == "confirmed" and s.help_asked for s in sessions)
    for coaching in sessions:
        roles = [m.role for m in coaching.messages]
        assert roles[0] == "coach" and all(a != b for a, b in zip(roles, roles[1:], strict=False))
        assert all(m.text.endswith("?") for m in coaching.messages if m.role == "coach")
