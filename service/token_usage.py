"""Each organization's model tokens per UTC day (models/usage.py): charged in the transaction
that stores a reply, read by the daily budget in limits.py. Plain SQLAlchemy, no app context, so
the session orchestration and a streamed turn use it too."""

from datetime import UTC, datetime
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from models import OrgTokenUsage


@cache  # one statement per dialect, its values bound per call: a turn builds none
def _upsert(dialect: str):
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    stmt = insert(OrgTokenUsage).values(org_id=bindparam("org_id"), day=bindparam("day"),
                                        tokens=bindparam("tokens"))
    return stmt.on_conflict_do_update(index_elements=["org_id", "day"],
                                      set_={"tokens": OrgTokenUsage.tokens + stmt.excluded.tokens})


def charge_tokens(session: Session, org_id: int, tokens: int) -> None:
    """Add a reply's model tokens to the organization's day, in the caller's transaction (it
    commits with the reply)."""
    if tokens <= 0:
        return
    values = {"org_id": org_id, "day": datetime.now(UTC).date(), "tokens": int(tokens)}
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        session.execute(_upsert(dialect), values)
        return
    row = session.get(OrgTokenUsage, (org_id, values["day"]))  # other databases: plain ORM
    if row is None:
        session.add(OrgTokenUsage(**values))
    else:
        row.tokens += values["tokens"]


def used_today(session: Session, org_id: int) -> int:
    used = session.scalar(select(OrgTokenUsage.tokens).where(
        OrgTokenUsage.org_id == org_id, OrgTokenUsage.day == datetime.now(UTC).date()))
    return used or 0
