"""An organization's privacy settings (retention days, what goes with the transcripts, how an
erasure treats figures), read with defaults and changed by its admins."""

from sqlalchemy.orm import Session

from models import PrivacySettings, User

from ..domain_errors import Forbidden

FIELDS = ("transcript_days", "purge_summaries", "purge_commitments", "purge_figures",
          "erase_figures")


def settings_for(session: Session, org_id: int) -> PrivacySettings:
    """The stored row, or an unsaved one with the defaults (keep everything, anonymise)."""
    return session.get(PrivacySettings, org_id) or PrivacySettings(
        org_id=org_id, transcript_days=None, purge_summaries=False, purge_commitments=False,
        purge_figures=False, erase_figures="anonymise")


def check_admin(user: User) -> None:
    if user.role != "admin" or getattr(user, "credential", None) == "widget":
        raise Forbidden("Only an admin of the organization can do this.")


def update_settings(session: Session, admin: User, data: dict) -> PrivacySettings:
    """Change the given fields (admins; commits)."""
    check_admin(admin)
    row = settings_for(session, admin.org_id)
    for name in FIELDS:
        if name in data:
            setattr(row, name, data[name])
    session.add(row)
    session.commit()
    return row


def dump_settings(row: PrivacySettings) -> dict:
    return {name: getattr(row, name) for name in FIELDS}
