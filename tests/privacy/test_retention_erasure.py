"""Retention deletes only old transcripts and keeps what is configured; erasure removes what is
listed and keeps a record without the person's data; the export holds the user's data."""

import json

import pytest
from sqlalchemy import func, select

from models import (
    ApiToken,
    CoachingSession,
    Commitment,
    KpiSnapshot,
    ManagerNote,
    Message,
    PrivacyEvent,
    PrivacySettings,
    SkillAssessment,
    TranscriptRead,
    User,
)
from service.domain_errors import Conflict
from service.privacy import run_retention
from service.privacy.archive import export_user
from service.privacy.erasure import erase_user
from service.widget.tokens import mint


def count(session, model, *where):
    return session.scalar(select(func.count()).select_from(model).where(*where))


def texts(session, rep_id):
    return set(session.scalars(select(Message.text).join(CoachingSession).where(
        CoachingSession.rep_id == rep_id)))


def test_retention_deletes_only_old_transcripts_and_keeps_the_rest(session, world):
    org, made = world
    made["old"].state = {"mode": "weekly_review", "turns": [{"role": "rep", "text": "old secret answer"}],
                         "digest": "old secret", "flow": {"stage_index": 2}}
    session.add(PrivacySettings(org_id=org.id, transcript_days=30))
    session.commit()
    done = run_retention(session)
    assert done[org.id]["messages"] == 2
    session.expire_all()
    assert texts(session, org.users["rep_a1"].id) == {"recent question?", "recent secret answer",
                                                       "still talking"}
    old = session.get(CoachingSession, made["old"].id)
    assert old.summary == "old summary" and len(old.commitments) == 1
    assert old.state == {"mode": "weekly_review", "turns": [], "digest": "", "flow": {"stage_index": 2}}
    assert count(session, KpiSnapshot) == 2
    event = session.scalars(select(PrivacyEvent).where(PrivacyEvent.kind == "retention")).one()
    assert event.org_id == org.id and event.counts["messages"] == 2


def test_retention_also_clears_what_is_configured(session, world):
    org, made = world
    session.add(PrivacySettings(org_id=org.id, transcript_days=30, purge_summaries=True,
                                purge_commitments=True, purge_figures=True))
    session.commit()
    counts = run_retention(session)[org.id]
    assert counts == {"messages": 2, "summaries": 1, "commitments": 1, "kpi_snapshots": 1}
    session.expire_all()
    old = session.get(CoachingSession, made["old"].id)
    recent = session.get(CoachingSession, made["recent"].id)
    assert (old.summary, old.commitments) == ("", [])
    assert recent.summary == "recent summary" and len(recent.commitments) == 1
    assert count(session, KpiSnapshot) == 1


def test_no_setting_keeps_everything(session, world):
    assert run_retention(session) == {}
    assert count(session, Message) == 5


def test_the_cli_runs_retention(app, session, world):
    org, _ = world
    session.add(PrivacySettings(org_id=org.id, transcript_days=30))
    session.commit()
    result = app.test_cli_runner().invoke(args=["privacy", "run"])
    assert f"org {org.id}" in result.output and "'messages': 2" in result.output


def test_erasure_removes_everything_listed_and_keeps_the_record(session, world):
    org, made = world
    rep, admin = org.users["rep_a1"], org.admin
    rep_id, email = rep.id, rep.email
    session.add(TranscriptRead(org_id=org.id, reader_id=org.users["manager_a"].id, rep_id=rep_id,
                               session_id=made["recent"].id, kind="transcript"))
    session.commit()
    event = erase_user(session, admin, rep_id)
    session.expire_all()
    for model, where in ((CoachingSession, CoachingSession.rep_id == rep_id),
                         (Commitment, Commitment.rep_id == rep_id),
                         (SkillAssessment, SkillAssessment.rep_id == rep_id),
                         (ApiToken, ApiToken.user_id == rep_id),
                         (TranscriptRead, TranscriptRead.rep_id == rep_id)):
        assert count(session, model, where) == 0, model
    assert count(session, Message) == 0 and count(session, ManagerNote) == 0
    assert count(session, KpiSnapshot, KpiSnapshot.rep_id == rep_id) == 2  # anonymised: kept
    tomb = session.get(User, rep_id)
    assert (tomb.name, tomb.active, tomb.password_hash) == ("Erased user", False, None)
    assert email not in tomb.email
    stored = session.get(PrivacyEvent, event.id)
    assert (stored.kind, stored.actor_id, stored.subject_id) == ("erasure", admin.id, rep_id)
    assert stored.counts["sessions"] == 3 and stored.counts["messages"] == 5
    assert email not in json.dumps(stored.counts) and "secret" not in json.dumps(stored.counts)
    # the other rep's data is untouched
    assert count(session, User, User.id == org.users["rep_a2"].id, User.active.is_(True)) == 1


def test_erasure_removes_figures_when_configured(session, world):
    org, _ = world
    session.add(PrivacySettings(org_id=org.id, erase_figures="remove"))
    session.commit()
    erase_user(session, org.admin, org.users["rep_a1"].id)
    assert count(session, KpiSnapshot) == 0


def test_the_last_admin_cannot_be_erased(session, orgs):
    with pytest.raises(Conflict):
        erase_user(session, orgs["one"].admin, orgs["one"].admin.id)


def test_the_export_holds_the_users_data_and_is_recorded(session, world):
    org, made = world
    rep = org.users["rep_a1"]
    archive = json.loads(export_user(session, org.admin, rep.id))
    assert archive["profile"]["email"] == rep.email and "password_hash" not in archive["profile"]
    by_id = {s["id"]: s for s in archive["sessions"]}
    assert [m["text"] for m in by_id[made["old"].id]["messages"]] == ["old question?", "old secret answer"]
    assert {c["text"] for c in archive["commitments"]} == {"old commitment", "recent commitment"}
    assert len(archive["kpi_snapshots"]) == 2 and len(archive["assessments"]) == 1
    assert archive["assessments"][0]["ratings"][0]["skill"] == "discovery"
    assert [a["name"] for a in archive["accounts"]] == ["Contoso"]
    [deal] = archive["opportunities"]
    assert deal["name"] == "Contoso renewal" and len(deal["stage_history"]) == 1
    event = session.scalars(select(PrivacyEvent).where(PrivacyEvent.kind == "export")).one()
    assert (event.actor_id, event.subject_id, event.counts["sessions"]) == (org.admin.id, rep.id, 3)


def test_the_cli_exports_a_user(app, session, world):
    org, _ = world
    result = app.test_cli_runner().invoke(args=["privacy", "export", "--user", str(org.users["rep_a1"].id)])
    assert json.loads(result.output)["profile"]["name"] == org.users["rep_a1"].name
    assert count(session, PrivacyEvent, PrivacyEvent.kind == "export") == 1


def test_an_erased_users_tokens_stop_working(session, api, world):
    org, _ = world
    org.admin.organization.widget_origins = ["https://crm.one.test"]
    session.commit()
    widget = mint(org.users["rep_a1"], "https://crm.one.test").token
    assert api.get("/me", widget, headers={"Origin": "https://crm.one.test"}).status_code == 200
    erase_user(session, org.admin, org.users["rep_a1"].id)
    assert api.get("/me", widget, headers={"Origin": "https://crm.one.test"}).status_code == 401
    assert api.get("/me", org.tokens["rep_a1"]).status_code == 401
