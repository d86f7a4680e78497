"""KPI snapshots per rep and period, each with its change against the rep's previous period."""

from decimal import Decimal

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from models import KPI_FIELDS, PERIOD_TYPES, KpiSnapshot

from ..access import check_writable, get_visible, rep_clause
from ..db import db
from ..pagination import PageArgs, page_of
from . import blueprint
from .accounts import resolve_owner
from .common import field_error, money, money_change, save

blp = blueprint("kpis", __name__, "/kpis",
                "A rep's figures per week or month, with the change on the previous period.")

COUNTS = ("pipeline_count", "proposals", "deals_closed")


def _change_schema(absolute):
    return {"absolute": absolute, "percent": fields.Float(
        allow_none=True, metadata={"description": "null when the previous value is 0."})}


CountChange = Schema.from_dict(_change_schema(fields.Integer()), name="CountChange")
MoneyChange = Schema.from_dict(_change_schema(money_change()), name="MoneyChange")
KpiSnapshotChangeSchema = Schema.from_dict(
    {f: fields.Nested(CountChange if f in COUNTS else MoneyChange) for f in KPI_FIELDS},
    name="KpiSnapshotChange")


class KpiSnapshotSchema(Schema):
    id = fields.Integer(dump_only=True)
    rep_id = fields.Integer(load_default=None,
                            metadata={"description": "Default: you. Admins may name a rep."})
    period_type = fields.String(required=True, validate=validate.OneOf(PERIOD_TYPES))
    period_start = fields.Date(required=True,
                               metadata={"description": "A Monday for weeks, the 1st for months."})
    pipeline_count = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10**6))
    proposals = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10**6))
    deals_closed = fields.Integer(load_default=0, validate=validate.Range(min=0, max=10**6))
    pipeline_value = money(load_default=Decimal("0.00"))
    closed_value = money(load_default=Decimal("0.00"))
    quota = money(load_default=Decimal("0.00"))
    currency = fields.String(load_default="USD", validate=validate.Regexp(
        r"^[A-Z]{3}$", error="Use a three-letter ISO 4217 code such as USD."))
    created_at = fields.DateTime(dump_only=True)
    previous_period_start = fields.Date(dump_only=True, allow_none=True)
    change = fields.Nested(KpiSnapshotChangeSchema, dump_only=True, allow_none=True,
                           metadata={"description": "null when there is no previous period."})


class KpiListArgs(PageArgs):
    rep_id = fields.Integer()
    period_type = fields.String(validate=validate.OneOf(PERIOD_TYPES))
    from_ = fields.Date(data_key="from", metadata={"description": "period_start on or after."})
    to = fields.Date(metadata={"description": "period_start on or before."})


def _with_previous(inner_where, outer_where):
    """Snapshots joined to their previous period's figures: LAG over the rep's own series."""
    window = {"partition_by": (KpiSnapshot.rep_id, KpiSnapshot.period_type),
              "order_by": KpiSnapshot.period_start}
    # lag() is untyped to SQLAlchemy: give it the column's type so SQLite's strings become dates.
    lags = [func.lag(column, type_=column.type).over(**window).label(column.key) for column in
            (getattr(KpiSnapshot, f) for f in ("period_start", *KPI_FIELDS))]
    inner = select(KpiSnapshot.id.label("snapshot_id"), *lags).where(*inner_where).subquery()
    return (select(KpiSnapshot, inner)
            .join(inner, inner.c.snapshot_id == KpiSnapshot.id).where(*outer_where))


def _pct(now, before):
    return None if not before else round(float((now - before) * 100 / before), 1)


def dump(row) -> dict:
    snapshot, prev = row[0], row._mapping
    data = {k: getattr(snapshot, k) for k in KpiSnapshotSchema().fields if hasattr(snapshot, k)}
    data["previous_period_start"] = prev["period_start"]
    if prev["period_start"] is None:
        return {**data, "change": None}
    change = {}
    for f in KPI_FIELDS:
        now, before = getattr(snapshot, f), prev[f]
        change[f] = {"absolute": now - before, "percent": _pct(now, before)}
    return {**data, "change": change}


def _scope():
    return [KpiSnapshot.org_id == g.user.org_id, rep_clause(KpiSnapshot.rep_id, g.user)]


def get_kpi(kpi_id: int) -> dict:
    snapshot = get_visible(db.session, KpiSnapshot, kpi_id, g.user, "rep_id")
    inner = [KpiSnapshot.rep_id == snapshot.rep_id, KpiSnapshot.period_type == snapshot.period_type]
    return dump(db.session.execute(_with_previous(inner, [KpiSnapshot.id == kpi_id])).one())


def _check_period(period_type: str, start) -> None:
    if period_type == "month" and start.day != 1:
        raise field_error("period_start", "A month starts on the 1st.")
    if period_type == "week" and start.weekday() != 0:
        raise field_error("period_start", "A week starts on a Monday.")


def _conflict(data) -> str:
    return f"There is already a {data['period_type']} snapshot for that rep starting {data['period_start']}."


@blp.route("")
class Kpis(MethodView):
    @blp.arguments(KpiListArgs, location="query")
    @blp.response(200, page_of(KpiSnapshotSchema))
    def get(self, args):
        """List KPI snapshots you can see, newest first, each with its change on the period before."""
        inner = _scope() + [getattr(KpiSnapshot, k) == args[k]
                            for k in ("rep_id", "period_type") if k in args]
        outer = ([KpiSnapshot.period_start >= args["from_"]] if "from_" in args else []) + (
            [KpiSnapshot.period_start <= args["to"]] if "to" in args else [])
        stmt = _with_previous(inner, outer).order_by(
            KpiSnapshot.period_start.desc(), KpiSnapshot.rep_id, KpiSnapshot.id)
        return _page(stmt, args)

    @blp.arguments(KpiSnapshotSchema)
    @blp.response(201, KpiSnapshotSchema)
    def post(self, data):
        """Record a period's figures for you (admins: for the rep in rep_id)."""
        rep = resolve_owner(data.pop("rep_id"), "rep_id")
        _check_period(data["period_type"], data["period_start"])
        snapshot = save(KpiSnapshot(org_id=g.user.org_id, rep_id=rep.id, **data), _conflict(data))
        return get_kpi(snapshot.id)


def _page(stmt, args) -> dict:
    page, per_page = args["page"], args["per_page"]
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = db.session.execute(stmt.limit(per_page).offset((page - 1) * per_page)).all()
    return {"items": [dump(r) for r in rows], "page": page, "per_page": per_page, "total": total,
            "pages": (total + per_page - 1) // per_page}


@blp.route("/<int:kpi_id>")
class KpiById(MethodView):
    @blp.response(200, KpiSnapshotSchema)
    def get(self, kpi_id):
        """Read one snapshot with its change on the previous period."""
        return get_kpi(kpi_id)

    @blp.arguments(KpiSnapshotSchema(partial=True))
    @blp.response(200, KpiSnapshotSchema)
    def patch(self, data, kpi_id):
        """Correct a snapshot's figures or period (the owner or an admin)."""
        snapshot = get_visible(db.session, KpiSnapshot, kpi_id, g.user, "rep_id")
        check_writable(g.user, snapshot.rep_id, snapshot.org_id)
        if data.pop("rep_id", None) not in (None, snapshot.rep_id):
            raise field_error("rep_id", "A snapshot cannot move to another rep; delete and recreate it.")
        for key, value in data.items():
            setattr(snapshot, key, value)
        _check_period(snapshot.period_type, snapshot.period_start)
        save(snapshot, _conflict({"period_type": snapshot.period_type,
                                  "period_start": snapshot.period_start}))
        return get_kpi(kpi_id)

    @blp.response(204)
    def delete(self, kpi_id):
        """Delete a snapshot (the owner or an admin)."""
        snapshot = get_visible(db.session, KpiSnapshot, kpi_id, g.user, "rep_id")
        check_writable(g.user, snapshot.rep_id, snapshot.org_id)
        db.session.delete(snapshot)
        save()

