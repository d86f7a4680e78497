"""No N+1: every review page and list endpoint runs the same number of queries for 3 or 30
sessions, and the dashboard the same for 2 or 8 reps with their deals, figures and commitments."""

import pytest
from sqlalchemy import event

from models import Commitment, SessionAssignment
from service.sessions.commitment_status import record_change
from service.world import add_person

from .conftest import csrf_of
from .seed import PASSWORD, add_figures, add_sessions, with_passwords

PAGES = ["/review/", "/review/?period=week", "/review/ask-now", "/review/sessions",
         "/review/sessions?q=pricing", "/review/sessions?reviewed=no&mode=opportunity",
         "/review/sessions/{sid}", "/review/commitments", "/review/sessions/{sid}/export?format=md",
         "/review/export?date_from=2000-01-01&date_to=2100-01-01&format=json",
         "/review/reps/{rid}", "/review/results",
         "/review/export/sessions.csv?q=pricing", "/review/export/commitments.csv",
         "/review/export/kpis.csv"]
API = ["/api/v1/review/dashboard", "/api/v1/review/ask-now", "/api/v1/review/sessions",
       "/api/v1/review/sessions?q=pricing&per_page=100", "/api/v1/review/sessions/{sid}",
       "/api/v1/review/commitments", "/api/v1/review/sessions/{sid}/export?format=json",
       "/api/v1/review/export?date_from=2000-01-01&date_to=2100-01-01",
       "/api/v1/review/results", "/api/v1/review/reps/{rid}/results", "/api/v1/assignments",
       "/api/v1/commitments?per_page=100", "/api/v1/commitments?changed_by_other=true",
       "/api/v1/review/export/sessions.csv", "/api/v1/review/export/commitments.csv?status=open",
       "/api/v1/review/export/kpis.csv?period_type=month"]
ADMIN_API = ["/api/v1/review/webhook-deliveries", "/api/v1/review/settings",
             "/api/v1/review/nudge-deliveries", "/api/v1/review/team-chats"]


class QueryCounter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self.hit)

    def hit(self, *_args):
        self.count += 1

    def of(self, call) -> int:
        self.count = 0
        response = call()
        response.get_data()  # a streamed download runs its queries while it is read
        assert response.status_code == 200, (response.status_code, response.text[:300])
        return self.count


@pytest.fixture
def world(app, session, orgs):
    org = orgs["one"]
    with_passwords(session, org)
    add_figures(session, org)
    first = add_sessions(session, org, 3)
    add_sessions(session, org, 2, status="ended", start=100)
    act_on(session, org, first)
    return org, first


def act_on(session, org, sessions) -> None:
    """What managers do from the pages grows with the data: an assignment per session, and a
    status (or a note) set on each of its commitments."""
    manager = org.users["manager_a"]
    for coaching in sessions:
        session.add(SessionAssignment(org_id=org.id, rep_id=coaching.rep_id, assigned_by_id=manager.id,
                                      mode="weekly_review", due_date=coaching.started_at.date(),
                                      note=f"Assigned for {coaching.id}",
                                      opportunity_id=coaching.opportunity_id))
        for n, commitment in enumerate(session.query(Commitment).filter_by(session_id=coaching.id)):
            # some closed, the rest left open with a note: the open lists show them with it
            record_change(commitment, manager.id, "dropped" if n % 2 else commitment.status,
                          "From the 1:1.")
    session.commit()


def _counts(app, org, sid, counter):
    rid = org.users["rep_a1"].id
    browser = app.test_client()
    login = browser.post("/review/login", data={"email": org.users["manager_a"].email, "password": PASSWORD,
                                        "csrf_token": csrf_of(browser.get("/review/login").text)})
    assert login.status_code == 302, login.text
    api = app.test_client()
    headers = {"Authorization": f"Bearer {org.tokens['manager_a']}"}
    admin = {"Authorization": f"Bearer {org.tokens['admin']}"}
    for token_headers in (headers, admin):
        # A token's first use records last_used_at (at most once per five minutes): bookkeeping
        # that does not depend on the data, so it is done before counting.
        api.get("/api/v1/me", headers=token_headers)
    counts = {}
    for path in PAGES:
        counts[path] = counter.of(lambda p=path: browser.get(p.format(sid=sid, rid=rid)))
    for path in API:
        counts[path] = counter.of(lambda p=path: api.get(p.format(sid=sid, rid=rid), headers=headers))
    for path in ADMIN_API:
        counts[path] = counter.of(lambda p=path: api.get(p, headers=admin))
    return counts


def test_pages_and_lists_run_a_constant_number_of_queries(web, session, world):
    app, (org, first) = web, world
    counter = QueryCounter(app.extensions["db"]["engine"])
    small = _counts(app, org, first[0].id, counter)
    more = add_sessions(session, org, 27, start=3)
    act_on(session, org, more)
    busiest = max(more, key=lambda s: (len(s.messages), len(s.commitments)))
    large = _counts(app, org, first[0].id, counter)
    assert large == small
    assert _counts(app, org, busiest.id, counter) == small
    # Six more reps in team A, each with stalled deals, figures, help asked and overdue commitments:
    # the triage, the roll-up and the charts still read the whole team at once.
    names = []
    for i in range(6):
        name = f"rep_extra{i}"
        org.users[name] = add_person(session, org.id, "rep", f"Extra {i}", f"extra{i}@one.test",
                                     team=org.teams["A"])
        names.append(name)
    session.commit()
    add_figures(session, org, rep_names=names)
    act_on(session, org, add_sessions(session, org, 12, rep_names=names, start=30))
    assert _counts(app, org, first[0].id, counter) == small
    assert max(small.values()) <= 18
