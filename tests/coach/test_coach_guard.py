import pytest

from service.coach.guard import check, is_open


@pytest.mark.parametrize("text", [
    "So two deals slipped into next month. What was different this time?",
    "Your closed value is down 5% on last month. How do you read that?",
    "Looking at your ratings, where are your biggest gaps?",
    "Tell me about the Globex call?",
])
def test_reflection_plus_one_open_question_passes(text):
    verdict = check(text)
    assert verdict.ok, verdict.reasons
    assert verdict.questions == 1 and verdict.open_question


@pytest.mark.parametrize("text, reason", [
    ("You should call them tomorrow. What do you think?", "telling"),
    ("I recommend a discount. How does that sound?", "telling"),
    ("Focus on the big deals. Which one first?", "telling"),
    ("Here are some ideas:\n- call\n- email\nWhich one?", "list"),
    ("Great job this month! What happened?", "praise"),
    ("What happened? And how did it feel?", "2 questions"),
    ("What happened? Let me know.", "does not end"),
    ("Did you call them?", "closed question"),
    ("That's the plan.", "no question"),
    ("**What** happened?", "formatting"),
])
def test_breaking_the_rules_fails_with_a_reason(text, reason):
    verdict = check(text)
    assert not verdict.ok
    assert any(reason in r for r in verdict.reasons), verdict.reasons


def test_an_accepted_offer_allows_a_brief_idea():
    text = "One option is to try to book the pilot first. How might that fit?"
    assert not check(text).ok
    assert check(text, offer_accepted=True).ok


def test_offer_question_may_be_closed_when_allowed():
    text = "Would it help to look at this together?"
    assert not check(text).ok
    verdict = check(text, require_open=False)
    assert verdict.ok and not verdict.open_question


def test_open_question_detection():
    assert is_open("Walk me through the call")
    assert not is_open("Is that right")
