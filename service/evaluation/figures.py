"""Whether the coach really coached: one session's figures, and their table."""

from __future__ import annotations

from models import CoachingSession

from .listening import listening, reference_texts


def figures(row: CoachingSession, name: str, script: dict, mode=None) -> dict:
    """The session's figures; ``mode`` (its Mode) says which instructions count as copied text,
    and a script's ``language`` is the rep's when detection from their words would not do."""
    metrics = dict(row.metrics)
    return {"script": name, "mode": row.mode, **metrics,
            "due_commitments": len(script.get("commitments", [])),
            "transcript": [{"role": m.role, "stage": m.stage, "text": m.text,
                            "choice": m.choice, "guard": m.guard_outcome, "intent": m.intent}
                           for m in row.messages],
            "listening": listening([{"role": m.role, "text": m.text} for m in row.messages],
                                   reference_texts(mode), script.get("language")),
            "summary": row.summary, "help_asked": row.help_asked,
            "commitments": [{"text": c.text, "due_date": c.due_date and c.due_date.isoformat(),
                             "measure": c.measure, "kind": c.kind} for c in row.commitments]}


COLUMNS = [
    ("script", lambda r: r["script"]),
    ("turns", lambda r: str(r["coach_turns"])),
    ("q/turn", lambda r: f"{r['questions']}/{r['turns_to_ask']}={_num(r['questions_per_coach_turn'])}"),
    ("one q", lambda r: f"{r['one_question_turns']}/{r['turns_to_ask']}"),
    ("open q", lambda r: f"{r['open_questions']}/{r['coach_turns_with_question']}="
                         f"{_pct(r['open_question_share'])}"),
    ("telling", lambda r: f"{r['telling_count']} ({_pct(r['telling_rate'])})"),
    ("praise", lambda r: str(r["praise_count"])),
    ("rep words", lambda r: f"{r['rep_words']}/{r['rep_words'] + r['coach_words']}="
                            f"{_pct(r['rep_word_share'])}"),
    ("stages", lambda r: str(r["stages_covered_count"])),
    ("commit", lambda r: str(r["commitments_made"])),
    ("followed", lambda r: f"{r['due_followed_up']}/{r['due_commitments']}"),
]


def _num(value) -> str:
    return "-" if value is None else f"{value:.2f}"


def _pct(value) -> str:
    return "-" if value is None else f"{value * 100:.0f}%"


def grid(cells: list[list[str]]) -> str:
    """Rows of cells as aligned columns, a rule under the header."""
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def table(rows: list[dict]) -> str:
    """The coaching figures of the scripts that ran (a crashed script has none)."""
    ran = [r for r in rows if "coach_turns" in r]
    return grid([[name for name, _ in COLUMNS]] + [[fmt(r) for _, fmt in COLUMNS] for r in ran])


LISTENING = ["script", "lang", "turns", "verbatim", "near", "stacked", "1st person", "copied",
             "wrong lang", "rep words"]
COUNTS = ["verbatim_repeats", "near_repeats", "stacked", "first_person", "copied",
          "wrong_language"]


def listening_table(rows: list[dict]) -> str:
    """Per script and in total, coach turns that repeat, stack asks, say back the rep's first
    person, copy the coach's instructions or are in another language than the rep's; then the
    rep's share of the words (the total row: all words, and the median of the scripts)."""
    ran = [r for r in rows if "listening" in r]
    cells = [LISTENING]
    for r in ran:
        heard = r["listening"]
        cells.append([r["script"], heard["language"], str(heard["coach_turns"]),
                      *(str(heard[key]) for key in COUNTS), _pct(r["rep_word_share"])])
    if ran:
        rep = sum(r["rep_words"] for r in ran)
        said = rep + sum(r["coach_words"] for r in ran)
        shares = sorted(r["rep_word_share"] or 0 for r in ran)
        middle = len(shares) // 2
        median = shares[middle] if len(shares) % 2 else (shares[middle - 1] + shares[middle]) / 2
        cells.append(["total", "", str(sum(r["listening"]["coach_turns"] for r in ran)),
                      *(str(sum(r["listening"][key] for r in ran)) for key in COUNTS),
                      f"{_pct(rep / said if said else None)} (median {_pct(median)})"])
    return grid(cells)
