"""Was it really coaching? Figures a manager can read from one session's transcript."""

from __future__ import annotations

from . import guard
from .language import ENGLISH, Language


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def _after_yes(turns: list[dict], coach_turn: dict, lang: Language) -> bool:
    """The idea the rep said yes to (after the offer, 'Would it help...?'): shared, not told."""
    from .language.reading import says_yes

    at = next(i for i, t in enumerate(turns) if t is coach_turn)
    before = [t for t in turns[:at] if t["role"] in ("coach", "rep")][-2:]
    return len(before) == 2 and before[1]["role"] == "rep" and says_yes(before[1]["text"], lang) \
        and lang.phrasing.coach.offer_lead in before[0]["text"]


def session_metrics(turns: list[dict], commitments_made: int, due_followed_up: int,
                    lang: Language = ENGLISH) -> dict:
    """``turns``: [{"role": "coach"|"rep", "text", "stage", "guard", "intent"}]. Raw counts
    beside ratios; the coach's turns are read in the session's language ``lang``. The closing
    word (intent "wrap") asks nothing by design, so the question figures leave it out."""
    coach = [t for t in turns if t["role"] == "coach"]
    rep = [t for t in turns if t["role"] == "rep"]
    shared = [_after_yes(turns, t, lang) for t in coach]  # an idea the rep asked for
    verdicts = [guard.check(t["text"], lang=lang, offer_accepted=s)
                for t, s in zip(coach, shared, strict=True)]
    closing = [t.get("intent") == "wrap" for t in coach]
    asked = [v for v, c in zip(verdicts, closing, strict=True) if not c]
    questions = sum(v.questions for v in verdicts)
    asking_turns = sum(1 for v in verdicts if v.questions)
    open_turns = sum(1 for v in verdicts if v.open_question)
    telling = sum(1 for v, s in zip(verdicts, shared, strict=True) if v.telling and not s)
    praise = sum(1 for v in verdicts if v.praise)
    coach_words = sum(len(t["text"].split()) for t in coach)
    rep_words = sum(len(t["text"].split()) for t in rep)
    outcomes: dict[str, int] = {}
    for t in coach:
        outcome = (t.get("guard") or {}).get("outcome")
        if outcome:
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    stages = list(dict.fromkeys(t["stage"] for t in turns
                                if t.get("stage") and t["stage"] != "follow_up"))
    return {
        "coach_turns": len(coach),
        "rep_turns": len(rep),
        "questions": questions,
        "questions_per_coach_turn": _ratio(questions, len(asked)),
        "turns_to_ask": len(asked),
        "one_question_turns": sum(1 for v in asked if v.questions == 1),
        "coach_turns_with_question": asking_turns,
        "open_questions": open_turns,
        "open_question_share": _ratio(open_turns, asking_turns),
        "telling_count": telling,
        "telling_rate": _ratio(telling, len(coach)),
        "praise_count": praise,
        "coach_words": coach_words,
        "rep_words": rep_words,
        "rep_word_share": _ratio(rep_words, rep_words + coach_words),
        "stages_covered": stages,
        "stages_covered_count": len(stages),
        "guard_outcomes": outcomes,
        "commitments_made": commitments_made,
        "due_followed_up": due_followed_up,
    }
