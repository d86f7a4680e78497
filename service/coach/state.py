"""The session state the API persists between turns, and what the flow yields while it speaks."""

from __future__ import annotations

import copy as _copy
from dataclasses import dataclass, field, replace
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
        """A JSON-ready dict (built by hand: dataclasses.asdict deep-copies the whole context)."""
        data = {"mode": self.mode, "stage": self.stage, "context": dict(self.context),
                "turns": [{"role": t.role, "text": t.text, "stage": t.stage,
                           "guard": t.guard and dict(t.guard)} for t in self.turns],
                "running_summary": self.running_summary, "offer_state": self.offer_state,
                "extra": _copy.deepcopy(self.extra)}
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
        """A working copy the flow may change; the turns themselves are never changed in place."""
        return replace(self, context=dict(self.context), turns=list(self.turns),
                       due_commitments=_copy.deepcopy(self.due_commitments),
                       extra=_copy.deepcopy(self.extra))


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
