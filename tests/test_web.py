"""The static web blueprint: the patient app, the service worker and their headers."""
from __future__ import annotations

import gzip
import re
from pathlib import Path

PWA = Path(__file__).resolve().parent.parent / "pwa"


def test_every_app_file_is_in_the_service_worker_shell():
    listed = (PWA / "sw.js").read_text().split("const SHELL = [")[1].split("];")[0]
    shell = set(re.findall(r"'(/app/[^']*)'", listed))
    files = {"/app/" + str(p.relative_to(PWA / "app")) for p in (PWA / "app").rglob("*")
             if p.is_file() and p.name != "index.html"}
    kept_on_request = {f for f in files if re.fullmatch(r"/app/i18n/(?!en)[a-z]{2}\.js", f)}
    assert files - kept_on_request <= shell, sorted(files - kept_on_request - shell)
    assert "/app/" in shell and "/app/i18n/en.js" in shell  # English: the fallback offline
    assert not kept_on_request & shell  # not precached for everybody ...
    source = (PWA / "sw.js").read_text()
    for path in kept_on_request:  # ... but kept when the page uses them
        assert f"'{path}'" in source.split("const LANGUAGE_FILES")[1].split(";")[0]


def test_the_shared_modules_are_in_the_shell_and_served_as_scripts(client):
    listed = (PWA / "sw.js").read_text().split("const SHELL = [")[1].split("];")[0]
    shared = {"/shared/" + p.name for p in (PWA / "shared").glob("*.js")}
    assert {"/shared/idb.js", "/shared/outbox.js"} <= shared
    assert shared <= set(re.findall(r"'([^']*)'", listed))
    for path in shared:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "Content-Security-Policy" not in response.headers
    assert client.get("/shared/../sw.js").status_code == 404


def test_service_worker_never_caches_the_api():
    source = (PWA / "sw.js").read_text()
    assert "if (url.pathname.startsWith('/api/')) return;" in source


def test_text_is_gzipped_and_revalidated_by_etag(client):
    first = client.get("/app/js/main.js", headers={"Accept-Encoding": "gzip, br"})
    assert first.headers["Content-Encoding"] == "gzip"
    assert first.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"import" in gzip.decompress(first.data)
    again = client.get("/app/js/main.js", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_pages_carry_the_strict_csp(client):
    response = client.get("/app/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert b"<script type=\"module\" src=\"js/main.js\"></script>" in response.data
    assert b" style=" not in response.data and b" onclick" not in response.data


def test_service_worker_may_control_the_origin(client):
    response = client.get("/sw.js")
    assert response.headers["Service-Worker-Allowed"] == "/"
    assert response.headers["Cache-Control"].startswith("no-cache")


def test_redirects_and_unknown_files(client):
    assert client.get("/").headers["Location"].endswith("/app/")
    assert client.get("/app").status_code == 301
    assert client.get("/app/nothing.js").status_code == 404
    assert client.get("/app/..%2f..%2fpyproject.toml").status_code == 404


def test_a_null_byte_in_an_app_path_is_not_found(client):
    for path in ("/app/%00", "/app/js/%00main.js", "/staff/%00"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.get_json()["error"]["status"] == 404
