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
