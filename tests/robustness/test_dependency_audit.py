"""The CI dependency audit fails on fixable vulnerabilities only."""
from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit_deps.py"
spec = importlib.util.spec_from_file_location("audit_deps", SCRIPT)
audit_deps = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit_deps)

REPORT = {"dependencies": [
    {"name": "flask", "version": "3.1.0", "vulns": []},
    {"name": "oldlib", "version": "1.0", "vulns": [
        {"id": "PYSEC-1", "fix_versions": ["1.0.1"]},
        {"id": "GHSA-2", "fix_versions": []}]},
]}


def test_a_vulnerability_with_a_fix_fails_the_build():
    assert audit_deps.fixable(REPORT) == ["oldlib 1.0: PYSEC-1 (fixed in 1.0.1)"]


def test_one_without_a_fix_is_only_reported():
    assert audit_deps.unfixable(REPORT) == ["oldlib 1.0: GHSA-2 (no fix yet)"]
    assert audit_deps.fixable({"dependencies": [REPORT["dependencies"][0]]}) == []


def test_ci_runs_the_audit_after_the_tests():
    run = (SCRIPT.parent / "run").read_text()
    assert run.index("make test") < run.index("audit_deps.py")
