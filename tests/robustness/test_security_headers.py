"""Security headers on every response; patient data never cached."""
from __future__ import annotations

import pytest

from server import create_app
from tests.conftest import app_config


def _assert_security_headers(response) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert response.headers.get("Referrer-Policy") == "no-referrer"


def _get_paths(app) -> list[str]:
    return sorted({rule.rule for rule in app.url_map.iter_rules()
                   if "GET" in rule.methods and not rule.arguments})


def test_every_plain_get_route_carries_the_headers(app, client, staff_client):
    paths = _get_paths(app)
    assert "/api/openapi.json" in paths
    for path in paths:
        for who in (client, staff_client):
            response = who.get(path)
            assert response.status_code < 500, path
            _assert_security_headers(response)
            if path.startswith("/api/v1/"):
                assert "no-store" in response.headers.get("Cache-Control", ""), path


@pytest.mark.parametrize("method,path,kwargs", [
    ("get", "/nowhere", {}),
    ("get", "/api/v1/nowhere", {}),
    ("delete", "/api/v1/checkins", {}),
    ("post", "/api/v1/checkins", {"data": "x", "content_type": "text/plain"}),
    ("post", "/api/v1/checkins", {"json": {"temperature": {"value": 37, "unit": "C"}}}),
])
def test_error_responses_carry_the_headers_too(client, method, path, kwargs):
    response = getattr(client, method)(path, **kwargs)
    assert response.status_code >= 400
    _assert_security_headers(response)


def test_patient_data_is_never_cached(client, make_patient, enrol, staff_client):
    patient = make_patient()
    headers = enrol(patient)
    client.post("/api/v1/checkins", headers=headers,
                json={"temperature": {"value": 37.0, "unit": "C"}})
    for response in (client.get("/api/v1/device/me", headers=headers),
                     client.get("/api/v1/checkins", headers=headers),
                     staff_client.get(f"/api/v1/staff/patients/{patient.id}"),
                     staff_client.get(f"/api/v1/staff/patients/{patient.id}/checkins")):
        assert response.status_code == 200, response.get_data()[:200]
        assert response.headers["Cache-Control"] == "no-store"


def test_hsts_outside_development_only(database_url, _schema, tmp_path):
    for development, expected in ((False, True), (True, False)):
        app = create_app(app_config(database_url, str(tmp_path / "i"), DEVELOPMENT=development))
        response = app.test_client().get("/api/openapi.json")
        _assert_security_headers(response)
        assert ("Strict-Transport-Security" in response.headers) is expected
        if expected:
            assert "max-age=31536000" in response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize("path", ["/app/", "/sw.js", "/staff/"])
def test_documents_workers_and_svg_carry_every_header(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    _assert_security_headers(response)
    assert response.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("path", ["/app/js/main.js", "/app/app.css", "/app/icons/icon-192.png",
                                  "/app/manifest.webmanifest", "/staff/js/app.js",
                                  "/shared/idb.js"])
def test_subresources_carry_nosniff_but_not_the_document_only_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for name in ("Content-Security-Policy", "X-Frame-Options", "Permissions-Policy"):
        assert name not in response.headers, (path, name)


def test_the_apps_pictures_keep_a_csp_that_lets_nothing_run(client):
    response = client.get("/app/img/ice/p01.svg")
    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == \
        "default-src 'none'; frame-ancestors 'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
