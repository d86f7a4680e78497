"""The offline coach notices what the rep says beside the question before it pushes its agenda:
strain (at work or at home), a claim the figures contradict, a run of one-word answers."""

from service.coach import Coach, SessionState, make_engine


def session(context, stage="explore"):
    coach = Coach(make_engine("guided"))
    state = SessionState(mode="weekly_review", stage="", context=context)
    list(coach.open(state))
    state.due_commitments, state.flow.follow_ups_asked = [], state.flow.follow_ups_answered
    state.stage = stage
    return coach, state


def say(coach, state, text):
    return list(coach.respond(state, text))[-1]


def test_a_stressed_rep_is_heard_first_and_the_turn_stays_private(context):
    coach, state = session(context)
    reply = say(coach, state, "Honestly my daughter has been in hospital since Monday and I "
                              "have barely looked at the pipeline.")
    assert reply.intent == "care" and state.stage == "explore"
    assert reply.text.startswith(("That sounds like a lot", "That sounds like a hard"))
    assert "pipeline" not in reply.text and reply.text.endswith("?")
    assert state.turns[-2].flag == "personal"
    draft = coach.draft_summary(state)
    assert "hospital" not in draft.summary and "daughter" not in draft.summary


def test_a_claim_the_figures_contradict_is_set_beside_them(context):
    coach, state = session(context, stage="acknowledge")
    attainment = context["periods"][0]["metrics"]["attainment"]["value"]
    reply = say(coach, state, "I'd say I'm at quota, the month was fine really.")
    assert reply.intent == "contrast"
    assert f"The figures show {attainment:.0f}% of quota" in reply.text
    assert reply.text.endswith("?")


def test_one_word_answers_get_choices_as_a_question(context):
    coach, state = session(context)
    for word in ("dunno", "fine", "ok"):
        reply = say(coach, state, word)
    assert reply.intent == "terse" and reply.text.count("?") == 1 and " or " in reply.text


def test_a_rep_who_keeps_asking_gets_one_offer_and_no_line_twice(context):
    coach, state = session(context)
    texts = [say(coach, state, ask).text for ask in (
        "Just tell me what to do.", "What should I do?", "no",
        "Just tell me what to do.", "What should I do?", "Any advice?")]
    assert sum(1 for t in texts if "here is an offer" in t) == 1
    assert len(set(texts)) == len(texts)  # the turn-backs vary; nothing is said twice


def test_strain_said_in_a_follow_up_answer_comes_before_the_figures(context):
    coach = Coach(make_engine("guided"))
    state = SessionState(mode="weekly_review", stage="", context=context, due_commitments=[
        {"id": 7, "text": "Prepare the Contoso review", "due_date": "2025-03-04"}])
    list(coach.open(state))
    reply = say(coach, state, "No, I did not get to it. My daughter has been in and out of "
                              "hospital this week.")
    assert reply.intent == "care" and "quota" not in reply.text
    assert reply.answers[0]["value"] == "not_yet"  # the answer is still heard
