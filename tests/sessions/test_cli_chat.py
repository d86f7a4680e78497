"""`flask coach chat` as a rep uses it: pick from numbered lists, resume, quick replies as
numbers, and the end view. Each test checks what is stored, as the manager would later see it."""

from sqlalchemy import func, select

from models import CoachingSession, Commitment, Message, SkillAssessment


def chat(app, world, *lines: str, args: tuple = ()):
    result = app.test_cli_runner().invoke(
        args=["coach", "chat", "--email", world.rep.email, *args], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    return result.output


def sessions_of(session, world) -> list[CoachingSession]:
    session.expire_all()
    return list(session.scalars(select(CoachingSession).where(
        CoachingSession.rep_id == world.rep.id, CoachingSession.summary != "Last week.")
        .order_by(CoachingSession.id)))


def due(session, world) -> list[Commitment]:
    session.expire_all()
    return [session.get(Commitment, i) for i in world.due_ids]


def rep_messages(session, row) -> list[Message]:
    return list(session.scalars(select(Message).where(
        Message.session_id == row.id, Message.role == "rep").order_by(Message.id)))


def test_the_mode_and_the_deal_are_picked_by_number(app, world, session):
    output = chat(app, world, "2", "1", "/quit")
    assert "2) Opportunity strategy - Think through one deal" in output
    assert "1) Fabrikam data platform - Fabrikam, Proposal, 120,000 USD" in output
    assert "Zanzibar" not in output  # another rep's deal is never offered
    [row] = sessions_of(session, world)
    assert (row.mode, row.opportunity_id, row.status) == (
        "opportunity_strategy", world.opportunity_id, "active")
    assert rep_messages(session, row) == []  # the picks are not messages to the coach


def test_the_first_line_typed_is_the_answer_to_the_coachs_question(app, world, session):
    output = chat(app, world, "1", "We ran the discovery workshop with their operations team.",
                  "/quit")
    assert "1) Done  2) Partly  3) Not yet  4) Drop it" in output
    [row] = sessions_of(session, world)
    [first] = rep_messages(session, row)
    assert first.text == "We ran the discovery workshop with their operations team."
    assert first.choice is None and first.stage == "follow_up"
    answers = row.state["flow"]["answers"]
    assert [(a["commitment_id"], a["source"]) for a in answers] == [(world.due_ids[0], "proposed")]
    assert "Still open" not in output and "Weekly review." not in first.text


def test_a_follow_up_answered_with_a_number_is_recorded_at_once(app, world, session):
    chat(app, world, "1", "1", "2 because legal took a week", "/quit")
    first, second = due(session, world)
    assert (first.follow_up, first.status) == ("done", "done")
    assert (second.follow_up, second.status) == ("partly", "open")
    assert second.outcome_note == "because legal took a week"
    [row] = sessions_of(session, world)
    assert row.status == "active"
    assert [(m.choice, m.text) for m in rep_messages(session, row)] == [
        ("done", "Done"), ("partly", "because legal took a week")]


def test_words_only_propose_and_confirm_records_them(app, world, session):
    output = chat(app, world, "1", "Not yet, waiting on their legal team.",
                  "3 meetings booked", "/end")
    assert "(proposed - check it)" in output
    assert all(c.follow_up == "" and c.status == "open" for c in due(session, world))
    chat(app, world, "r", "/answer 2 partly", "/confirm")
    first, second = due(session, world)
    assert (first.follow_up, first.status) == ("not_yet", "open")  # as proposed, now confirmed
    assert (second.follow_up, second.outcome_note) == ("partly", "3 meetings booked")
    [row] = sessions_of(session, world)
    assert row.status == "confirmed"
    assert [a["source"] for a in row.state["flow"]["answers"]] == ["proposed", "choice"]


def test_a_second_run_resumes_the_active_session(app, world, session):
    chat(app, world, "1", "1", "/quit")
    output = chat(app, world, "r", "It went out on time.", "/quit")
    assert "You have a session in progress" in output
    assert "you> Done" in output and '"Send the Fabrikam pricing proposal"' in output
    [row] = sessions_of(session, world)  # no second session
    assert [m.text for m in rep_messages(session, row)] == ["Done", "It went out on time."]


def test_discard_and_start_new_removes_the_old_session(app, world, session):
    chat(app, world, "1", "1", "/quit")
    assert due(session, world)[0].follow_up == "done"
    chat(app, world, "d", "7", "/quit")
    [new] = sessions_of(session, world)  # the weekly review is gone, with its messages
    assert new.mode == "skills_audit" and rep_messages(session, new) == []
    assert session.scalar(select(func.count(Message.id)).where(Message.text == "Done")) == 0
    first = due(session, world)[0]
    assert (first.follow_up, first.status, first.followed_up_session_id) == ("", "open", None)


def test_new_alongside_keeps_the_active_session(app, world, session):
    chat(app, world, "1", "1", "/quit")
    chat(app, world, "n", "1", "/quit")
    assert [r.status for r in sessions_of(session, world)] == ["active", "active"]


def test_remove_deletes_the_draft_and_add_dates_a_new_one(app, world, session):
    output = chat(app, world, "1", "1", "1",
                  "I will send the Fabrikam proposal by Friday and call the CFO by next Wednesday.",
                  "/end", "/remove 2", "/add Book the pilot kickoff by 2026-12-20", "/confirm")
    assert "2) [Action] Call the CFO" in output
    [row] = sessions_of(session, world)
    drafts = session.scalars(select(Commitment).where(Commitment.session_id == row.id)
                             .order_by(Commitment.id)).all()
    assert [(c.text, c.due_date.isoformat(), c.confirmed) for c in drafts] == [
        ("Send the Fabrikam proposal", drafts[0].due_date.isoformat(), True),
        ("Book the pilot kickoff", "2026-12-20", True)]
    assert not any("CFO" in c.text for c in session.scalars(select(Commitment)))  # not "dropped"
    assert "book the pilot kickoff by 20 December" in row.summary  # redrawn after the edits
    assert "call the CFO by" not in row.summary


def test_back_reopens_the_session_to_keep_talking(app, world, session):
    chat(app, world, "1", "1", "1", "/end", "/back", "Closed value dropped: two deals slid.",
         "/quit")
    [row] = sessions_of(session, world)
    assert row.status == "active" and row.summary == ""
    assert rep_messages(session, row)[-1].text == "Closed value dropped: two deals slid."


def test_an_ended_draft_is_offered_for_review_on_the_next_run(app, world, session):
    chat(app, world, "1", "1", "/end", "/quit")
    output = chat(app, world, "r", "/confirm", "/quit")
    assert "has ended but is not confirmed" in output
    [row] = sessions_of(session, world)
    assert row.status == "confirmed"


def test_a_rating_picked_by_number_becomes_the_assessment_on_confirmation(app, world, session):
    output = chat(app, world, "7", "1", "1",
                  "Discovery has moved most: I ask about budget and timing early in every call.",
                  "4, I prepare every call", "/end")
    assert "How do you rate prospecting, on a scale of 1 to 5" in output
    assert "1) 1  2) 2  3) 3  4) 4  5) 5" in output
    assert "rating prospecting: 4/5 (picked)" in output
    [row] = sessions_of(session, world)
    assert session.scalar(select(SkillAssessment).where(
        SkillAssessment.session_id == row.id)) is None  # nothing before the rep confirms
    chat(app, world, "r", "/confirm", "/quit")
    assessment = session.scalar(select(SkillAssessment).where(
        SkillAssessment.session_id == row.id))
    assert [(r.skill, r.rating, r.note) for r in assessment.ratings] == [
        ("prospecting", 4, "I prepare every call")]


def test_answering_the_coachs_closing_question_opens_the_end_view(app, world, session):
    causes = ("Closed value dropped because two deals slid into next month and procurement "
              "stalled at the bank.")
    plan = ("I will send the Fabrikam proposal by Friday and call the CFO by next Wednesday to "
            "confirm the budget.")
    output = chat(app, world, "1", "1", "1", causes, causes, causes, plan, plan, plan,
                  "I know the first step to take tomorrow morning.", "/confirm")
    assert "(The coach has what it needs: here is the draft.)" in output
    [row] = sessions_of(session, world)
    assert row.status == "confirmed"
    assert [c.text for c in row.commitments] == [
        "Send the Fabrikam proposal", "Call the CFO to confirm the budget"]
