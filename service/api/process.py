"""The organization's sales process: ordered stages with milestones, benchmarks and probability."""

from flask import g
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import func, select

from models import Opportunity, SalesProcess, Stage, StageChange

from ..auth import role_required
from ..db import db
from ..errors import ApiError
from . import blueprint
from .common import save

blp = blueprint("process", __name__, "/process",
                "The sales process: stages, exit milestones and days-in-stage benchmarks.")


class StageSchema(Schema):
    id = fields.Integer(load_default=None, metadata={"description": "Omit to add a new stage."})
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    position = fields.Integer(dump_only=True)
    benchmark_days = fields.Integer(load_default=14, validate=validate.Range(min=1, max=3650))
    probability = fields.Integer(load_default=0, validate=validate.Range(min=0, max=100))
    milestones = fields.List(fields.String(validate=validate.Length(min=1, max=200)),
                             load_default=list, validate=validate.Length(max=50))


class ProcessSchema(Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    stages = fields.List(fields.Nested(StageSchema), required=True,
                         validate=validate.Length(min=1, max=50),
                         metadata={"description": "The complete ordered list: the order is the "
                                                  "stage order, a stage left out is removed."})

    @validates_schema
    def _unique_names(self, data, **_kwargs):
        names = [s["name"].strip().lower() for s in data.get("stages", []) if "name" in s]
        if len(names) != len(set(names)):
            raise ValidationError("Two stages have the same name.", "stages")


def org_process() -> SalesProcess:
    process = db.session.scalar(select(SalesProcess).where(SalesProcess.org_id == g.user.org_id))
    if process is None:
        raise ApiError(404, "Your organization has no sales process yet.")
    return process


def _removable(stage: Stage) -> None:
    """Stages still in use stay: open deals would lose their place, history its meaning."""
    in_use = db.session.scalar(select(func.count()).select_from(Opportunity).where(
        Opportunity.stage_id == stage.id, Opportunity.status == "open"))
    if in_use:
        raise ApiError(409, f"Stage '{stage.name}' still has {in_use} open opportunities; "
                            "move them to another stage first.")
    referenced = db.session.scalar(select(func.count()).select_from(Opportunity).where(
        Opportunity.stage_id == stage.id)) or db.session.scalar(
        select(func.count()).select_from(StageChange).where(
            (StageChange.to_stage_id == stage.id) | (StageChange.from_stage_id == stage.id)))
    if referenced:
        raise ApiError(409, f"Stage '{stage.name}' appears in closed deals' stage history; "
                            "rename it instead of removing it.")


def _apply(process: SalesProcess, data: dict) -> None:
    process.name = data.get("name", process.name)
    if "stages" not in data:
        return
    by_id = {s.id: s for s in process.stages}
    unknown = [s["id"] for s in data["stages"] if s.get("id") is not None and s["id"] not in by_id]
    if unknown:
        raise ApiError(422, "The request did not validate: see fields.",
                       fields={"stages": [f"No stage {i} in this process." for i in unknown]})
    kept = {s["id"] for s in data["stages"] if s.get("id") is not None}
    for stage in [s for s in process.stages if s.id not in kept]:
        _removable(stage)
        process.stages.remove(stage)
    # Park names first so a swap of two names does not trip the unique constraint mid-flush.
    names = {}
    for stage in process.stages:
        names[stage.id], stage.name = stage.name, f"~{stage.id}"
    db.session.flush()
    ordered = []
    for position, item in enumerate(data["stages"]):
        if item.get("id") is None and "name" not in item:
            raise ApiError(422, "The request did not validate: see fields.",
                           fields={"stages": {str(position): {"name": ["A new stage needs a name."]}}})
        stage = by_id.get(item.get("id")) or Stage()
        stage.name = item["name"].strip() if "name" in item else names[stage.id]
        for key in ("benchmark_days", "probability", "milestones"):
            if key in item:
                setattr(stage, key, item[key])
        stage.position = position
        ordered.append(stage)
    process.stages = ordered


@blp.route("")
class Process(MethodView):
    @blp.response(200, ProcessSchema)
    def get(self):
        """Read your organization's sales process, stages in order."""
        return org_process()

    @role_required("admin")
    @blp.arguments(ProcessSchema)
    @blp.response(200, ProcessSchema)
    def put(self, data):
        """Replace the process: name and the full ordered list of stages (admins)."""
        process = org_process()
        _apply(process, data)
        return save(process, "Two stages have the same name.")

    @role_required("admin")
    @blp.arguments(ProcessSchema(partial=True))
    @blp.response(200, ProcessSchema)
    def patch(self, data):
        """Change the name or the stages; a listed stage keeps the fields you leave out (admins)."""
        process = org_process()
        _apply(process, data)
        return save(process, "Two stages have the same name.")
