"""The session state kept between turns: typed and versioned (``FLOW_VERSION``), so a stored
session written by an older release still loads (see :meth:`SessionState.from_dict`); and the
``Step`` the flow decides for the next coach turn (flow.py)."""

from __future__ import annotations

import copy as _copy
from dataclasses import asdict, dataclass, field, replace
from datetime import date

FLOW_VERSION = 2


@dataclass
class TurnRecord:
    role: str                 # "coach" | "rep"
    text: str
    stage: str | None = None  # mode stage key, or "follow_up" for due-commitment check-ins
    guard: dict | None = None  # coach turns: {"outcome", "reasons"}
    # rep turns: "injection" when the text reads as an instruction to the coach; a flagged turn
    # never enters the summary, the commitments or the ratings
    flag: str | None = None
    choice: str | None = None  # rep turns: the quick reply picked (its label is the text)


@dataclass
class FlowState:
    """The flow's bookkeeping between turns."""

    follow_ups_asked: int = 0     # due commitments the coach has asked about
    follow_ups_answered: int = 0  # ... and the rep has answered
    asks: int = 0                 # times the rep asked for the answer since the last offer
    probes: dict[str, int] = field(default_factory=dict)  # stage key -> probes used there
    item_index: int = 0           # where a walking stage (skills) is in its list
    # every commitment heard, structured: {"text", "due_date" (ISO or None), "measure", "kind",
    # "stage"}, repeats merged
    heard: list[dict] = field(default_factory=list)
    complete: bool = False        # every stage is covered: the coach closes
    folded: int = 0               # turns folded into the running summary (prompt budget)
    # the rep's answers the record needs: follow-ups {"kind": "follow_up", "commitment_id",
    # "text", "value", "note", "source"} and ratings {"kind": "rating", "skill", "value",
    # "note", "source"}; source "choice" (a quick reply: recorded) or "proposed" (read from
    # free text: recorded only when the rep confirms the session)
    answers: list[dict] = field(default_factory=list)
    offered: dict | None = None   # the quick replies of the last coach turn (quick_replies.py)

    @classmethod
    def from_extra(cls, extra: dict) -> FlowState:
        """The untyped ``extra`` dict of version 1 states (its unread keys are dropped)."""
        return cls(follow_ups_asked=extra.get("follow_ups_asked", 0),
                   follow_ups_answered=extra.get("followed_up", 0), asks=extra.get("asks", 0),
                   probes=dict(extra.get("probes", {})), item_index=extra.get("item_index", 0),
                   heard=list(extra.get("heard", [])), complete=bool(extra.get("complete")),
                   folded=extra.get("folded", 0))


@dataclass
class SessionState:
    mode: str
    stage: str
    context: dict
    turns: list[TurnRecord] = field(default_factory=list)
    digest: str = ""  # the turns folded out of the prompt, a line each (prompt/budget.py)
    # [{"id", "text", "due_date", "measure"}] still to follow up, in order
    due_commitments: list[dict] = field(default_factory=list)
    offer_state: str = "none"  # "none" | "offered" | "accepted"
    flow: FlowState = field(default_factory=FlowState)
    # the summary's parts as last drawn (summary/record.py), so an edit redraws only them
    drawn: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """A JSON-ready dict (built by hand: dataclasses.asdict deep-copies the whole context)."""
        return {"version": FLOW_VERSION, "mode": self.mode, "stage": self.stage,
                "context": dict(self.context),
                "turns": [{"role": t.role, "text": t.text, "stage": t.stage,
                           "guard": t.guard and dict(t.guard), "flag": t.flag,
                           "choice": t.choice}
                          for t in self.turns],
                "digest": self.digest, "offer_state": self.offer_state,
                "flow": asdict(self.flow), "drawn": dict(self.drawn),
                "due_commitments": [
                    {**c, "due_date": c["due_date"].isoformat()
                     if isinstance(c.get("due_date"), date) else c.get("due_date")}
                    for c in self.due_commitments]}

    @classmethod
    def from_dict(cls, data: dict) -> SessionState:
        flow = FlowState(**data["flow"]) if "flow" in data else \
            FlowState.from_extra(data.get("extra") or {})
        return cls(mode=data["mode"], stage=data["stage"], context=dict(data.get("context", {})),
                   turns=[t if isinstance(t, TurnRecord) else TurnRecord(**t)
                          for t in data.get("turns", [])],
                   digest=data.get("digest", data.get("running_summary", "")),
                   due_commitments=[dict(c) for c in data.get("due_commitments", [])],
                   offer_state=data.get("offer_state", "none"), flow=flow,
                   drawn=dict(data.get("drawn") or {}))

    def copy(self) -> SessionState:
        """A working copy the flow may change; the turns themselves are never changed in place."""
        return replace(self, context=dict(self.context), turns=list(self.turns),
                       drawn=dict(self.drawn),
                       due_commitments=_copy.deepcopy(self.due_commitments),
                       flow=_copy.deepcopy(self.flow))

    def today(self) -> date:
        value = self.context.get("today")
        return date.fromisoformat(value) if value else date.today()


@dataclass
class Step:
    """What the next coach turn must do, as the flow decided it."""

    intent: str  # open | ask | probe | follow_up | turn_back | offer | idea | close | steer
    #              | care | terse | contrast | focus | wrap (see engines/base.py INTENTS)
    say: str = ""              # a line the flow speaks itself (the follow-up questions)
    ack: str = ""              # say back the dated commitments the rep just gave
    followed: str = ""         # the rep just said how a due commitment went (FOLLOW_UP_STATUSES)
    answers: list[dict] = field(default_factory=list)  # the answers heard this turn (FlowState)
    choices: dict | None = None  # the quick replies to offer with this turn
    # a follow-up: the due commitment asked about; an engine that writes its own lines asks it
    # in its words (``say`` is then only the fallback)
    due: dict | None = None
    intent_note: str = ""        # a follow-up asked again after an instruction was set aside
    # with an engine that hears (hearing.py): what the model hears this turn, "stage" (the
    # current question), "follow_up" (a due commitment's answer) or "choice" (a picked reply)
    hearing: str = ""
    then: dict | None = None     # "stage": where the reply moves on once it is answered
    heard_about: dict | None = None  # "follow_up": the answer its status will be set on
