"""The terminal coach offers the sessions the rep's manager asked for first."""

from datetime import date

from models import CoachingSession, SessionAssignment

from .test_cli_chat import chat, sessions_of


def _assign(session, world, note="Debrief the Fabrikam pricing call"):
    row = SessionAssignment(org_id=world.org.id, rep_id=world.rep.id,
                            assigned_by_id=world.org.users["manager_a"].id, mode="call_debrief",
                            opportunity_id=world.opportunity_id, due_date=date(2026, 12, 4), note=note)
    session.add(row)
    session.commit()
    return row


def test_an_assignment_is_offered_first_and_starts_preset_and_linked(app, world, session):
    assignment = _assign(session, world)
    output = chat(app, world, "1", "/quit")
    assert ("1) One manager_a asked: Debrief the Fabrikam pricing call by Fri 4 Dec "
            "(Call debrief, Fabrikam data platform)") in output
    assert "2) Something else" in output
    assert "Which deal?" not in output  # the deal comes with the assignment
    [row] = sessions_of(session, world)
    assert (row.mode, row.opportunity_id) == ("call_debrief", world.opportunity_id)
    session.refresh(assignment)
    assert (assignment.status, assignment.session_id) == ("started", row.id)


def test_something_else_goes_on_to_the_modes(app, world, session):
    assignment = _assign(session, world)
    output = chat(app, world, "2", "1", "/quit")
    assert "What shall we coach on?" in output
    [row] = sessions_of(session, world)
    assert row.mode == "weekly_review"
    session.refresh(assignment)
    assert assignment.status == "open" and session.query(CoachingSession).count() == 2
