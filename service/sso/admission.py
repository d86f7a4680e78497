"""Who an organization's provider admits: its SSO settings, and the user an ID token names.

Plain SQLAlchemy, no Flask. A user is matched by email (lower case) within the configured
organization only: an email of another organization is never signed in here, whatever the
provider says. An unknown email gets an account only when the admin allowed just-in-time
creation, with the default role.
"""

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import ROLES, SsoConfig, User

from ..credentials import CredentialBox


class NotAdmitted(Exception):
    """The provider vouched for someone we do not let in: `reason` is the refusal page's text."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def config_of(session: Session, org_id: int) -> SsoConfig | None:
    return session.scalar(select(SsoConfig).where(SsoConfig.org_id == org_id))


def password_login_allowed(session: Session, user: User) -> bool:
    config = config_of(session, user.org_id)
    return config is None or config.password_login_enabled


def save_config(session: Session, org_id: int, data: dict, box: CredentialBox) -> SsoConfig:
    """Create or change the organization's settings; an empty secret keeps the stored one."""
    config = config_of(session, org_id) or SsoConfig(org_id=org_id)
    session.add(config)
    config.issuer = data["issuer"].strip().rstrip("/")
    config.client_id = data["client_id"].strip()
    if data.get("client_secret"):
        config.client_secret_sealed = box.seal(data["client_secret"])
    config.allowed_domains = sorted({d.strip().lower().lstrip("@") for d in
                                     data.get("allowed_domains", []) if d.strip()})
    config.jit_create = bool(data.get("jit_create"))
    config.default_role = data.get("default_role") or "rep"
    config.password_login_enabled = bool(data.get("password_login_enabled"))
    session.commit()
    return config


def admitted_user(session: Session, config: SsoConfig, claims: dict) -> User:
    """The organization's user the claims name, created just in time if allowed; else refused."""
    email = str(claims.get("email") or "").strip().lower()
    if "@" not in email:
        raise NotAdmitted("The provider did not tell us your email address.")
    if claims.get("email_verified") is False:
        raise NotAdmitted("The provider has not verified your email address.")
    domain = email.rpartition("@")[2]
    if config.allowed_domains and domain not in config.allowed_domains:
        raise NotAdmitted(f"Addresses at {domain} may not sign in to this organization.")
    user = session.scalar(select(User).where(User.org_id == config.org_id, User.email == email))
    if user is None and session.scalar(select(User.id).where(User.email == email)):
        raise NotAdmitted(f"{email} belongs to another organization: it cannot sign in here.")
    if user is None:
        if not config.jit_create:
            raise NotAdmitted(f"{email} has no account in this organization. Ask your admin "
                              "to add you.")
        user = _created(session, config, claims, email)
    if not user.active:
        raise NotAdmitted(f"The account of {email} is deactivated.")
    return user


def _created(session: Session, config: SsoConfig, claims: dict, email: str) -> User:
    role = config.default_role if config.default_role in ROLES else "rep"
    name = str(claims.get("name") or email.partition("@")[0])[:200]
    user = User(org_id=config.org_id, role=role, name=name, email=email)
    session.add(user)
    session.commit()
    return user
