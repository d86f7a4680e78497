"""The session state the API persists between turns, and what the flow yields while it speaks."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date


@dataclass
class TurnRecord:
    role: str                 # "coach" | "rep"
    text: str
    stage: str | None = None  # mode stage key, or "follow_up" for due-commitment check-ins
    guard: dict | None = None  # coach turns: {"outcome", "reasons"}


@dataclass
class SessionState:
    mode: str
    stage: str
    context: dict
    turns: list[TurnRecord] = field(default_factory=list)
    running_summary: str = ""
    # [{"id", "text", "due_date", "measure"}] still to follow up, in order
    due_commitments: list[dict] = field(default_factory=list)
    offer_state: str = "none"  # "none" | "offered" | "accepted"
    # flow bookkeeping: folded, asks, probes, item_index, ratings, complete, followed_up
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["due_commitments"] = [
            {**c, "due_date": c["due_date"].isoformat()
             if isinstance(c.get("due_date"), date) else c.get("due_date")}
            for c in self.due_commitments]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> SessionState:
        fields_ = dict(data)
        fields_["turns"] = [t if isinstance(t, TurnRecord) else TurnRecord(**t)
                            for t in data.get("turns", [])]
        fields_["due_commitments"] = [dict(c) for c in data.get("due_commitments", [])]
        fields_["extra"] = dict(data.get("extra", {}))
        fields_["context"] = dict(data.get("context", {}))
        return cls(**fields_)

    def copy(self) -> SessionState:
        return SessionState.from_dict(self.to_dict())


class Delta(str):
    """A piece of the coach's reply as it streams."""


@dataclass
class Replace:
    """The guard rejected the streamed text; this is the final text to show instead."""

    text: str


@dataclass
class CoachReply:
    text: str
    stage: str | None
    guard: dict                       # {"outcome": passed|regenerated|fallback, "reasons": [...]}
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    commitment_update: dict | None = None  # {"id", "status": done|open|dropped, "note"}
    skill_ratings: list[dict] = field(default_factory=list)  # [{"skill", "rating", "note"}]
    complete: bool = False            # every stage of the mode is covered
    intent: str = "ask"


@dataclass
class SessionDraft:
    summary: str
    commitments: list[dict]  # {"text", "due_date": date|None, "measure", "kind", "opportunity_id"}
    help_asked: str
