"""Running an import job: the file read row by row, stored in batches of BATCH_ROWS, each batch
committed with the job's counts (the progress a page or the CLI shows) and every rejected row
recorded with its reason. A batch the database refuses is stored again row by row, so one bad
row costs only itself; a job that cannot go on is marked failed with the reason."""

import logging
import os
import threading
from collections import Counter
from itertools import islice

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from models import ImportJob, ImportRejection, utcnow

from ..domain_errors import Invalid
from . import UPSERTS, Lookups, RowRejected
from .csv_file import check_mapping, count_rows, raw_row, read, to_record

BATCH_ROWS = 1000
OUTCOMES = ("created", "updated", "unchanged")
log = logging.getLogger(__name__)


def create_job(db: Session, org_id: int, kind: str, path: str, *, filename: str = "",
               mapping: dict, stage_map: dict | None = None, created_by_id: int | None = None) -> ImportJob:
    """A queued job for a file whose mapping names every required field (else Invalid)."""
    header, rows = read(path)
    rows.close()
    check_mapping(kind, mapping, header)
    job = ImportJob(org_id=org_id, kind=kind, path=path, filename=filename or os.path.basename(path),
                    mapping=mapping, stage_map=stage_map or {}, created_by_id=created_by_id)
    db.add(job)
    db.commit()
    return job


def _store(db: Session, job: ImportJob, header, batch, lookups: Lookups, counts: Counter) -> None:
    upsert = UPSERTS[job.kind]
    for line, cells in batch:
        record = to_record(header, cells, job.mapping, job.stage_map)
        try:
            counts[upsert(db, job.org_id, record, lookups)] += 1
        except RowRejected as rejected:
            counts["rejected"] += 1
            db.add(ImportRejection(job_id=job.id, row_number=line, reason=rejected.reason,
                                   raw=raw_row(header, cells)))
    counts["processed"] += len(batch)


def _save_counts(db: Session, job_id: int, counts: Counter) -> ImportJob:
    job = db.get(ImportJob, job_id)
    for key in ("processed", "rejected", *OUTCOMES):
        setattr(job, key, counts[key])
    return job


def _batch(db: Session, job: ImportJob, header, batch, lookups: Lookups, counts: Counter) -> Lookups:
    """One batch in one commit; row by row when the database refuses the batch."""
    before = counts.copy()
    try:
        lookups.prefetch(db, job.kind, [to_record(header, c, job.mapping, {}) for _, c in batch])
        _store(db, job, header, batch, lookups, counts)
        _save_counts(db, job.id, counts)
        db.commit()
        return lookups
    except SQLAlchemyError:
        db.rollback()
        log.info("import %s: a batch was refused, storing it row by row", job.id)
    counts.clear()
    counts.update(before)
    lookups = Lookups.load(db, job.org_id)  # users it made in the batch are gone
    for line, cells in batch:
        before = counts.copy()
        try:
            _store(db, job, header, [(line, cells)], lookups, counts)
            _save_counts(db, job.id, counts)
            db.commit()
        except SQLAlchemyError as refused:
            db.rollback()
            lookups = Lookups.load(db, job.org_id)
            counts.clear()
            counts.update(before)
            counts["processed"] += 1
            counts["rejected"] += 1
            reason = str(getattr(refused, "orig", refused)).splitlines()[0]
            db.add(ImportRejection(job_id=job.id, row_number=line, raw=raw_row(header, cells),
                                   reason=f"the database refused the row: {reason}"))
            _save_counts(db, job.id, counts)
            db.commit()
    return lookups


def _run(db: Session, job_id: int, batch_rows: int, on_batch) -> None:
    job = db.get(ImportJob, job_id)
    job.total = count_rows(job.path)
    db.commit()
    header, rows = read(job.path)
    check_mapping(job.kind, job.mapping, header)
    lookups, counts = Lookups.load(db, job.org_id), Counter()
    while batch := list(islice(rows, batch_rows)):
        lookups = _batch(db, job, header, batch, lookups, counts)
        lookups.end_batch()
        db.expunge_all()  # the batch's objects: memory stays flat however long the file
        job = db.get(ImportJob, job_id)
        if on_batch:
            on_batch(job)


def run_job(factory: sessionmaker, job_id: int, *, batch_rows: int = BATCH_ROWS, on_batch=None,
            delete_file: bool = False) -> ImportJob | None:
    """Run a queued job to done or failed; returns the job (detached, its counts loaded)."""
    db = factory()
    path = ""
    try:
        job = db.get(ImportJob, job_id)
        path = job.path
        job.status, job.started_at = "running", utcnow()
        db.commit()
        try:
            _run(db, job_id, batch_rows, on_batch)
            status, error = "done", ""
        except Invalid as invalid:
            status, error = "failed", "; ".join(m for ms in invalid.fields.values() for m in ms)
        except Exception as exc:  # recorded on the job: the admin sees why it stopped
            log.exception("import %s failed", job_id)
            status, error = "failed", f"{type(exc).__name__}: {exc}"[:2000]
        db.rollback()
        job = db.get(ImportJob, job_id)
        if job is None:  # deleted while it ran
            return None
        job.status, job.error, job.finished_at = status, error, utcnow()
        db.commit()
        return job
    finally:
        db.close()
        if delete_file and path:
            try:
                os.unlink(path)
            except OSError:
                pass


def run_in_background(factory: sessionmaker, job_id: int) -> threading.Thread:
    """The job in a thread of this process, so an upload is answered at once; the uploaded
    file is deleted when the job ends."""
    thread = threading.Thread(target=run_job, args=(factory, job_id), kwargs={"delete_file": True},
                              name=f"import-{job_id}", daemon=True)
    thread.start()
    return thread
