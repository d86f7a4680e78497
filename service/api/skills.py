"""Selling skills: the organization's list, and reps' self-assessments against it (history kept)."""

from flask import g
from flask.views import MethodView
from marshmallow import Schema, ValidationError, fields, validate, validates
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from models import SkillAssessment, SkillRating

from ..access import get_visible, rep_clause
from ..auth import role_required
from ..db import db
from ..errors import ApiError
from ..pagination import PageArgs, page_of, paginate
from . import blueprint
from .accounts import resolve_owner
from .common import save, text

blp = blueprint("skills", __name__, "/skills",
                "The skills a rep audits, and their 1-5 self-assessments over time.")


class SkillListSchema(Schema):
    skills = fields.List(fields.String(validate=validate.Length(min=1, max=100)), required=True,
                         validate=validate.Length(min=1, max=50))

    @validates("skills")
    def _unique(self, value, **_kwargs):
        if len({s.strip().lower() for s in value}) != len(value):
            raise ValidationError("A skill is listed twice.")


class RatingSchema(Schema):
    skill = fields.String(required=True, validate=validate.Length(min=1, max=100))
    rating = fields.Integer(required=True, validate=validate.Range(min=1, max=5))
    note = text(2000, load_default="")
    previous_rating = fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "The rep's rating of this skill in their latest earlier assessment."})


class AssessmentSchema(Schema):
    id = fields.Integer(dump_only=True)
    rep_id = fields.Integer(load_default=None,
                            metadata={"description": "Default: you. Admins may name a rep."})
    session_id = fields.Integer(dump_only=True, allow_none=True)
    ratings = fields.List(fields.Nested(RatingSchema), required=True,
                          validate=validate.Length(min=1, max=50))
    created_at = fields.DateTime(dump_only=True)


class AssessmentListArgs(PageArgs):
    rep_id = fields.Integer()


def _check_ratings(ratings: list[dict]) -> None:
    """Each skill must be on the organization's list, and rated once."""
    known = {s.lower(): s for s in g.user.organization.skills}
    errors, seen = {}, set()
    for i, rating in enumerate(ratings):
        key = rating["skill"].strip().lower()
        if key not in known:
            errors[str(i)] = {"skill": [f"Not one of your organization's skills: {rating['skill']}."]}
        elif key in seen:
            errors[str(i)] = {"skill": [f"{known[key]} is rated twice."]}
        else:
            rating["skill"] = known[key]
        seen.add(key)
    if errors:
        raise ApiError(422, "The request did not validate: see fields.", fields={"ratings": errors})


def with_previous(assessments: list[SkillAssessment]) -> list[SkillAssessment]:
    """Set previous_rating on each rating, from the reps' whole history in one query."""
    reps = {a.rep_id for a in assessments}
    history = db.session.scalars(select(SkillAssessment).where(SkillAssessment.rep_id.in_(reps))
                                 .options(selectinload(SkillAssessment.ratings))
                                 .order_by(SkillAssessment.created_at, SkillAssessment.id)).all()
    latest = {}
    for assessment in history:
        for rating in assessment.ratings:
            rating.previous_rating = latest.get((assessment.rep_id, rating.skill))
        latest.update({(assessment.rep_id, r.skill): r.rating for r in assessment.ratings})
    return assessments


@blp.route("")
class Skills(MethodView):
    @blp.response(200, SkillListSchema)
    def get(self):
        """The skills your organization's reps rate themselves on."""
        return {"skills": g.user.organization.skills}

    @role_required("admin")
    @blp.arguments(SkillListSchema)
    @blp.response(200, SkillListSchema)
    def put(self, data):
        """Replace the skill list (admins); earlier assessments keep their ratings."""
        org = g.user.organization
        org.skills = [s.strip() for s in data["skills"]]
        save(org)
        return {"skills": org.skills}


@blp.route("/assessments")
class Assessments(MethodView):
    @blp.arguments(AssessmentListArgs, location="query")
    @blp.response(200, page_of(AssessmentSchema))
    def get(self, args):
        """Self-assessments you can see, newest first; filter by rep."""
        stmt = select(SkillAssessment).where(
            SkillAssessment.org_id == g.user.org_id, rep_clause(SkillAssessment.rep_id, g.user)
        ).options(selectinload(SkillAssessment.ratings))
        if "rep_id" in args:
            stmt = stmt.where(SkillAssessment.rep_id == args["rep_id"])
        page = paginate(db.session, stmt.order_by(SkillAssessment.created_at.desc(),
                                                  SkillAssessment.id.desc()), args)
        return {**page, "items": with_previous(page["items"])}

    @blp.arguments(AssessmentSchema)
    @blp.response(201, AssessmentSchema)
    def post(self, data):
        """Rate yourself 1-5 on your organization's skills, with a note each (admins: for rep_id)."""
        rep = resolve_owner(data["rep_id"], "rep_id")
        _check_ratings(data["ratings"])
        assessment = save(SkillAssessment(org_id=g.user.org_id, rep_id=rep.id,
                                          ratings=[SkillRating(**r) for r in data["ratings"]]))
        return with_previous([assessment])[0]


@blp.route("/assessments/<int:assessment_id>")
@blp.response(200, AssessmentSchema)
def get_assessment(assessment_id):
    """Read one self-assessment."""
    return with_previous([get_visible(db.session, SkillAssessment, assessment_id, g.user, "rep_id")])[0]
