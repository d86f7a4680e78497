"""What a rep sees in the demo weekly review: their commitments, said back, never asked again."""

from datetime import date

from service.coach import Coach, GuidedEngine, SessionState, check
from service.coach.language.commitments import commitments_in
from service.coach.language.reflect import reflect

TODAY = date(2026, 11, 22)  # a Sunday
PLAN = ("I will book a meeting with the Fabrikam CFO by Friday and qualify my top 3 deals with "
        "MEDDIC by next week, measured by 3 economic buyer meetings booked.")


def test_one_commitment_per_action_with_date_and_measure():
    found = commitments_in(PLAN, TODAY)
    assert [(c["text"], c["due_date"], c["measure"]) for c in found] == [
        ("Book a meeting with the Fabrikam CFO", date(2026, 11, 27), ""),
        ("Qualify my top 3 deals with MEDDIC", date(2026, 11, 27), "3 economic buyer meetings booked")]
    kinds = commitments_in("Keep the weekly pipeline review, drop the low-value renewals calls, "
                           "create a Monday prospecting block of 2 hours.", TODAY)
    assert [c["kind"] for c in kinds] == ["keep", "drop", "create"]
    # the block's length is part of the action, not how the rep will know (issue 11)
    assert kinds[2]["text"] == "Create a Monday prospecting block of 2 hours"
    assert kinds[2]["measure"] == ""
    assert commitments_in("It would help if Maya could join the Fabrikam CFO call.", TODAY) == []


def test_relative_dates():
    def due(text):
        return commitments_in(text, TODAY)[0]["due_date"]
    assert due("I will call Anna tomorrow") == date(2026, 11, 23)
    assert due("I will send the deck in two weeks") == date(2026, 12, 6)
    assert due("I will close Contoso by end of month") == date(2026, 11, 30)
    assert due("I will present the plan on 12 March") == date(2027, 3, 12)
    assert due("I will agree the handover by the 5th") == date(2026, 12, 5)


def test_reflections_swap_pronouns_and_keep_whole_phrases():
    said = reflect("The internal factor was me: I did not qualify the Fabrikam deal well enough, "
                   "I never met the economic buyer.", 0)
    assert "you you" not in said and "you did not qualify the Fabrikam deal" in said
    maya = reflect("It would help if Maya could join the Fabrikam CFO call.", 1)
    assert maya.endswith("join the Fabrikam CFO call.")
    assert len(maya.split()) <= 14


def test_plan_with_dates_is_said_back_and_not_asked_again(context):
    coach = Coach(GuidedEngine())
    state = SessionState(mode="weekly_review", stage="plan", context={**context,
                                                                     "today": TODAY.isoformat()})
    reply = [r for r in coach.respond(state, PLAN)][-1]
    assert reply.text.startswith("You'll book a meeting with the Fabrikam CFO by Friday")
    assert "by when" not in reply.text.lower() and check(reply.text).ok
    assert state.stage == "commit" and len(reply.text.split()) <= 30
    draft = coach.draft_summary(state)
    assert {c["text"] for c in draft.commitments} == {
        "Book a meeting with the Fabrikam CFO", "Qualify my top 3 deals with MEDDIC"}
