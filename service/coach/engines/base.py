"""What the coaching logic asks of any engine (the shape follows simonw/llm's Model)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from ..modes import Mode, StageSpec

INTENTS = ("open", "ask", "probe", "follow_up", "turn_back", "offer", "idea", "close", "steer",
           "focus", "wrap",
           "care", "terse", "contrast", "summary", "hear")


@dataclass
class CoachTurn:
    purpose: str                  # "reply" or "summary"
    mode: Mode
    stage: StageSpec
    context: dict                 # the rep's context, JSON-able (see context.py)
    messages: list[dict]          # OpenAI-style chat messages, rendered and within budget
    correction: str | None = None  # the guard's reason when regenerating
    max_tokens: int = 300
    # what the flow decided this turn must do; the LLM sees it in its prompt, the offline
    # coach acts on it: open | ask | probe | turn_back | offer | idea | close | steer | summary
    intent: str = "ask"
    item: str | None = None       # the list item a walking stage is on (e.g. a skill)
    asked: list[str] = field(default_factory=list)   # coach texts already said this session
    transcript: list[dict] = field(default_factory=list)  # full {role,text,stage} (summary)
    turn_index: int = 0           # coach turns so far; lets deterministic engines vary wording
    ack: str = ""                 # the rep just gave dated commitments: say this back first
    heard: int = 0                # dated commitments heard so far this session
    measured: int = 0             # of those, how many the rep gave a measure for
    followed: str = ""            # the rep just said how a due commitment went: done|open|dropped
    facts: str = ""               # summary: figures and follow-up outcomes the flow recorded
    due: dict | None = None       # follow_up: the due commitment to ask about ({text, due_date})
    # summary: what the flow recorded ({"heard": commitments, "answers": the rep's answers})
    record: dict | None = None
    usage: dict | None = None     # filled by an engine that knows: prompt/completion tokens
    # an engine that hears (``hears = True``): what the model is to hear in the rep's last
    # message, {"then": where to move on once answered ({"goal", "item"}, {} = close) or None,
    # "follow_up": the due commitment just asked about or None, "plan": every action named
    # counts (a plan stage), not only a firm dated one}; None on the opening turn
    hearing: dict | None = None
    signals: object | None = None  # filled by an engine that hears: heard.Heard, None if unusable


@runtime_checkable
class Engine(Protocol):
    """Registered by name (registry.py); an optional classmethod ``from_config(config)`` builds
    one from the app's config."""

    name: str
    # Optional ``speaks_flow_lines = True``: the engine speaks the flow's own lines where the
    # flow has one (the follow-up questions). Without it (a model) the engine writes them in its
    # own words from the data, since a model copies any line it sees in the transcript.
    # Optional ``hears = True``: ``stream`` yields only the reply's text and, once it ends,
    # sets ``turn.signals`` to what the model heard (heard.Heard; None when its answer was
    # unusable, which the coach treats as a rejected draft). The flow then uses those signals
    # instead of the offline readers (hearing.py).

    def stream(self, turn: CoachTurn) -> Iterator[str]:
        """Text deltas of one coach reply."""
        ...

    def complete_json(self, turn: CoachTurn, schema: dict) -> dict:
        """Structured output (the session summary), already validated against ``schema``."""
        ...
