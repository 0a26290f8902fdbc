"""Fail CI on a dependency with a known vulnerability that has a fixed release (pip-audit)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path


def fixable(report: dict) -> list[str]:
    """Lines naming every vulnerability in a pip-audit JSON report that has a fix version."""
    out = []
    for dep in report.get("dependencies", []):
        for vuln in dep.get("vulns", []):
            if vuln.get("fix_versions"):
                out.append(f"{dep['name']} {dep['version']}: {vuln['id']} "
                           f"(fixed in {', '.join(vuln['fix_versions'])})")
    return out


def unfixable(report: dict) -> list[str]:
    """Lines naming known vulnerabilities without any fixed release (reported, not fatal)."""
    return [f"{dep['name']} {dep['version']}: {vuln['id']} (no fix yet)"
            for dep in report.get("dependencies", []) for vuln in dep.get("vulns", [])
            if not vuln.get("fix_versions")]


def main() -> int:
    """Audit the venv's installed packages against the PyPI advisory database."""
    if os.environ.get("DEPS_AUDIT") == "skip":
        print("dependency audit skipped (DEPS_AUDIT=skip)")
        return 0
    bin_dir = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "audit.json"
        run = subprocess.run([str(bin_dir / "pip-audit"), "--local", "--skip-editable",
                              "--format", "json", "--progress-spinner", "off",
                              "--output", str(out)], capture_output=True, text=True)
        if not out.exists() or not out.read_text().strip():
            print("pip-audit could not run:\n" + run.stderr[-2000:], file=sys.stderr)
            return 2
        report = json.loads(out.read_text())
    for line in unfixable(report):
        print("warning: " + line)
    bad = fixable(report)
    for line in bad:
        print("VULNERABLE: " + line, file=sys.stderr)
    checked = len(report.get("dependencies", []))
    print(f"dependency audit: {checked} packages, {len(bad)} with a fixable vulnerability")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
