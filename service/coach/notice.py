"""What the rep says beside the question, answered before the agenda, each once a session:
strain (acknowledged; the session is theirs to steer and the turn stays out of the record), a
claim the figures contradict (the figure set beside it), a run of one-word answers (choices,
offered as one question)."""

from __future__ import annotations

from dataclasses import replace

from .language.reading import claims_on_target, feels_strain
from .prompt.figures import pct
from .state import SessionState, Step


def notice(state: SessionState, rep_text: str, choice, lang) -> Step | None:
    """What the rep said beside the question, answered before the agenda, each once a
    session: strain (acknowledged, the session theirs to steer; the turn stays out of the
    record), a claim the figures contradict (the figure set beside it), a run of one-word
    answers (choices, as a question)."""
    flow = state.flow
    if "care" not in flow.probes and feels_strain(rep_text, lang):
        flow.probes["care"] = 1
        state.turns[-1] = replace(state.turns[-1], flag="personal")
        return Step("care")
    figure = figure_against(state, lang) if claims_on_target(rep_text, lang) else ""
    if figure and "contrast" not in flow.probes:
        flow.probes["contrast"] = 1
        return Step("contrast", ack=figure)
    said = [t for t in state.turns if t.role == "rep" and t.stage != "follow_up"][-3:]
    if choice is None and "terse" not in flow.probes and len(said) == 3 \
            and all(len(t.text.split()) <= 2 and t.choice is None for t in said):
        flow.probes["terse"] = 1
        return Step("terse")
    return None


def figure_against(state: SessionState, lang) -> str:
    """'The figures show 78% of quota for November 2026.' when the latest period is short of
    target (under 95%), else ''."""
    periods = state.context.get("periods") or []
    value = ((periods[0]["metrics"].get("attainment") or {}).get("value")) if periods else None
    if value is None or float(value) >= 95:
        return ""
    return lang.phrasing.coach.contrast.format(pct=pct(value, lang),
                                               period=periods[0].get("label", ""))
