"""Our users and teams as SCIM Users and Groups, and SCIM resources written back to them.

The SCIM id is our own id. A user's userName, externalId and name parts live in its ScimLink
(models/scim.py); the email is the user's (the primary one of `emails`, else the userName).
"""

from pydantic import ValidationError
from scim2_models import (
    Email,
    Group,
    GroupMember,
    InvalidValueException,
    Meta,
    Name,
    UniquenessException,
    User,
)
from scim2_models.resources.user import GroupMembership
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models import Organization, ScimLink, Team
from models import User as Person


def link_of(session: Session, org_id: int, kind: str, local_id: int) -> ScimLink | None:
    return session.scalar(select(ScimLink).where(
        ScimLink.org_id == org_id, ScimLink.kind == kind, ScimLink.local_id == local_id))


def links_of(session: Session, org_id: int, kind: str) -> dict[int, ScimLink]:
    rows = session.scalars(select(ScimLink).where(ScimLink.org_id == org_id, ScimLink.kind == kind))
    return {link.local_id: link for link in rows}


def user_resource(person: Person, link: ScimLink | None, base: str) -> User:
    data = (link.data if link else None) or {}
    name = data.get("name") or {}
    team = person.team
    return User(
        id=str(person.id), external_id=link.external_id if link else None,
        user_name=(link.user_name if link and link.user_name else person.email),
        display_name=data.get("display_name") if link else person.name,
        name=Name(**name) if name else None,
        active=person.active,  # always said: removing `active` leaves the user active
        emails=_emails(person.email, data.get("email_type"), data.get("email_primary", True)),
        groups=[GroupMembership(value=str(team.id), display=team.name,
                                ref=f"{base}/Groups/{team.id}")] if team else None,
        meta=Meta(resource_type="User", created=person.created_at,
                  last_modified=(link.updated_at if link else person.created_at),
                  location=f"{base}/Users/{person.id}"))


def _emails(email: str, kind: str | None, primary: bool | None) -> list[Email] | None:
    """The user's email; none when it is no deliverable address (a reserved .test or .local
    domain stored before SCIM), rather than failing the whole resource."""
    try:
        return [Email(value=email, primary=primary, type=kind)]
    except ValidationError:
        return None


def group_resource(team: Team, link: ScimLink | None, base: str) -> Group:
    members = [GroupMember(value=str(m.id), type="User",
                           ref=f"{base}/Users/{m.id}") for m in team.members]
    return Group(
        id=str(team.id), external_id=link.external_id if link else None,
        display_name=team.name, members=members or None,
        meta=Meta(resource_type="Group", created=team.created_at,
                  last_modified=(link.updated_at if link else team.created_at),
                  location=f"{base}/Groups/{team.id}"))


def _email_of(resource: User) -> tuple[str, dict]:
    """The address we keep (the primary one, else the first, else an email userName) and what
    the provider said of it."""
    emails = resource.emails or []
    primary = next((e for e in emails if e.primary), emails[0] if emails else None)
    if primary is not None and primary.value:
        return str(primary.value), {"email_type": primary.type, "email_primary": primary.primary}
    if resource.user_name and "@" in resource.user_name:
        return resource.user_name, {}
    raise InvalidValueException(detail="A user needs an email: give emails or an email userName.")


def _display_name(resource: User) -> str:
    name = resource.name
    parts = " ".join(p for p in (name.given_name, name.family_name) if p) if name else ""
    return (resource.display_name or (name.formatted if name else None) or parts
            or resource.user_name)[:200]


def _check_unique(session: Session, org: Organization, person: Person | None, user_name: str,
                  email: str, external_id: str | None) -> None:
    others = select(ScimLink.local_id).where(ScimLink.org_id == org.id, ScimLink.kind == "User")
    if person is not None:
        others = others.where(ScimLink.local_id != person.id)
    if session.scalar(others.where(func.lower(ScimLink.user_name) == user_name.lower())):
        raise UniquenessException(detail=f"userName {user_name} is taken in this organization.")
    if external_id and session.scalar(others.where(ScimLink.external_id == external_id)):
        raise UniquenessException(detail=f"externalId {external_id} is taken in this organization.")
    clash = select(Person.id).where(Person.org_id == org.id, Person.email == email.strip().lower())
    if person is not None:
        clash = clash.where(Person.id != person.id)
    if session.scalar(clash):
        raise UniquenessException(detail=f"The email {email} is taken in this organization.")


def write_user(session: Session, org: Organization, resource: User, person: Person | None,
               default_role: str = "rep") -> Person:
    """Create (person None) or replace a user from a SCIM User; externalId and userName kept."""
    if not resource.user_name:
        raise InvalidValueException(detail="userName is required.")
    email, email_data = _email_of(resource)
    _check_unique(session, org, person, resource.user_name, email, resource.external_id)
    if person is None:
        person = Person(org_id=org.id, role=default_role, name="", email=email)
        session.add(person)
    person.email, person.name = email, _display_name(resource)
    person.active = True if resource.active is None else bool(resource.active)
    session.flush()
    link = link_of(session, org.id, "User", person.id) or ScimLink(
        org_id=org.id, kind="User", local_id=person.id)
    link.user_name, link.external_id = resource.user_name, resource.external_id
    name = resource.name.model_dump(exclude_none=True) if resource.name else {}
    name = {k: v for k, v in name.items() if k in ("formatted", "familyName", "givenName")}
    link.data = {"name": {_snake(k): v for k, v in name.items()}, **email_data,
                 "display_name": resource.display_name}
    session.add(link)
    return person


def _snake(key: str) -> str:
    return {"familyName": "family_name", "givenName": "given_name"}.get(key, key)


def member_ids(session: Session, org: Organization, resource: Group) -> list[Person]:
    """The org's users a Group's members name; an unknown or foreign id is refused."""
    ids = []
    for member in resource.members or []:
        if not str(member.value or "").isdigit():
            raise InvalidValueException(detail=f"No user {member.value} in this organization.")
        ids.append(int(member.value))
    people = list(session.scalars(select(Person).where(Person.org_id == org.id, Person.id.in_(ids))))
    if len(people) != len(set(ids)):
        raise InvalidValueException(detail="A member is no user of this organization.")
    return people


def write_group(session: Session, org: Organization, resource: Group, team: Team | None) -> Team:
    """Create or replace a team from a SCIM Group: its name and its members (a user is in one
    team, so joining this one leaves their previous team)."""
    if not resource.display_name:
        raise InvalidValueException(detail="displayName is required.")
    clash = select(Team.id).where(Team.org_id == org.id,
                                  func.lower(Team.name) == resource.display_name.lower())
    if session.scalar(clash.where(Team.id != team.id) if team else clash):
        raise UniquenessException(detail=f"A team named {resource.display_name} exists.")
    people = member_ids(session, org, resource)
    if team is None:
        team = Team(org_id=org.id, name=resource.display_name)
        session.add(team)
    team.name = resource.display_name[:200]
    session.flush()
    for person in list(team.members):
        if person not in people:
            person.team = None
    for person in people:
        person.team = team
    link = link_of(session, org.id, "Group", team.id) or ScimLink(
        org_id=org.id, kind="Group", local_id=team.id)
    link.external_id = resource.external_id
    session.add(link)
    return team
