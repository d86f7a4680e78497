"""What an import run looks up again and again, loaded once per run: the organization's users
by email, its stages and teams by name (plain values, so they outlive a batch's session), and
per batch the accounts and opportunities its rows name (prefetched in one query each)."""

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from models import Account, Opportunity, SalesProcess, Stage, Team, User

from .values import RowRejected


@dataclass(frozen=True)
class StageRef:
    id: int
    name: str
    probability: int


def org_id_of(org) -> int:
    """An Organization or its id."""
    return org if isinstance(org, int) else org.id


@dataclass
class Lookups:
    org_id: int
    users: dict[str, int]  # lower(email) -> user id
    stages: dict[str, StageRef]  # lower(name) -> stage
    teams: dict[str, int]  # lower(name) -> team id
    accounts: dict[str, Account] = field(default_factory=dict)  # external_id -> account (this batch)
    opportunities: dict[str, Opportunity] = field(default_factory=dict)  # external_id -> deal (batch)
    # external ids the batch's prefetch looked for and did not find: new, no query per row
    absent: set[tuple[str, str]] = field(default_factory=set)

    @classmethod
    def load(cls, db: Session, org) -> "Lookups":
        org_id = org_id_of(org)
        users = {email.lower(): uid for email, uid in db.execute(
            select(User.email, User.id).where(User.org_id == org_id))}
        stages = {s.name.lower(): StageRef(s.id, s.name, s.probability) for s in db.scalars(
            select(Stage).join(SalesProcess).where(SalesProcess.org_id == org_id))}
        teams = {name.lower(): tid for name, tid in db.execute(
            select(Team.name, Team.id).where(Team.org_id == org_id).order_by(Team.id.desc()))}
        return cls(org_id, users, stages, teams)

    def user_id(self, email: str, what: str = "owner email") -> int:
        try:
            return self.users[email.lower()]
        except KeyError:
            raise RowRejected(f"{what} {email} is no user of this organization") from None

    def stage(self, name: str) -> StageRef:
        try:
            return self.stages[name.strip().lower()]
        except KeyError:
            known = ", ".join(s.name for s in self.stages.values())
            raise RowRejected(f"stage {name!r} is not a stage of this organization's sales "
                              f"process ({known}): map it to one") from None

    def team_id(self, db: Session, name: str) -> int:
        """The team of that name, made (and flushed) when the organization has none yet."""
        key = name.strip().lower()
        if key not in self.teams:
            team = Team(org_id=self.org_id, name=name.strip())
            db.add(team)
            db.flush()
            self.teams[key] = team.id
        return self.teams[key]

    def account(self, db: Session, external_id: str) -> Account | None:
        if external_id not in self.accounts:
            if ("accounts", external_id) in self.absent:
                return None
            found = db.scalar(select(Account).where(
                Account.org_id == self.org_id, Account.external_id == external_id))
            if found is None:
                return None
            self.accounts[external_id] = found
        return self.accounts[external_id]

    def opportunity(self, db: Session, external_id: str) -> Opportunity | None:
        if external_id not in self.opportunities:
            if ("opportunities", external_id) in self.absent:
                return None
            found = db.scalar(select(Opportunity).where(
                Opportunity.org_id == self.org_id, Opportunity.external_id == external_id))
            if found is None:
                return None
            self.opportunities[external_id] = found
        return self.opportunities[external_id]

    def prefetch(self, db: Session, kind: str, records: list[dict]) -> None:
        """Load the accounts and deals a batch of records names, one query each, instead of
        one per row."""
        def ids(key):
            return {str(r[key]).strip() for r in records if r.get(key) not in (None, "")}

        account_ids = ids("external_id") if kind == "accounts" else ids("account_external_id")
        if kind in ("accounts", "opportunities") and account_ids:
            for account in db.scalars(select(Account).where(
                    Account.org_id == self.org_id, Account.external_id.in_(account_ids))):
                self.accounts[account.external_id] = account
            self.absent.update(("accounts", i) for i in account_ids if i not in self.accounts)
        if kind == "opportunities" and (deal_ids := ids("external_id")):
            for deal in db.scalars(select(Opportunity).options(selectinload(Opportunity.history))
                                   .where(Opportunity.org_id == self.org_id,
                                          Opportunity.external_id.in_(deal_ids))):
                self.opportunities[deal.external_id] = deal
            self.absent.update(("opportunities", i) for i in deal_ids if i not in self.opportunities)

    def end_batch(self) -> None:
        """Forget the batch's objects (the caller committed and may expunge them)."""
        self.accounts.clear()
        self.opportunities.clear()
        self.absent.clear()
