"""The FHIR R4 blueprint: metadata, read, search, $export, and the backend-services token.

Handlers are thin: who is calling (access), what they asked (search / bulk), the rows
(repository), the response (bundle). Every read and search is audited with the patients it
returned; conformance resources (metadata, Questionnaire, CodeSystem) hold no patient data
and are public, as the SMART and Bulk Data specifications expect of metadata.
"""
from __future__ import annotations

import json

from flask import Blueprint, Flask, Response, current_app, jsonify, request, send_file

from .. import transaction
from ..audit import trail as audit
from ..extensions import limiter
from . import access, bulk, capability, codes, repository, search, smart
from .bundle import searchset
from .outcome import FHIR_JSON, FhirError, to_fhir

bp = Blueprint("fhir", __name__)
BASE = "/fhir/R4"


def _fhir(body: dict, status: int = 200, headers: dict | None = None) -> Response:
    response = Response(json.dumps(body), status=status, mimetype=FHIR_JSON)
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def _auth_limit() -> str:
    return current_app.config["RATELIMIT_AUTH"]


@bp.get(f"{BASE}/metadata")
def metadata():
    """The CapabilityStatement."""
    return _fhir(capability.capability_statement(current_app.config))


@bp.get(f"{BASE}/.well-known/smart-configuration")
def smart_configuration():
    """SMART configuration (token endpoint, algorithms, scopes)."""
    return jsonify(capability.smart_configuration())


@bp.get(f"{BASE}/Questionnaire/{codes.QUESTIONNAIRE_ID}")
def questionnaire():
    """The ICE Questionnaire the QuestionnaireResponses answer."""
    return _fhir(codes.questionnaire(current_app.config))


@bp.get(f"{BASE}/CodeSystem/{codes.CODESYSTEM_ID}")
def codesystem():
    """The CARTwatch CodeSystem."""
    return _fhir(codes.codesystem(current_app.config))


@bp.post("/oauth/token")
@limiter.limit(_auth_limit)
def token():
    """Exchange a signed client assertion for a short-lived bearer token."""
    try:
        body, client = smart.issue(request.form)
    except smart.OAuthError as exc:
        transaction.refuse("fhir.token", outcome="denied", detail={"reason": exc.error})
        response = jsonify({"error": exc.error, "error_description": exc.description})
        response.status_code = exc.status
    else:
        audit.record("fhir.token", actor=("fhir_client", client.id),
                     detail={"scopes": body["scope"].split()})
        response = jsonify(body)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Pragma"] = "no-cache"
    return response


def _type(rtype: str) -> str:
    if rtype not in search.PARAMS:
        raise FhirError(404, "not-supported", f"resource type {rtype!r} is not served")
    return rtype


@bp.get(f"{BASE}/<rtype>")
def search_type(rtype: str):
    """Search one type within the caller's centre."""
    actor = access.load()
    access.require_read(actor, _type(rtype))
    query = search.parse(rtype, request.args)
    pairs = repository.stream(current_app.config, rtype, actor.centre_id, query.patient_ids)
    # read only as far as this page and one more match (is there a next page?)
    matches = search.apply(query, pairs, limit=query.offset + query.count + 1)
    complete = len(matches) <= query.offset + query.count
    page = matches[query.offset:query.offset + query.count]
    ids = sorted({p for p, _r in page})
    audit.record("fhir.search", detail={"type": rtype, "count": len(page), "patients": ids})
    return _fhir(searchset(current_app.config, rtype, request.args, [r for _p, r in matches],
                           query.offset, query.count, complete))


@bp.get(f"{BASE}/<rtype>/<rid>")
def read(rtype: str, rid: str):
    """Read one resource of the caller's centre (another centre's: 404, audited)."""
    actor = access.load()
    access.require_read(actor, _type(rtype))
    found = repository.read(current_app.config, rtype, rid, actor.centre_id)
    if found is None:
        transaction.refuse("fhir.refused", outcome="denied",
                         detail={"type": rtype, "id": rid[:64], "reason": "not_found"})
        raise FhirError(404, "not-found", f"{rtype}/{rid[:64]} not found")
    patient_id, resource = found
    audit.record("fhir.read", patient_id=patient_id, detail={"type": rtype, "id": rid})
    return _fhir(resource)


def _kick_off(level: str):
    actor = access.load()
    job = bulk.kick_off(actor, level, request.args, request.headers.get("Prefer", ""),
                        request.url)
    return _fhir({}, 202, {"Content-Location":
                           f"{codes.base_url(current_app.config)}/$export-status/{job.id}"})


@bp.get(f"{BASE}/$export")
def export_system():
    """Kick off a system-level export of the caller's centre."""
    return _kick_off("system")


@bp.get(f"{BASE}/Patient/$export")
def export_patients():
    """Kick off an export of every patient of the caller's centre."""
    return _kick_off("patient")


@bp.get(f"{BASE}/$export-status/<job_id>")
def export_status(job_id: str):
    """202 with X-Progress while running; 200 with the manifest when done."""
    actor = access.load()
    job = bulk.owned(job_id, actor)
    if job.state in ("queued", "running"):
        return _fhir({}, 202, {"X-Progress": job.state, "Retry-After": "2"})
    if job.state == "failed":
        raise FhirError(500, "exception", job.error or "export failed")
    return Response(json.dumps(bulk.manifest(job)), mimetype="application/json")


@bp.delete(f"{BASE}/$export-status/<job_id>")
def export_cancel(job_id: str):
    """Cancel an export and delete its files."""
    actor = access.load()
    bulk.cancel(bulk.owned(job_id, actor))
    return _fhir({}, 202)


@bp.get(f"{BASE}/$export-file/<job_id>/<rtype>.ndjson")
def export_file(job_id: str, rtype: str):
    """One NDJSON file of a finished export, to the caller that asked for it only."""
    actor = access.load()
    job = bulk.owned(job_id, actor)
    path = bulk.file_path(job, rtype)
    audit.record("fhir.export.download", detail={"export": job.id, "type": rtype})
    return send_file(path, mimetype="application/fhir+ndjson")


def register_extra(app: Flask) -> None:
    """Register the blueprint, the OperationOutcome conversion and `flask fhir`."""
    from .clients import fhir_cli

    app.register_blueprint(bp)
    app.after_request(to_fhir)
    app.cli.add_command(fhir_cli)
