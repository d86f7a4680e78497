"""Opportunities: deals in the sales process, with stage history and derived days in stage."""

from datetime import timedelta

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import false, or_, select
from sqlalchemy.orm import selectinload

from models import OPPORTUNITY_STATUSES, Opportunity, SalesProcess, Stage, utcnow

from ..access import check_writable, get_visible, rep_clause
from ..db import db
from ..domain_errors import NotFound
from ..pagination import PageArgs, page_of, paginate
from . import blueprint
from .accounts import get_account, resolve_owner
from .common import field_error, money, name_field, save, text

blp = blueprint("opportunities", __name__, "/opportunities",
                "Deals: amount, stage, close date, competitors, milestones and stage history.")


class OpportunitySchema(Schema):
    id = fields.Integer(dump_only=True)
    account_id = fields.Integer(required=True)
    owner_id = fields.Integer(load_default=None,
                              metadata={"description": "Default: the account's owner."})
    name = name_field(required=True)
    amount = money(required=True)
    currency = fields.String(load_default="USD", validate=validate.Regexp(
        r"^[A-Z]{3}$", error="Use a three-letter ISO 4217 code such as USD."))
    close_date = fields.Date(load_default=None, allow_none=True)
    stage_id = fields.Integer(load_default=None,
                              metadata={"description": "Default: the first stage."})
    stage = fields.Function(lambda o: o.stage.name, dump_only=True)
    probability = fields.Integer(validate=validate.Range(min=0, max=100),
                                 metadata={"description": "Default: the stage's probability."})
    next_step = text(2000, load_default="")
    competitors = fields.List(text(200), load_default=list, validate=validate.Length(max=50))
    milestones_met = fields.List(text(200), load_default=list, validate=validate.Length(max=100))
    status = fields.String(load_default="open", validate=validate.OneOf(OPPORTUNITY_STATUSES))
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    stage_entered_at = fields.DateTime(dump_only=True)
    days_in_stage = fields.Method("_days", dump_only=True)
    benchmark_days = fields.Function(lambda o: o.stage.benchmark_days, dump_only=True)
    stalled = fields.Method("_stalled", dump_only=True,
                            metadata={"description": "Open and longer in stage than its benchmark."})

    def _days(self, opp):
        return opp.days_in_stage()

    def _stalled(self, opp):
        return opp.is_stalled()


class OpportunityListArgs(PageArgs):
    rep_id = fields.Integer()
    account_id = fields.Integer()
    stage_id = fields.Integer()
    status = fields.String(validate=validate.OneOf(OPPORTUNITY_STATUSES))
    stalled = fields.Boolean(metadata={"description": "true: only deals past their stage benchmark."})


class StageChangeSchema(Schema):
    id = fields.Integer()
    from_stage_id = fields.Integer(allow_none=True)
    from_stage = fields.String(allow_none=True)
    to_stage_id = fields.Integer()
    to_stage = fields.String()
    changed_at = fields.DateTime()
    changed_by_id = fields.Integer(allow_none=True)
    left_at = fields.DateTime(allow_none=True, metadata={"description": "null: still there."})
    days_in_stage = fields.Integer(metadata={"description": "Whole days spent in to_stage."})


def _stages() -> list[Stage]:
    return db.session.scalar(select(SalesProcess).where(
        SalesProcess.org_id == g.user.org_id)).stages


def _stalled_clause(stages: list[Stage], now):
    """Past benchmark means whole days in stage > benchmark; one term per stage, any database."""
    terms = [(Opportunity.stage_id == s.id)
             & (Opportunity.stage_entered_at <= now - timedelta(days=s.benchmark_days + 1))
             for s in stages]
    return (Opportunity.status == "open") & (or_(*terms) if terms else false())


def _visible():
    return select(Opportunity).where(
        Opportunity.org_id == g.user.org_id, rep_clause(Opportunity.owner_id, g.user)
    ).options(selectinload(Opportunity.stage))


def get_opportunity(opportunity_id: int) -> Opportunity:
    return get_visible(db.session, Opportunity, opportunity_id, g.user, "owner_id")


def _apply(opp: Opportunity, data: dict, stages: list[Stage]) -> None:
    met = {m for s in stages for m in s.milestones}
    unknown = [m for m in data.get("milestones_met", []) if m not in met]
    if unknown:
        raise field_error("milestones_met", f"Not a milestone of your process: {', '.join(unknown)}.")
    for key in ("name", "amount", "currency", "close_date", "probability", "next_step",
                "competitors", "milestones_met", "status"):
        if key in data:
            setattr(opp, key, data[key])
    stage_id = data.get("stage_id")
    if stage_id is not None and stage_id != opp.stage_id:
        stage = next((s for s in stages if s.id == stage_id), None)
        if stage is None:
            raise field_error("stage_id", f"No stage {stage_id} in your sales process.")
        opp.move_to_stage(stage, g.user.id)
        if "probability" not in data:
            opp.probability = stage.probability


@blp.route("")
class Opportunities(MethodView):
    @blp.arguments(OpportunityListArgs, location="query")
    @blp.response(200, page_of(OpportunitySchema))
    def get(self, args):
        """List the opportunities you can see; filter by rep, account, stage, status or stalled."""
        stmt = _visible()
        for key, column in (("rep_id", Opportunity.owner_id), ("account_id", Opportunity.account_id),
                            ("stage_id", Opportunity.stage_id), ("status", Opportunity.status)):
            if key in args:
                stmt = stmt.where(column == args[key])
        if "stalled" in args:
            clause = _stalled_clause(_stages(), utcnow())
            stmt = stmt.where(clause if args["stalled"] else ~clause)
        return paginate(db.session, stmt.order_by(Opportunity.id), args)

    @blp.arguments(OpportunitySchema)
    @blp.response(201, OpportunitySchema)
    def post(self, data):
        """Create an opportunity on an account you can write to; it starts its stage history."""
        account = get_account_or_422(data["account_id"])
        owner = resolve_owner(data["owner_id"] or account.owner_id)
        check_writable(g.user, owner.id, owner.org_id)
        stages = _stages()
        opp = Opportunity(org_id=g.user.org_id, account_id=account.id, owner_id=owner.id)
        data["stage_id"] = data["stage_id"] or stages[0].id
        _apply(opp, data, stages)
        return save(opp)


def get_account_or_422(account_id: int):
    try:
        return get_account(account_id)
    except NotFound as exc:
        raise field_error("account_id", f"No account {account_id} here.") from exc


@blp.route("/<int:opportunity_id>")
class OpportunityById(MethodView):
    @blp.response(200, OpportunitySchema)
    def get(self, opportunity_id):
        """Read one opportunity with days in stage, benchmark and whether it is stalled."""
        return get_opportunity(opportunity_id)

    @blp.arguments(OpportunitySchema(partial=True))
    @blp.response(200, OpportunitySchema)
    def patch(self, data, opportunity_id):
        """Change an opportunity; a new stage_id is recorded in its history."""
        opp = get_opportunity(opportunity_id)
        check_writable(g.user, opp.owner_id, opp.org_id)
        if "account_id" in data and data["account_id"] != opp.account_id:
            opp.account_id = get_account_or_422(data["account_id"]).id
        if data.get("owner_id") not in (None, opp.owner_id):
            opp.owner_id = resolve_owner(data["owner_id"]).id
        _apply(opp, data, _stages())
        return save(opp)

    @blp.response(204)
    def delete(self, opportunity_id):
        """Delete an opportunity that no coaching session or commitment refers to."""
        opp = get_opportunity(opportunity_id)
        check_writable(g.user, opp.owner_id, opp.org_id)
        db.session.delete(opp)
        save(conflict_message="Coaching sessions refer to this opportunity; mark it lost instead.")


@blp.route("/<int:opportunity_id>/history")
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(StageChangeSchema))
def history(args, opportunity_id):
    """The opportunity's stage changes, oldest first, with the days spent in each stage."""
    changes = get_opportunity(opportunity_id).history  # a deal has a handful; page in memory
    now, page, per_page = utcnow(), args["page"], args["per_page"]
    items = [{"id": c.id, "from_stage_id": c.from_stage_id, "to_stage_id": c.to_stage_id,
              "from_stage": c.from_stage.name if c.from_stage else None,
              "to_stage": c.to_stage.name, "changed_at": c.changed_at,
              "changed_by_id": c.changed_by_id, "left_at": nxt.changed_at if nxt else None,
              "days_in_stage": ((nxt.changed_at if nxt else now) - c.changed_at).days}
             for c, nxt in zip(changes, [*changes[1:], None], strict=True)]
    return {"items": items[(page - 1) * per_page:page * per_page], "page": page,
            "per_page": per_page, "total": len(items), "pages": -(-len(items) // per_page)}
