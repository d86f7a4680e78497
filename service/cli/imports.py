"""`flask import csv FILE --org ID --kind KIND`: a CSV file imported from the terminal, its
mapping guessed (or given with --map), stage names mapped (--stage, else the suggestions),
with a progress bar, the counts and the first rejected rows."""

import os

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from models import IMPORT_KINDS, ImportRejection, Organization

from ..db import db
from ..domain_errors import Invalid
from ..imports.csv_file import count_rows, preview
from ..imports.run import create_job, run_job
from ..world import stages_of

import_cli = AppGroup("import", help="Data from a CRM.")
SHOWN_REJECTIONS = 10


def _pairs(values: tuple[str, ...], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        left, sep, right = value.partition("=")
        if not sep or not left.strip():
            raise click.BadParameter(f"{value!r}: write it as 'left=right'", param_hint=option)
        pairs[left.strip()] = right.strip()
    return pairs


def _plan(path: str, org_id: int, kind: str, maps: dict, stages: dict) -> tuple[dict, dict]:
    """The mapping (guessed, then --map on top) and the stage mapping (suggested, --stage on top)."""
    names = [s.name for s in stages_of(db.session, org_id)]
    guessed = preview(path, kind, names, scan=10_000)
    given = set(maps.values())
    guesses = {c: f for c, f in guessed["mapping"].items() if f not in given}
    mapping = {c: f for c, f in {**guesses, **maps}.items() if f}
    shown = preview(path, kind, names, mapping, stages, scan=10_000)
    stage_map = {s["name"]: s["mapped_to"] for s in shown["stages"] if s["mapped_to"]}
    for column, field in mapping.items():
        click.echo(f"column {column!r} -> {field}")
    for stage in shown["stages"]:
        click.echo(f"stage {stage['name']!r} ({stage['rows']} rows) -> {stage['mapped_to'] or 'REJECTED'}")
    return mapping, stage_map


@import_cli.command("csv")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--org", "org_id", type=int, required=True, help="The organization's id.")
@click.option("--kind", type=click.Choice(IMPORT_KINDS), required=True, help="What the rows are.")
@click.option("--map", "maps", multiple=True, metavar="HEADER=FIELD",
              help="A column's field (HEADER= leaves it out); other columns are guessed.")
@click.option("--stage", "stages", multiple=True, metavar="'CRM NAME=OUR STAGE'",
              help="Which of your stages a CRM stage name means; others are suggested.")
@click.option("--dry-run", is_flag=True, help="Show the mapping and stop.")
def import_csv(file, org_id, kind, maps, stages, dry_run):
    """Import FILE into an organization: each row created, updated or unchanged by its external id."""
    if db.session.get(Organization, org_id) is None:
        raise click.BadParameter(f"no organization {org_id}", param_hint="--org")
    path = os.path.abspath(file)
    mapping, stage_map = _plan(path, org_id, kind, _pairs(maps, "--map"), _pairs(stages, "--stage"))
    if dry_run:
        return
    try:
        job = create_job(db.session, org_id, kind, path, mapping=mapping, stage_map=stage_map)
    except Invalid as invalid:
        raise click.UsageError("; ".join(invalid.fields.get("mapping", invalid.fields.get("file", [])))) \
            from None
    with click.progressbar(length=count_rows(path), label="importing") as bar:
        done = [0]

        def advance(progress):
            bar.update(progress.processed - done[0])
            done[0] = progress.processed
        job = run_job(current_app.extensions["db"]["sessionmaker"], job.id, on_batch=advance)
    click.echo(f"job {job.id} {job.status}: {job.processed} rows, {job.created} created, "
               f"{job.updated} updated, {job.unchanged} unchanged, {job.rejected} rejected")
    for rejection in db.session.scalars(select(ImportRejection).where(ImportRejection.job_id == job.id)
                                        .order_by(ImportRejection.row_number).limit(SHOWN_REJECTIONS)):
        click.echo(f"  line {rejection.row_number}: {rejection.reason}")
    if job.rejected > SHOWN_REJECTIONS:
        click.echo(f"  ... and {job.rejected - SHOWN_REJECTIONS} more: "
                   f"GET /api/v1/imports/{job.id}/rejections")
    if job.status == "failed":
        raise click.ClickException(job.error)
