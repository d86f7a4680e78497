"""Every key of a language folder's files, with its kind (see kinds.py); nothing more, nothing
less is accepted, so a typo or a key a new language forgot fails at load time. A folder holds
the files of its level (LEVELS): every file, or only guard.toml.

Date patterns are tried in DATE_KINDS order (an earlier kind wins a tie at the same place);
dates.py resolves each kind: dateparser reads most, a few stay rules (see its docstring).
"""

from __future__ import annotations

from .kinds import (
    Alternatives,
    Map,
    Names,
    Ordered,
    Pattern,
    Patterns,
    Table,
    Text,
    Texts,
    Topics,
    Words,
)

VERB_KINDS = ("keep", "drop", "create", "action")  # a commitment's kind, by its first verb
# the rep's answer on a due commitment (models.FOLLOW_UP_ANSWERS), "unclear" when no reading
# of free text could tell: the rep picks one at the end
FOLLOW_UP_STATUSES = ("done", "partly", "not_yet", "dropped", "unclear")
OFFER_ANSWERS = ("yes", "no")
FIGURES = ("pipeline_count", "proposals", "deals_closed", "pipeline_value", "closed_value", "quota",
           "attainment")
DATE_KINDS = {  # kind -> the named groups its pattern must have (dates.py resolves each kind)
    # read by dateparser: the whole phrase, or its (?P<when>...) group when it has one
    "date": (), "end_next_week": (), "nth": ("day",), "next_weekday": (), "weekdays": (),
    "weekday": (),
    # periods, due on their last (working) day: rules, dateparser has no 'end of'
    "end_month": (), "next_month": (), "end_quarter": (), "next_week": (), "this_week": (),
    "today": (),
}

LEXICON = {
    "calendar": {"weekdays": Names(7), "months": Names(12), "numbers": Ordered()},
    "dates": {**{kind: Pattern(*groups) for kind, groups in DATE_KINDS.items()},
              "starts_before": Pattern(), "starts_with": Pattern(), "locale": Text()},
    "reading": {"rating": Pattern(), "rating_lead": Pattern(), "rating_trail": Pattern(),
                "rating_word_cue": Pattern(), "asks_for_answer": Pattern(),
                "yes": Pattern(), "no": Pattern(), "vague": Pattern(), "injection": Pattern(),
                "feelings": Pattern(), "on_target": Pattern()},
    "follow_up": {"done": Pattern(), "dropped": Pattern(), "not_done": Pattern(),
                  "partly": Pattern()},
    "commitments": {**{kind: Alternatives() for kind in VERB_KINDS},
                    "intent": Pattern(), "lead_in": Pattern(), "split": Pattern(),
                    "measure_lead": Pattern("measure"), "count": Pattern(), "measure_cue": Pattern(),
                    "measure_tail": Pattern(), "outcome": Pattern(), "help": Pattern(),
                    "before_date": Pattern(), "asks_measure": Pattern(), "conditional": Pattern(),
                    "hypothetical": Pattern(),
                    "merge_ignore": Words(), "base_form": Pattern("base")},
    "reflect": {"second_person": Map(), "second_person_after_subject": Map(),
                "third_person": Map(), "third_person_after_subject": Map(), "subjects": Words(),
                "lower_case_only": Words(), "stop": Words(), "trailing": Words(), "cuts": Words(),
                "and_cuts": Words(), "conjunctions": Ordered(), "verb_starts": Pattern(),
                "pivot": Pattern(), "lead_words": Pattern(), "doubled": Pattern(),
                "common": Words(), "modals": Words(), "subjectless": Words(), "articles": Words(),
                "capitals": Words(), "lower_after_lead": Words(), "unsure_starts": Words(),
                "dangling": Words(), "first_person": Words(), "own_words": Words()},
    "summary": {"internal": Pattern(), "external": Pattern(), "help": Pattern(),
                "lead_words": Pattern(), "help_request": Pattern("who"), "quoted": Pattern("text"),
                "relative": Words(), "no_help": Pattern(), "help_lead": Pattern(), "about": Topics()},
}

PHRASING = {
    "dates": {"day_month": Text("day", "month"), "month_year": Text("month", "year"),
              "week_of": Text("day", "month", "year"), "by_weekday": Text("weekday"),
              "by_date": Text("date"), "today": Text()},
    "reflect": {"frames": Texts("p", "P"), "will_do": Text("action")},
    "said_back": {"commitments": Text("action", "due", "more"), "commitments_due": Text("due"),
                  "commitments_more": Text("count"),
                  "follow_up_leads": Table(FOLLOW_UP_STATUSES), "follow_up": Text("lead", "note"),
                  "follow_up_short": Text("lead"), "rating": Text("skill", "rating"),
                  "rating_kept": Text("skill", "rating"),
                  "ratings": Text("items")},
    "choices": {"follow_up": Table(FOLLOW_UP_STATUSES[:4]), "offer": Table(OFFER_ANSWERS),
                "hint": Text()},
    "follow_up": {"first_question": Text("text", "due"), "next_question": Texts("text", "due"),
                  "due": Text("date")},
    "coach": {"default_question": Text(), "turn_back_lead": Texts(), "turn_back": Texts(),
              "steer_back": Texts(), "care_lead": Texts(), "care_question": Texts(),
              "terse": Texts(), "care_focus": Texts(), "wrap": Texts(), "focus_on": Text("topic"),
              "contrast": Text("pct", "period"), "contrast_question": Texts(),
              "offer_lead": Text(), "spare": Texts(), "after_commitments": Text(), "close": Texts()},
    "summary": {
        "the_rep": Text(), "session": Text("title", "who"),
        "opportunity": Text("title", "who", "name", "account", "amount", "days", "stage",
                            "benchmark", "competing"),
        "benchmark": Text("days", "past"), "past_benchmark": Text(), "competing": Text("names"),
        "account_one": Text("title", "who", "name", "count", "value"),
        "account_many": Text("title", "who", "name", "count", "value"),
        "ratings": Text("title", "who", "lowest", "low", "highest", "high"),
        "period": Text("title", "who", "period", "value", "change", "quota"),
        "the_period": Text(), "flat": Text(), "down": Text("pct"), "up": Text("pct"),
        "of_quota": Text("pct"), "without_quota": Text("no_quota"),
        "follow_ups": Text("outcomes"), "follow_up": Text("name", "status", "note"),
        "follow_up_note": Text("note"), "earlier_commitment": Text(),
        "statuses": Table(FOLLOW_UP_STATUSES),
        "causes_both": Text("internal", "external"),
        "no_commitments": Text(), "commitments": Text("counted", "dated", "rest"),
        "counted_one": Text("count"), "counted_many": Text("count"), "dated": Text("items"),
        "dated_item": Text("text", "due"), "rest_after_dated": Text("items"),
        "rest": Text("items"), "help_asked": Text("help"), "help_request": Text("who")},
    "figures": {
        "labels": Table(FIGURES), "plural": Ordered(FIGURES), "no_quota": Text(),
        "not_known": Text(), "not_recorded": Text(), "at": Text("now"), "flat": Text("now"),
        "up": Text("pct", "now", "before"), "down": Text("pct", "now", "before"),
        "headline": Text("label", "movement"), "headline_plural": Text("label", "movement"),
        "money": Text("currency", "amount"), "thousands": Text(), "decimal": Text()},
}

# Every language has this file, also one the offline coach does not speak: its name, and what
# the guard reads a coach reply with (a model engine coaches in any language that has it).
GUARD = {
    "language": {"name": Text(), "native": Text()},
    "questions": {"open_starts": Ordered(), "open_lead_ins": Pattern(), "advice": Patterns(),
                  "closed_starts": Words(), "stacked": Patterns("ask"), "little_words": Words()},
    "telling": {"phrases": Patterns(), "imperatives": Words()},
    "praise": {"phrases": Patterns()},
}

FILES = {"lexicon.toml": LEXICON, "phrasing.toml": PHRASING, "guard.toml": GUARD}
# What a folder holds, by level: "full", the offline coach coaches in it (reads, says, sums up);
# "guard", only a model engine coaches in it, the offline coach carries on in English.
LEVELS = {"full": tuple(FILES), "guard": ("guard.toml",)}


def expander(lexicon: dict):
    """What a pattern's placeholders stand for: the word lists of this lexicon, as alternations."""
    calendar = lexicon.get("calendar", {})
    commitments = lexicon.get("commitments", {})

    def expand(m, fail) -> str:
        name, low, high = m.groups()
        if name == "numbers" and low is not None:
            words = calendar["numbers"]
            if int(high) >= len(words) or int(low) > int(high):
                fail(f"{m.group(0)}: calendar.numbers has words for 0 to {len(words) - 1}")
            return "|".join(words[int(low):int(high) + 1])
        if name in ("month", "weekday") and low is None:
            return calendar[f"{name}s"].alternation()
        if name == "verb" and low is None and commitments:
            return "|".join(commitments[kind] for kind in VERB_KINDS)
        fail(f"unknown placeholder {m.group(0)} (known: {{month}}, {{weekday}}, {{verb}}, "
             "{numbers:FROM-TO})")
    return expand
