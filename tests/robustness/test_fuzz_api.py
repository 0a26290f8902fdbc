"""Fuzzing: schemathesis over /api/openapi.json as a device and as staff; no 5xx, schema kept."""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from tests.conftest import login

pytestmark = pytest.mark.slow
EXAMPLES = 6  # per operation and identity: bounded so the suite stays quick
CHECKS = [not_a_server_error, response_schema_conformance]
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck))

LOGOUT = "/api/v1/auth/logout"


def fuzz(app, headers: dict | None, skip: tuple[str, ...] = ()) -> list[str]:
    """Run every operation of the live document; return one line per failing operation."""
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    failures, operations = [], 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path in skip:
            continue
        operations += 1

        @FUZZ
        @given(case=operation.as_strategy())
        def run(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{operation.method.upper()} {operation.path}: "
                            f"{str(exc).strip()[:600]}")
    assert operations > 10
    return failures


@pytest.fixture
def device_headers(make_patient, enrol):
    """Bearer headers of an enrolled patient phone."""
    return enrol(make_patient())


@pytest.fixture
def staff_headers(app, make_staff):
    """Cookie and CSRF headers of a signed-in admin."""
    client = app.test_client()
    csrf = login(client, make_staff(handle="fuzz-admin", role="admin"))
    cookie = client.get_cookie("cw_session")
    return {"Cookie": f"cw_session={cookie.value}", "X-CSRF-Token": csrf}


def test_api_as_a_device(app, device_headers):
    assert fuzz(app, device_headers, skip=(LOGOUT,)) == []


def test_api_as_staff(app, staff_headers):
    assert fuzz(app, staff_headers, skip=(LOGOUT,)) == []


def test_api_anonymous(app):
    assert fuzz(app, None) == []


HUGE = 2**63  # beyond every integer column; SQLite's driver overflowed, PostgreSQL's refused


def _integer_inputs(document: dict):
    """(method, path, 'query'|'json', name) for every integer query or body input."""
    components = document.get("components", {}).get("schemas", {})
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            for param in operation.get("parameters", []):
                if param["in"] == "query" and param.get("schema", {}).get("type") == "integer":
                    yield method, path, "query", param["name"]
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            ref = (body or {}).get("schema", {}).get("$ref", "")
            props = components.get(ref.rsplit("/", 1)[-1], {}).get("properties", {})
            for name, prop in props.items():
                if prop.get("type") == "integer" and name.endswith("_id"):
                    yield method, path, "json", name


def test_integers_beyond_the_database_range_are_refused_by_name(app, make_patient, enrol,
                                                                make_staff):
    """Every integer query argument and body id, found from the OpenAPI document: 422."""
    patient = make_patient()
    device = enrol(patient)
    staff_client = app.test_client()
    csrf = login(staff_client, make_staff(handle="fuzz-admin", role="admin"))
    document = app.test_client().get("/api/openapi.json").get_json()
    failures, tried = [], 0
    for method, path, where, name in _integer_inputs(document):
        url = path.replace("{patient_id}", str(patient.id))
        if "{" in url:
            continue  # other path ids are covered by the authorisation matrix
        client, headers = ((staff_client, {"X-CSRF-Token": csrf})
                           if path.startswith("/api/v1/staff/") else (app.test_client(), device))
        kwargs = {"query_string": {name: HUGE}} if where == "query" else {"json": {name: HUGE}}
        r = client.open(url, method=method.upper(), headers=headers, **kwargs)
        tried += 1
        fields = ((r.get_json(silent=True) or {}).get("error") or {}).get("fields") or {}
        if r.status_code != 422 or name not in fields:
            failures.append(f"{method.upper()} {url} {where}.{name}: {r.status_code} {fields}")
    assert tried >= 6
    assert not failures, "\n".join(failures)
