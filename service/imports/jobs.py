"""Import jobs as the API and the admin page handle them (no Flask): an upload saved to disk
and queued with its guessed mapping, its preview, its start in the background, the job and
its rejections as the admin's organization may see them."""

import os
import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from models import ImportJob, ImportRejection, User

from .. import access
from ..domain_errors import Conflict, NotFound
from ..world import stages_of
from .csv_file import check_mapping, guess_mapping, preview, read
from .run import run_in_background

CHUNK = 1024 * 1024


def save_upload(file, directory: str) -> str:
    """The uploaded file (werkzeug's FileStorage, or any object with .save or .read) written to
    `directory` under a name of our own, chunk by chunk."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, f"{uuid.uuid4().hex}.csv")
    if hasattr(file, "save"):
        file.save(path, buffer_size=CHUNK)
    else:
        with open(path, "wb") as out:
            while chunk := file.read(CHUNK):
                out.write(chunk)
    return path


def queue_upload(db: Session, user: User, kind: str, file, directory: str) -> ImportJob:
    """A queued job for the upload, its mapping guessed from the header."""
    access.check_may_import(user)
    path = save_upload(file, directory)
    try:
        header, rows = read(path)
        rows.close()
    except Exception:
        os.unlink(path)
        raise
    job = ImportJob(org_id=user.org_id, kind=kind, path=path, created_by_id=user.id,
                    filename=os.path.basename(getattr(file, "filename", "") or "upload.csv")[:300],
                    mapping=guess_mapping(kind, header))
    db.add(job)
    db.commit()
    return job


def job_preview(db: Session, job: ImportJob, mapping: dict | None = None,
                stage_map: dict | None = None) -> dict:
    stages = [s.name for s in stages_of(db, job.org_id)]
    return preview(job.path, job.kind, stages, mapping if mapping is not None else job.mapping,
                   stage_map if stage_map is not None else job.stage_map)


def start(db: Session, factory: sessionmaker, job: ImportJob, mapping: dict | None = None,
          stage_map: dict | None = None) -> ImportJob:
    """Run a queued job in the background with this mapping (default: the guessed one)."""
    if job.status != "queued":
        raise Conflict(f"Import {job.id} is {job.status}: upload the file again to import it again.")
    mapping = mapping if mapping is not None else job.mapping
    header, rows = read(job.path)
    rows.close()
    check_mapping(job.kind, mapping, header)
    job.mapping = {column: field for column, field in mapping.items() if field}
    job.stage_map = stage_map if stage_map is not None else job.stage_map
    db.commit()
    run_in_background(factory, job.id)
    return job


def visible_jobs(user: User):
    access.check_may_import(user)
    return select(ImportJob).where(ImportJob.org_id == user.org_id).order_by(ImportJob.id.desc())


def get_job(db: Session, user: User, job_id: int) -> ImportJob:
    access.check_may_import(user)
    job = db.get(ImportJob, job_id)
    if job is None or job.org_id != user.org_id:
        raise NotFound(f"No import {job_id}.")
    return job


def rejections_of(job: ImportJob):
    return (select(ImportRejection).where(ImportRejection.job_id == job.id)
            .order_by(ImportRejection.row_number, ImportRejection.id))
