"""The eval's listening figures: a transcript with a known repeat, stacked ask, garble, copied
instruction or wrong-language line is counted; a clean one is not."""

import json

import pytest

from service.coach import load_modes
from service.evaluation.listening import (
    copied,
    first_person_garbles,
    listening,
    reference_texts,
    repeats,
    stacked,
    stacked_asks,
    wrong_language,
)

WEEKLY = load_modes()["weekly_review"]


def talk(*lines: str) -> list[dict]:
    """Alternating turns, the coach first."""
    return [{"role": "coach" if i % 2 == 0 else "rep", "text": t} for i, t in enumerate(lines)]


def test_a_question_said_again_word_for_word_is_a_verbatim_repeat():
    coach = ["So two deals slipped. What made the difference?",
             "You mean procurement. What would you change?",
             "I hear the budget moved. what made   the difference"]   # case and marks aside
    assert repeats(coach) == ([2], [])


def test_a_question_asked_again_in_nearly_the_same_words_is_a_near_repeat():
    coach = ["What is keeping the Litware deal in discovery right now?",
             "Got it. What is keeping the Litware deal in discovery now?",
             "What will you do next week?"]
    assert repeats(coach) == ([], [1])


def test_different_questions_sharing_only_small_words_are_no_repeat():
    coach = ["What will you do first?", "What did you do last week?",
             "How did the call with Contoso go?", "How did the Fabrikam pilot go?"]
    assert repeats(coach) == ([], [])


@pytest.mark.parametrize("question", [
    "What exactly will you do, by when, and how will you know it's done?",
    "What are the next steps with Litware, and by when?",
    "What was in your control, and what came from outside?",
    "What happened and what will you do about it?",
    "What will you send and by when?",
    "Is it the budget, or do you think they are stalling?",
    "¿Qué harás, y cuándo lo tendrás?",
    "¿Qué vas a hacer, para cuándo?",
])
def test_two_asks_behind_one_question_mark_are_stacked(question):
    assert stacked_asks(question), question


@pytest.mark.parametrize("question", [
    "Who or what do you need on your side to win this deal?",
    "What is the gap between where you are and where you want to be?",
    "How much of that was down to you or the market?",
    "What would you and your manager each bring to the call?",
    "¿Qué harías diferente la próxima vez?",
])
def test_one_ask_is_not_stacked(question):
    assert stacked_asks(question) == [], question


def test_stacked_counts_turns_whose_question_stacks_and_reads_no_quoted_words():
    coach = ["You said two. What will you do, and by when?",
             'Your next step is "Send it, and by when they ask". What comes first?',
             "What comes first?"]
    assert stacked(coach) == [0]


def test_the_reps_first_person_said_back_is_a_garble_and_the_coachs_own_is_not():
    turns = talk("How did the week go?",
                 "My pipeline is thin and I stopped prospecting in October.",
                 "So my pipeline is thin. What changed in October?",              # garble
                 "Renewals took all my time, we had no help.",
                 "You said I stopped prospecting. How can I or your manager help?",  # garble
                 "I will send the plan to our CFO.",
                 'You committed to "send the plan to our CFO". Let me ask: by when?',  # quoted
                 "Friday.",
                 "It sounds like your pipeline is thin. How can I help?")         # transformed
    assert first_person_garbles(turns) == [1, 2]


def test_a_country_in_capitals_is_not_the_reps_us():
    turns = talk("Tell me about the account.", "We run their US contact centre.",
                 "It sounds like you run their US contact centre. What do they want?")
    assert first_person_garbles(turns) == []


def test_eight_words_of_the_instructions_in_a_coach_line_are_copied_text():
    reference = reference_texts(WEEKLY)
    coach = ["Keep it brief: the rep should do most of the talking. What else?",     # system.j2
             "Write the reply again: a brief reflection, then exactly one. What now?",  # correction
             "Which few actions would make most of the difference to next period's numbers?",
             "What was in your control, and what came from outside?"]              # its questions
    assert copied(coach, reference) == [0, 1]


def test_a_mode_goal_said_to_the_rep_is_copied_but_a_short_overlap_is_not():
    reference = reference_texts(WEEKLY)
    goal = WEEKLY.stages[1].goal          # "Explore why the results came out this way: ..."
    assert copied([goal + " What do you think?", "Why did the results come out this way?"],
                  reference) == [0]


def test_lines_in_another_language_than_the_reps_are_counted_mixed_ones_too():
    coach = ["¿Qué cambió respecto al mes anterior?",
             "So las renovaciones ocuparon casi toda tu semana. What changed since then?",
             "What was different from the period before?",
             'Dijiste "send the deck". ¿Qué harás primero?']   # quoted English is the rep's
    assert wrong_language(coach, "es") == [1, 2]
    assert wrong_language(coach[2:3], "en") == []


def test_short_english_lines_with_names_are_not_taken_for_another_language():
    # lingua alone read the second as French (0.44 against 0.41) and the first as German
    coach = ["It sounds like you have been guessing so far. What agenda will you propose?",
             "What agenda will you propose to Litware?", "So you are fine."]
    assert wrong_language(coach, "en") == []
    assert wrong_language(["Vas a pedir una reunión con el director financiero."], "en") == [0]


def test_the_reps_language_is_read_from_their_words_unless_the_script_says():
    turns = talk("How did the month go?",
                 "Conseguí dos de las tres reuniones; la tercera empresa todavía no contestó.",
                 "What was different from the period before?")
    heard = listening(turns, reference_texts(WEEKLY))
    assert heard["language"] == "es" and heard["wrong_language"] == 2
    assert heard["flagged"]["wrong_language"] == ["How did the month go?",
                                                  "What was different from the period before?"]
    assert listening(turns, [], "en")["wrong_language"] == 0


def test_a_clean_transcript_counts_nothing():
    turns = talk("November: closed value EUR 42,000, 84% of quota. How do you read that?",
                 "Two deals slid because my champion left and I did not rebuild access.",
                 "It sounds like the deals hung on one person. What would rebuilding access take?",
                 "I will book a meeting with their CFO by Friday.",
                 "You'll meet the CFO by Friday. What will you take away from today?")
    heard = listening(turns, reference_texts(WEEKLY))
    assert {k: heard[k] for k in ("verbatim_repeats", "near_repeats", "stacked",
                                  "first_person", "copied", "wrong_language")} == dict.fromkeys(
        ("verbatim_repeats", "near_repeats", "stacked", "first_person", "copied",
         "wrong_language"), 0)
    assert heard["language"] == "en" and heard["coach_turns"] == 3


def test_eval_prints_the_listening_table_and_keeps_the_figures_in_json(app, tmp_path):
    script = {"mode": "weekly_review", "rep": {"name": "Sam Rivera"},
              "figures": [{"months_ago": 1, "pipeline_count": 9, "closed_value": "30000",
                           "quota": "40000"}],
              "replies": ["Two deals slipped into next month because procurement stalled.",
                          "Renewals took my week, so I stopped calling new logos entirely."]}
    path = tmp_path / "short.json"
    path.write_text(json.dumps(script), encoding="utf-8")
    out = app.test_cli_runner().invoke(args=["coach", "eval", str(path)])
    assert out.exit_code == 0, out.output
    header = next(line for line in out.output.splitlines() if line.startswith("script  ")
                  and "stacked" in line)
    assert header.split()[:6] == ["script", "lang", "turns", "verbatim", "near", "stacked"]
    row = [line.split() for line in out.output.splitlines() if line.startswith("short.json")]
    data = json.loads(app.test_cli_runner().invoke(
        args=["coach", "eval", "--json", str(path)]).output)[0]["listening"]
    listening_row = next(r for r in row if r[1] == "en")
    assert listening_row[2:9] == [str(data["coach_turns"]), *(str(data[k]) for k in (
        "verbatim_repeats", "near_repeats", "stacked", "first_person", "copied",
        "wrong_language"))]
    assert all(len(data["flagged"][k]) == data[k] for k in data["flagged"])
