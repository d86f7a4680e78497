"""The /demo host page's server side: the fake CRM's own backend minting widget tokens.

It goes through the same mint() as POST /api/v1/widget/tokens, for the demo organization's
reps and the page's own origin (which must be one of the demo organization's widget origins).
"""

from flask import request
from sqlalchemy import select

from models import Opportunity, User

from ..db import db
from ..errors import ApiError
from .tokens import MintedToken, mint, normalize_origin

DEFAULT_REP = "riley"


def _demo_org_id() -> int | None:
    from ..demo import demo_admin

    admin = demo_admin(db.session)
    return admin.org_id if admin else None


def demo_reps() -> list[User]:
    org_id = _demo_org_id()
    if org_id is None:
        return []
    return list(db.session.scalars(select(User).where(
        User.org_id == org_id, User.role == "rep", User.active).order_by(User.id)))


def rep_key(user: User) -> str:
    return user.email.split("@", 1)[0]


def _pick(reps: list[User], key: str | None) -> User | None:
    by_key = {rep_key(r): r for r in reps}
    return by_key.get(key or DEFAULT_REP) or (reps[0] if reps else None)


def page_origin() -> str:
    return normalize_origin(request.host_url) or request.host_url.rstrip("/")


def mint_for(key: str | None) -> MintedToken:
    rep = _pick(demo_reps(), key)
    if rep is None:
        raise ApiError(404, "The demo organization is not loaded: run `flask demo load`.")
    return mint(rep, page_origin())


def page_context(key: str | None) -> dict:
    reps = demo_reps()
    rep = _pick(reps, key)
    context = {"reps": [(rep_key(r), r.name) for r in reps], "rep": rep, "token": None,
               "problem": None, "origin": page_origin(), "api_base": request.host_url.rstrip("/"),
               "rep_key": rep_key(rep) if rep else "", "opportunities": []}
    if rep is None:
        context["problem"] = "The demo organization is not loaded yet: run `flask demo load`."
        return context
    context["opportunities"] = list(db.session.scalars(select(Opportunity).where(
        Opportunity.owner_id == rep.id, Opportunity.status == "open").order_by(Opportunity.close_date)))
    try:
        context["token"] = mint(rep, context["origin"]).token
    except ApiError:
        context["problem"] = (f"{context['origin']} is not one of Northwind Demo's widget origins; "
                              "an admin adds it with PUT /api/v1/widget/origins.")
    return context
