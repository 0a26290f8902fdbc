"""Bulk Data Access `$export` (system and Patient level): kick-off, a job, status, files.

Kick-off stores a queued FhirExport row and answers 202 with its status URL. The job,
`run_pending(now)`, is a plain function of (database, now) run by `flask worker` on each tick
(tests call it directly): it writes one NDJSON file per type under
`<instance>/fhir-exports/<job id>/` and marks the row done with its manifest entries.
Status and files are served only to the caller that asked (same client or member of staff);
anyone else gets 404. DELETE cancels a job and removes its files.
"""
from __future__ import annotations

import json
import logging
import secrets
import shutil
from pathlib import Path

from flask import current_app

from ..audit import trail as audit
from ..clock import now
from ..extensions import db
from ..models import FhirExport
from . import repository
from .codes import base_url
from .common import PATIENT_TYPES, instant
from .outcome import FhirError
from .search import date_range

log = logging.getLogger(__name__)
FORMATS = ("application/fhir+ndjson", "application/ndjson", "ndjson")


def export_dir(job_id: str) -> Path:
    """Where a job's files live (inside the instance folder, never served statically)."""
    return Path(current_app.instance_path) / "fhir-exports" / job_id


def kick_off(actor, level: str, args, prefer: str, request_url: str) -> FhirExport:
    """Validate a kick-off request and queue its job."""
    if "respond-async" not in (prefer or ""):
        raise FhirError(400, "invalid", "Prefer: respond-async is required", "Prefer")
    fmt = args.get("_outputFormat")
    if fmt is not None and fmt not in FORMATS:
        raise FhirError(400, "not-supported", "only NDJSON output", "_outputFormat")
    for name in args:
        if name not in ("_type", "_since", "_outputFormat"):
            raise FhirError(400, "not-supported", f"unsupported parameter {name!r}", name)
    since = None
    if args.get("_since"):
        try:
            since = date_range(args["_since"])[0]
        except ValueError:
            raise FhirError(400, "invalid", "_since is not a FHIR instant", "_since") from None
    if args.get("_type"):
        types = [t.strip() for t in args["_type"].split(",") if t.strip()]
        unknown = [t for t in types if t not in PATIENT_TYPES]
        if unknown:
            raise FhirError(400, "not-supported", "cannot export " + ", ".join(unknown), "_type")
        from .access import require_read

        for rtype in types:
            require_read(actor, rtype)
    else:
        types = [t for t in PATIENT_TYPES if actor.may_read(t)]
        if not types:
            raise FhirError(403, "forbidden", "scope allows no exportable type")
    job = FhirExport(id=secrets.token_hex(16), centre_id=actor.centre_id,
                     owner_kind=actor.kind, owner_id=actor.id, level=level, types=types,
                     since=since, request_url=request_url, state="queued", created_at=now(),
                     output=[])
    db.session.add(job)
    audit.record("fhir.export.kickoff", detail={"export": job.id, "types": types})
    db.session.commit()
    return job


def owned(job_id: str, actor) -> FhirExport:
    """The caller's own job, or 404 for every other id (no one else's jobs are visible)."""
    job = db.session.get(FhirExport, job_id) if len(job_id) == 32 else None
    if job is None or job.owner_kind != actor.kind or job.owner_id != actor.id \
            or job.centre_id != actor.centre_id or job.state == "cancelled":
        raise FhirError(404, "not-found", "no such export")
    return job


def _run(job: FhirExport) -> None:
    config = current_app.config
    folder = export_dir(job.id)
    folder.mkdir(parents=True, exist_ok=True)
    output, patients = [], set()
    for rtype in job.types:
        pairs = repository.load(config, rtype, job.centre_id, since=job.since)
        if not pairs:
            continue
        path = folder / f"{rtype}.ndjson"
        with path.open("w", encoding="utf-8") as out:
            for patient_id, res in pairs:
                out.write(json.dumps(res, separators=(",", ":")) + "\n")
                patients.add(patient_id)
        output.append({"type": rtype, "count": len(pairs),
                       "url": f"{base_url(config)}/$export-file/{job.id}/{rtype}.ndjson"})
    job.output = output
    audit.record("fhir.export", actor=(job.owner_kind, job.owner_id),
                 detail={"count": sum(o["count"] for o in output), "export": job.id,
                         "patients": sorted(patients)})


def run_pending(at=None) -> int:
    """Run every queued export now; return how many ran. Called by the worker and tests."""
    ran = 0
    for job_id in db.session.scalars(db.select(FhirExport.id).where(
            FhirExport.state == "queued").order_by(FhirExport.created_at)).all():
        claimed = db.session.execute(db.update(FhirExport).where(
            FhirExport.id == job_id, FhirExport.state == "queued").values(
            state="running", started_at=at or now()))
        db.session.commit()
        if claimed.rowcount != 1:
            continue  # another worker took it
        job = db.session.get(FhirExport, job_id)
        try:
            _run(job)
            job.state, job.finished_at = "done", at or now()
        except Exception:
            db.session.rollback()
            log.exception("FHIR export %s failed", job_id)
            job = db.session.get(FhirExport, job_id)
            job.state, job.error, job.finished_at = "failed", "export failed", at or now()
        db.session.commit()
        ran += 1
    return ran


def manifest(job: FhirExport) -> dict:
    """The completed export's manifest."""
    return {"transactionTime": instant(job.started_at), "request": job.request_url,
            "requiresAccessToken": True,
            "output": [{"type": o["type"], "url": o["url"], "count": o["count"]}
                       for o in job.output], "error": []}


def cancel(job: FhirExport) -> None:
    """Cancel a job (queued or finished) and remove its files."""
    job.state = "cancelled"
    audit.record("fhir.export.cancel", detail={"export": job.id})
    db.session.commit()
    shutil.rmtree(export_dir(job.id), ignore_errors=True)


def file_path(job: FhirExport, rtype: str) -> Path:
    """The NDJSON file of one type of a done job, or 404."""
    if job.state != "done" or rtype not in [o["type"] for o in job.output]:
        raise FhirError(404, "not-found", "no such file")
    return export_dir(job.id) / f"{rtype}.ndjson"
