"""The import graph runs one way: lint-imports keeps every contract in pyproject.toml."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent  # lint-imports puts its cwd first on sys.path


def test_import_contracts_are_kept():
    """Layers (entry points down to base modules) and no cycles between siblings."""
    result = subprocess.run(
        [str(Path(sys.executable).with_name("lint-imports")), "--no-cache"],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout
