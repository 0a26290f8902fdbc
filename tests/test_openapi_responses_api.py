"""The OpenAPI document types every JSON answer: each operation's 2xx JSON response has a
schema whose objects declare their properties, down to the leaves (no bare free-form object).

The few places that are free-form by nature are listed below, each with why.
"""
from __future__ import annotations

import re

# "Schema.property": a mapping whose keys are data, not a shape
FREE_FORM = {
    "AuditItem.detail": "each audit action's own detail",
    "FhirClientOut.jwks": "a client's JSON Web Key Set (RFC 7517), kept as given",
    "SampleOut.features": "measured features by name (server/measures/)",
    "TremorOut.features": "measured features by name (server/measures/)",
    "HandwritingOut.features": "measured features by name (server/measures/)",
    "TimelineCheckinOut.tremor": "scalar measured features by name",
    "TimelineCheckinOut.handwriting": "scalar measured features by name",
    "ConditionOut.in": "a list of literal values of any JSON type",
}

# Operations that answer something other than JSON, or nothing (their content is not JSON)
NOT_JSON = {
    ("post", "/api/v1/channels/twilio/status"), ("post", "/api/v1/channels/twilio/voice"),
    ("post", "/api/v1/channels/twilio/gather"), ("post", "/api/v1/channels/twilio/sms"),
    ("get", "/api/v1/staff/admin/outcomes.csv"),
    ("get", "/api/v1/staff/patients/{patient_id}/summary.pdf"),
    ("get", "/api/v1/staff/patients/{patient_id}/checkins/{checkin_id}/handwriting.svg"),
}

METHODS = ("get", "post", "put", "patch", "delete")
NULL = {"type": "object", "nullable": True}  # apispec's "or null" beside a nested schema


def _free_form(schema: dict, components: dict, where: str, seen: frozenset):
    """Yield where (Schema.property) an object declares no properties."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        yield from _free_form(components[name], components, name, seen | {name})
        return
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key, []):
            if part != NULL:
                yield from _free_form(part, components, where, seen)
    kind = schema.get("type")
    if kind == "array":
        yield from _free_form(schema.get("items") or {}, components, where, seen)
        return
    if kind not in (None, "object") or any(k in schema for k in ("allOf", "oneOf", "anyOf")):
        return
    properties = schema.get("properties")
    extra = schema.get("additionalProperties")
    if properties:
        for name, prop in properties.items():
            yield from _free_form(prop, components, f"{where.split('.')[0]}.{name}", seen)
    elif isinstance(extra, dict) and extra:
        yield from _free_form(extra, components, where, seen)
    else:
        yield where


def _operations(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def test_every_json_answer_declares_its_properties(client):
    document = client.get("/api/openapi.json").get_json()
    components = document["components"]["schemas"]
    allowed = set(FREE_FORM)
    problems, checked = [], 0
    for method, path, operation in _operations(document):
        if (method, path) in NOT_JSON:
            continue
        answers = {code: body for code, body in operation["responses"].items()
                   if re.fullmatch(r"2\d\d", code)}
        if not answers:
            problems.append(f"{method.upper()} {path}: no 2xx response documented")
        for code, answer in answers.items():
            content = answer.get("content") or {}
            if code == "204" or (content and "application/json" not in content):
                continue  # no body, or a download (PDF, SVG) of its own type
            schema = (content.get("application/json") or {}).get("schema")
            if not schema:
                problems.append(f"{method.upper()} {path} {code}: no JSON schema")
                continue
            checked += 1
            for where in _free_form(schema, components, "(top)", frozenset()):
                if where not in allowed:
                    problems.append(f"{method.upper()} {path} {code}: {where} is free-form")
    assert checked > 50
    assert not problems, "\n".join(sorted(set(problems)))


def test_the_allow_lists_name_only_what_is_still_there(client):
    """An entry fixed or renamed must leave the lists, so they stay short and true."""
    document = client.get("/api/openapi.json").get_json()
    components = document["components"]["schemas"]
    found = set()
    for name, schema in components.items():
        found.update(_free_form(schema, components, name, frozenset({name})))
    stale = set(FREE_FORM) - found
    assert not stale
    operations = {(method, path) for method, path, _ in _operations(document)}
    assert NOT_JSON <= operations


# Instants and dates the services hand over as datetime / date objects (issue 13.5): the
# document says what the schema writes, so a field dumped as a bare string would show here.
TYPED_INSTANTS = {
    "NotifiedOut": ("first_at",), "QueueLadderOut": ("undeliverable_at",),
    "ReportedTextOut": ("observed_at",), "QueueItem": ("opened_at", "observed_at"),
    "ChannelOut": ("consent_at", "opted_out_at"), "ChannelAttemptOut": ("at", "status_at"),
    "OncallOut": ("at", "until"), "SegmentOut": ("starts_at", "ends_at"),
    "RotaGapOut": ("starts_at", "ends_at"), "CoverageGapOut": ("starts_at", "ends_at"),
}
TYPED_DATES = {"QualityOut": ("from", "to"), "WhatIfOut": ("from", "to"),
               "RegistryOut": ("from", "to")}


def test_converted_instants_and_dates_are_documented_as_such(client):
    components = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    for formats, kind in ((TYPED_INSTANTS, "date-time"), (TYPED_DATES, "date")):
        for name, properties in formats.items():
            for prop in properties:
                assert components[name]["properties"][prop]["format"] == kind, (name, prop)


def test_centre_settings_document_the_override_shapes(client):
    components = client.get("/api/openapi.json").get_json()["components"]["schemas"]
    centre = components["CentreOut"]["properties"]
    assert centre["threshold_overrides"]["additionalProperties"] == {"type": "number"}
    bound = components["OverrideBound"]["properties"]
    assert bound == {"default": {"type": "number"}, "min": {"type": "number"},
                     "max": {"type": "number"}}
