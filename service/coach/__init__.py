"""The coaching engine: modes, guard, engines and the flow. Never imports Flask."""

from .conversation import Coach, follow_up_question
from .engines import CoachTurn, Engine, FakeEngine, GuidedEngine, make_engine
from .errors import (
    EngineBadOutput,
    EngineError,
    EngineRateLimited,
    EngineTimeout,
    EngineUnavailable,
    ModeFileError,
)
from .guard import GuardVerdict, check
from .metrics import session_metrics
from .modes import Mode, StageSpec, load_modes
from .state import CoachReply, Delta, Replace, SessionDraft, SessionState, TurnRecord

__all__ = [
    "Coach", "CoachReply", "CoachTurn", "Delta", "Engine", "EngineBadOutput", "EngineError",
    "EngineRateLimited", "EngineTimeout", "EngineUnavailable", "FakeEngine", "GuardVerdict",
    "GuidedEngine", "Mode", "ModeFileError", "Replace", "SessionDraft", "SessionState",
    "StageSpec", "TurnRecord", "check", "follow_up_question", "load_modes", "make_engine",
    "session_metrics",
]
