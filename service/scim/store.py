"""SCIM operations on the organization's users and teams: list, find, create, replace, delete.
Every query is scoped to the token's organization; an id of another one is simply not found."""

from scim2_models import Group, NotFoundException, Resource
from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from models import NudgeDelivery, Organization, ScimLink, Team, User, utcnow

from .resources import group_resource, link_of, links_of, user_resource, write_group, write_user


def all_resources(session: Session, org: Organization, model, base: str,
                  narrow: tuple[str, str] | None = None) -> list[Resource]:
    """The organization's users or teams as resources, in id order; `narrow` (query.narrowing)
    leaves out in SQL rows that cannot match."""
    if model is Group:
        links = links_of(session, org.id, "Group")
        teams = select(Team).where(Team.org_id == org.id).order_by(Team.id)
        teams = session.scalars(_narrowed(teams, Team, "Group", org, narrow)
                                .options(selectinload(Team.members)))
        return [group_resource(t, links.get(t.id), base) for t in teams]
    links = links_of(session, org.id, "User")
    people = select(User).where(User.org_id == org.id).order_by(User.id)
    people = session.scalars(_narrowed(people, User, "User", org, narrow)
                             .options(selectinload(User.team)))
    return [user_resource(p, links.get(p.id), base) for p in people
            if links.get(p.id) is None or links[p.id].deleted_at is None]


def _narrowed(query, row_type, kind: str, org: Organization, narrow):
    if narrow is None:
        return query
    name, value = narrow
    linked = lambda column: select(ScimLink.local_id).where(  # noqa: E731
        ScimLink.org_id == org.id, ScimLink.kind == kind, column)
    if name == "externalid":
        return query.where(row_type.id.in_(linked(ScimLink.external_id == value)))
    if name == "displayname" and row_type is Team:
        return query.where(func.lower(Team.name) == value.lower())
    if name in ("emails", "emails.value") and row_type is User:
        return query.where(User.email == value.strip().lower())
    if name == "username" and row_type is User:
        return query.where(or_(User.email == value.strip().lower(), User.id.in_(
            linked(func.lower(ScimLink.user_name) == value.lower()))))
    return query


def _row(session: Session, org: Organization, model, resource_id: str):
    row_type, kind = (Team, "Group") if model is Group else (User, "User")
    row = session.get(row_type, int(resource_id)) if str(resource_id).isdigit() else None
    link = link_of(session, org.id, kind, row.id) if row is not None else None
    if row is None or row.org_id != org.id or (link is not None and link.deleted_at is not None):
        raise NotFoundException(detail=f"No {kind} {resource_id} in this organization.")
    return row, link


def find(session: Session, org: Organization, model, resource_id: str, base: str) -> Resource:
    row, link = _row(session, org, model, resource_id)
    return group_resource(row, link, base) if model is Group else user_resource(row, link, base)


def _returning(session: Session, org: Organization, resource) -> User | None:
    """A user the provider deleted earlier and now provisions again (same email): brought back."""
    emails = [str(e.value).lower() for e in resource.emails or [] if e.value]
    emails += [resource.user_name.lower()] if resource.user_name and "@" in resource.user_name else []
    person = session.scalar(select(User).where(User.org_id == org.id, User.email.in_(emails)))
    link = link_of(session, org.id, "User", person.id) if person is not None else None
    if link is not None and link.deleted_at is not None:
        link.deleted_at = None
        return person
    return None


def create(session: Session, org: Organization, resource, base: str, role: str = "rep") -> Resource:
    if isinstance(resource, Group):
        team = write_group(session, org, resource, None)
        session.flush()
        return find(session, org, Group, str(team.id), base)
    person = write_user(session, org, resource, _returning(session, org, resource), role)
    session.flush()
    return find(session, org, type(resource), str(person.id), base)


def replace(session: Session, org: Organization, model, resource_id: str, resource, base: str):
    row, _ = _row(session, org, model, resource_id)
    if model is Group:
        write_group(session, org, resource, row)
    else:
        write_user(session, org, resource, row)
    session.flush()
    session.expire_all()
    return find(session, org, model, resource_id, base)


def delete(session: Session, org: Organization, model, resource_id: str) -> None:
    """A user: deactivated and hidden from the provider, every record kept. A team: its members
    leave it (they stay users), then it is removed."""
    row, link = _row(session, org, model, resource_id)
    if model is Group:
        for person in list(row.members):
            person.team = None
        row.managers = []
        if link is not None:
            session.delete(link)
        session.flush()
        _detach_nudges(session, row)
        session.delete(row)
        return
    row.active = False
    if link is None:
        link = ScimLink(org_id=org.id, kind="User", local_id=row.id, user_name=row.email, data={})
        session.add(link)
    link.deleted_at = utcnow()


def _detach_nudges(session: Session, team: Team) -> None:
    session.execute(update(NudgeDelivery).where(NudgeDelivery.team_id == team.id).values(team_id=None))
