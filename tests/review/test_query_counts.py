"""No N+1: every review page and list endpoint runs the same number of queries for 3 or 30
sessions, and the dashboard the same for 2 or 8 reps with their deals, figures and commitments."""

import pytest
from sqlalchemy import event

from service.world import add_person

from .conftest import csrf_of
from .seed import PASSWORD, add_figures, add_sessions, with_passwords

PAGES = ["/review/", "/review/?period=week", "/review/ask-now", "/review/sessions",
         "/review/sessions?q=pricing", "/review/sessions?reviewed=no&mode=opportunity",
         "/review/sessions/{sid}", "/review/commitments", "/review/sessions/{sid}/export?format=md",
         "/review/export?date_from=2000-01-01&date_to=2100-01-01&format=json",
         "/review/export/sessions.csv?q=pricing", "/review/export/commitments.csv",
         "/review/export/kpis.csv"]
API = ["/api/v1/review/dashboard", "/api/v1/review/ask-now", "/api/v1/review/sessions",
       "/api/v1/review/sessions?q=pricing&per_page=100", "/api/v1/review/sessions/{sid}",
       "/api/v1/review/commitments", "/api/v1/review/sessions/{sid}/export?format=json",
       "/api/v1/review/export?date_from=2000-01-01&date_to=2100-01-01",
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
    return org, first


def _counts(app, org, sid, counter):
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
        counts[path] = counter.of(lambda p=path: browser.get(p.format(sid=sid)))
    for path in API:
        counts[path] = counter.of(lambda p=path: api.get(p.format(sid=sid), headers=headers))
    for path in ADMIN_API:
        counts[path] = counter.of(lambda p=path: api.get(p, headers=admin))
    return counts


def test_pages_and_lists_run_a_constant_number_of_queries(web, session, world):
    app, (org, first) = web, world
    counter = QueryCounter(app.extensions["db"]["engine"])
    small = _counts(app, org, first[0].id, counter)
    more = add_sessions(session, org, 27, start=3)
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
    add_sessions(session, org, 12, rep_names=names, start=30)
    assert _counts(app, org, first[0].id, counter) == small
    assert max(small.values()) <= 18
