"""Figure 4: bytes on first load of the patient and staff apps, and Lighthouse scores."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from .procs import gunicorn
from .seed import bench_app

HERE = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
APPS = {"patient": "/app/", "staff": "/staff/"}
# Lighthouse opens the patient app once per language: `#lang=xx` is what the centre's
# enrolment link carries, so the first screen is in that language (pwa/app/js/language.js)
LIGHTHOUSE_PAGES = {"patient": "/app/", "patient-de": "/app/#lang=de",
                    "patient-es": "/app/#lang=es", "staff": "/staff/"}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
LIGHTHOUSE_VERSION = "12"


def _bytes_since(log: Path, offset: int) -> tuple[int, int]:
    lines = log.read_text()[offset:].splitlines()
    sizes = [int(line.split()[-1]) for line in lines if line.split()[-1].isdigit()]
    return sum(sizes), len(sizes)


def first_load(base: str, access_log: Path) -> dict:
    """Load each app in a fresh browser profile; count body bytes the server sent (gzip as
    sent), including the service worker's precache, and ask Chromium for installability."""
    from playwright.sync_api import sync_playwright

    out = {}
    with sync_playwright() as pw:
        for name, path in APPS.items():
            with tempfile.TemporaryDirectory() as profile:  # a fresh, non-incognito profile
                context = pw.chromium.launch_persistent_context(
                    profile, executable_path=CHROMIUM, args=[
                        "--no-sandbox", "--disable-background-networking",
                        "--disable-component-update", "--no-first-run"])
                page = context.pages[0] if context.pages else context.new_page()
                offset = len(access_log.read_text())
                page.goto(base + path, wait_until="networkidle")
                page.wait_for_function("navigator.serviceWorker.ready.then(() => true)")
                time.sleep(1.5)  # let the precache finish and the log flush
                total, requests = _bytes_since(access_log, offset)
                cdp = context.new_cdp_session(page)
                errors = cdp.send("Page.getInstallabilityErrors").get("installabilityErrors",
                                                                       [])
                out[name] = {"bytes": total, "kib": round(total / 1024, 1),
                             "requests": requests,
                             "installability_errors": [e.get("errorId") for e in errors]}
                context.close()
    return out


def lighthouse_bin() -> tuple[Path | None, str]:
    """bench/node_modules/.bin/lighthouse, installed with npm on first use."""
    binary = HERE / "node_modules" / ".bin" / "lighthouse"
    if binary.exists():
        return binary, ""
    if not shutil.which("npm"):
        return None, "npm not found"
    locked = (HERE / "package-lock.json").exists()  # the pinned tree when committed
    command = ["npm", "ci"] if locked else ["npm", "install", f"lighthouse@{LIGHTHOUSE_VERSION}"]
    run = subprocess.run([*command, "--prefix", str(HERE), "--no-audit", "--no-fund",
                          "--loglevel=error"], capture_output=True, text=True, timeout=300)
    if run.returncode != 0 or not binary.exists():
        return None, "npm install lighthouse failed: " + run.stderr.strip()[-300:]
    return binary, ""


def lighthouse(base: str, work: Path) -> dict:
    """Lighthouse scores (0-100) per app, or the reason they could not be measured."""
    binary, problem = lighthouse_bin()
    if binary is None:
        return {"skipped": problem}
    out = {}
    for name, path in LIGHTHOUSE_PAGES.items():
        report = work / f"lighthouse-{name}.json"
        run = subprocess.run(
            [str(binary), base + path, "--output=json", f"--output-path={report}", "--quiet",
             "--only-categories=" + ",".join(CATEGORIES),
             "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
            env={**os.environ, "CHROME_PATH": CHROMIUM}, capture_output=True, text=True,
            timeout=240)
        if not report.exists():
            out[name] = {"skipped": "lighthouse failed: " + run.stderr.strip()[-300:]}
            continue
        data = json.loads(report.read_text())
        out[name] = {c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES}
        out[name]["failed_audits"] = sorted(
            k for k, a in data["audits"].items()
            if a.get("score") is not None and a["score"] < 0.9
            and a.get("scoreDisplayMode") in ("binary", "numeric", "metricSavings"))[:12]
    return out


def run(url: str, work: Path) -> dict:
    """Serve the apps with gunicorn and measure both."""
    bench_app(url, work / "instance")
    env = {"DATABASE_URL": url, "SECRET_KEY": "bench", "LOG_LEVEL": "WARNING",
           "CARTWATCH_ENV": "development"}
    with gunicorn(env, workers=2, threads=4, log_dir=work) as server:
        try:
            loads = first_load(server.url, server.access_log)
        except Exception as exc:
            loads = {"skipped": f"{type(exc).__name__}: {exc}"[:300]}
        scores = lighthouse(server.url, work)
    met = all(isinstance(v, dict) and all(v.get(c, 0) >= 95 for c in CATEGORIES)
              for v in scores.values()) and "skipped" not in scores and all(
        not v.get("installability_errors") for v in loads.values() if isinstance(v, dict))
    return {"first_load": loads, "lighthouse": scores, "goal": ">= 95 each, installable",
            "met": met}


if __name__ == "__main__":  # pragma: no cover - ad hoc run
    import tempfile

    from .databases import sqlite_db

    with tempfile.TemporaryDirectory() as tmp, sqlite_db(Path(tmp)) as db_url:
        print(json.dumps(run(db_url, Path(tmp)), indent=1))
