"""Sales Coach data model: plain SQLAlchemy 2, no Flask."""

from .assignments import ASSIGNMENT_STATUSES, SessionAssignment
from .base import ZERO, Base, utcnow
from .coaching import (
    COMMITMENT_KIND_WORDS,
    COMMITMENT_KINDS,
    COMMITMENT_STATUSES,
    FOLLOW_UP_ANSWERS,
    SESSION_STATUSES,
    CoachingSession,
    Commitment,
    CommitmentStatusChange,
    ManagerNote,
    Message,
    WebhookDelivery,
)
from .crm import CRM_PROVIDERS, CRM_RUN_STATUSES, CrmConnection, CrmSyncRun
from .figures import KPI_FIELDS, PERIOD_TYPES, KpiSnapshot, SkillAssessment, SkillRating, month_start
from .imports import IMPORT_KINDS, IMPORT_STATUSES, ImportJob, ImportRejection
from .nudges import NUDGE_CHANNELS, NUDGE_KINDS, NUDGE_STATUSES, NudgeDelivery
from .org import (
    DEFAULT_SKILLS,
    ROLES,
    ApiToken,
    Organization,
    Team,
    User,
    known_zones,
    team_managers,
    zone_of,
)
from .pipeline import OPPORTUNITY_STATUSES, Account, Opportunity, StageChange
from .process import SalesProcess, Stage, default_process
from .usage import OrgTokenUsage

__all__ = [
    "Account", "ApiToken", "Base", "COMMITMENT_KIND_WORDS", "COMMITMENT_KINDS", "COMMITMENT_STATUSES",
    "CoachingSession",
    "Commitment", "DEFAULT_SKILLS", "FOLLOW_UP_ANSWERS", "KPI_FIELDS", "KpiSnapshot", "ManagerNote",
    "Message", "NUDGE_CHANNELS", "NUDGE_KINDS", "NUDGE_STATUSES", "NudgeDelivery",
    "OPPORTUNITY_STATUSES", "Opportunity", "OrgTokenUsage", "Organization", "PERIOD_TYPES", "ROLES",
    "SESSION_STATUSES", "SalesProcess", "SkillAssessment", "SkillRating", "Stage", "StageChange",
    "Team", "User", "WebhookDelivery", "ZERO", "default_process", "known_zones", "month_start",
    "team_managers", "utcnow", "zone_of", "ASSIGNMENT_STATUSES", "CommitmentStatusChange",
    "SessionAssignment",
    "CRM_PROVIDERS", "CRM_RUN_STATUSES", "CrmConnection", "CrmSyncRun",
    "IMPORT_KINDS", "IMPORT_STATUSES", "ImportJob", "ImportRejection",
]
