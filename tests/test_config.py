"""Every environment variable that server/config.py reads is in the README's table."""
from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_documented_in_the_readme():
    read = set(re.findall(r'env\.get\("([A-Z_]+)"', (ROOT / "server/config.py").read_text()))
    table = set(re.findall(r"^\| `([A-Z_]+)` \|", (ROOT / "README.md").read_text(), re.M))
    assert {"TRUSTED_PROXIES", "LOGIN_ACCOUNT_FAILURE_CAP"} <= read
    assert read - table == set()
