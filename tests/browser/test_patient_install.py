"""Installability, first-load weight and how the web blueprint serves the app and the worker."""
from __future__ import annotations

import pytest

from .conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from .patient_steps import wait_for_service_worker

pytestmark = pytest.mark.browser

FIRST_LOAD_BUDGET = 100_000  # bytes transferred, the limit


def test_patient_app_is_installable(playwright_instance, live_server, tmp_path):
    context = playwright_instance.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        base_url=live_server.url, **PHONE)
    try:
        page = context.new_page()
        page.goto("/app/")
        wait_for_service_worker(page)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getAppManifest")["errors"] == []
        errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == [], errors
    finally:
        context.close()


def test_first_load_is_under_100_kb(browser, live_server):
    context = browser.new_context(base_url=live_server.url, **PHONE)
    sizes: list[tuple[str, int]] = []

    def finished(request):
        s = request.sizes()
        sizes.append((request.url, s["responseBodySize"] + s["responseHeadersSize"]))

    context.on("requestfinished", finished)
    try:
        page = context.new_page()
        page.goto("/app/")
        wait_for_service_worker(page)
        page.wait_for_load_state("networkidle")
        total = sum(size for _, size in sizes)
        print(f"first load: {total} bytes in {len(sizes)} responses (incl. service worker "
              "precache)")
        assert total < FIRST_LOAD_BUDGET, sorted(sizes, key=lambda s: -s[1])[:10]
    finally:
        context.close()


def test_service_worker_is_served_for_the_whole_origin(page, live_server):
    response = page.request.get("/sw.js")
    assert response.status == 200
    assert response.headers["service-worker-allowed"] == "/"
    assert response.headers["content-type"].startswith("text/javascript")
    assert "no-cache" in response.headers["cache-control"]


@pytest.mark.parametrize("path, mime", [
    ("/app/", "text/html"),
    ("/app/js/main.js", "text/javascript"),
    ("/app/app.css", "text/css"),
    ("/app/manifest.webmanifest", "application/manifest+json"),
    ("/app/img/ice/p01.svg", "image/svg+xml"),
    ("/app/icons/icon-192.png", "image/png"),
])
def test_app_files_have_their_mime_types(page, path, mime):
    response = page.request.get(path)
    assert response.status == 200 and response.headers["content-type"].startswith(mime)
    assert response.headers["x-content-type-options"] == "nosniff"
    if mime in ("text/html", "image/svg+xml"):  # documents (an SVG opened on its own) keep a CSP
        assert "default-src" in response.headers["content-security-policy"]


def test_root_redirects_to_the_app_and_paths_stay_inside(page):
    assert page.request.get("/", max_redirects=0).headers["location"].endswith("/app/")
    assert page.request.get("/app/../server/web.py").status == 404
    assert page.request.get("/app/..%2fsw.js").status == 404
