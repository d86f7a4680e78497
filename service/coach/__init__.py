"""The coaching domain: modes, the flow, one turn, the guard, engines. Imports neither Flask nor
the web layer (service.*), so the terminal coach, the eval and the benchmarks use it too."""

from .engines import CoachTurn, Engine, engine_from_config, engine_names, make_engine
from .engines.fake import FakeEngine
from .engines.guided import GuidedEngine
from .errors import (
    EngineBadOutput,
    EngineError,
    EngineRateLimited,
    EngineRefused,
    EngineTimeout,
    EngineUnavailable,
    ModeFileError,
)
from .flow import follow_up_question
from .guard import GuardVerdict, check
from .metrics import session_metrics
from .modes import Mode, StageSpec, load_modes
from .state import FlowState, SessionState, TurnRecord
from .summary.draft import SessionDraft
from .turn import Coach, Delta, Replace, TurnResult

__all__ = [
    "Coach", "CoachTurn", "Delta", "Engine", "EngineBadOutput", "EngineError",
    "EngineRateLimited", "EngineRefused", "EngineTimeout", "EngineUnavailable", "FakeEngine", "FlowState",
    "GuardVerdict", "GuidedEngine", "Mode", "ModeFileError", "Replace", "SessionDraft",
    "SessionState", "StageSpec", "TurnRecord", "TurnResult", "check", "engine_from_config",
    "engine_names", "follow_up_question", "load_modes", "make_engine", "session_metrics",
]
