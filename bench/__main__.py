"""`python -m bench`: run every figure beside its reference, print a table, write results.json."""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import tempfile
import time
import traceback
from pathlib import Path

from . import latency, pwa, quality, sweep, throughput
from .databases import pg_admin_url, postgres_db, sqlite_db
from .report import table

RESULTS = Path(__file__).resolve().parent / "results.json"
FIGURES = {"throughput": throughput.run, "latency": latency.run, "sweep": sweep.run,
           "quality": quality.run}


def machine() -> dict:
    """Where the figures were measured."""
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip()
                     for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return {"date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "cpu": model, "cpus": os.cpu_count(), "python": platform.python_version(),
            "system": f"{platform.system()} {platform.release()}"}


def _guarded(fn, *args) -> dict:
    try:
        return fn(*args)
    except Exception as exc:
        traceback.print_exc()
        return {"skipped": f"{type(exc).__name__}: {exc}"[:300], "met": False}


def main() -> None:
    """Run the figures chosen on the command line (all by default)."""
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--only", default="throughput,latency,sweep,quality,pwa")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    chosen = args.only.split(",")
    started = time.perf_counter()
    results: dict = {"machine": machine()}
    pg = None if args.no_postgres else pg_admin_url()
    databases = [("sqlite", None)] + ([("postgresql", pg)] if pg else [])
    if not pg:
        results["postgresql"] = {"skipped": "no PostgreSQL reachable (BENCH_DATABASE_URL)"}
    with tempfile.TemporaryDirectory(prefix="cartwatch-bench-") as tmp:
        work = Path(tmp)
        for kind, admin in databases:
            for name in (n for n in FIGURES if n in chosen):
                print(f"== {name} on {kind} ...", flush=True)
                manager = sqlite_db(work / kind) if kind == "sqlite" else postgres_db(admin)
                with manager as url:
                    results.setdefault(name, {})[kind] = _guarded(FIGURES[name], url,
                                                                  work / f"{kind}-{name}")
        if "pwa" in chosen:
            print("== pwa (first load, Lighthouse) ...", flush=True)
            with sqlite_db(work / "pwa") as url:
                results["pwa"] = _guarded(pwa.run, url, work / "pwa")
    results["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(table(results))
    print(f"\nwritten {RESULTS} in {results['seconds']} s")


if __name__ == "__main__":
    main()
