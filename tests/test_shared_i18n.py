"""pwa/shared/i18n.js: the one key lookup both apps translate with (issue 13.6).

The apps differ only in how a value is written into a placeholder (the patient app formats
numbers for its language and leaves a missing value empty; the staff app shows a missing
placeholder as itself), so each passes its rule to the shared `fill`.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT / "pwa" / "shared" / "i18n.js"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

PROBE = """
const { fill, lookup } = await import(process.argv[1]);
const de = { hello: 'Hallo {name}' }, en = { hello: 'Hello {name}', bye: 'Bye' };
const comma = (v) => (typeof v === 'number' ? String(v).replace('.', ',') : String(v ?? ''));
console.log(JSON.stringify([
  lookup('hello', de, en), lookup('bye', de, en), lookup('nope', de, en),
  fill('T {t} at {when}', { t: 36.9 }, comma),
  fill('{n} of {total}', { n: 0 }, (v, name) => String(v ?? `{${name}}`)),
  fill('plain {x}', {}),
]));
"""


def test_the_first_table_with_the_key_wins_and_each_app_writes_its_own_values():
    done = subprocess.run([NODE, "--input-type=module", "-e", PROBE, SHARED.as_uri()],
                          capture_output=True, text=True, check=True, timeout=60)
    assert json.loads(done.stdout) == [
        "Hallo {name}", "Bye", "nope", "T 36,9 at ", "0 of {total}", "plain "]


@pytest.mark.parametrize("app", ["app", "staff"])
def test_both_apps_translate_through_the_shared_lookup(app):
    source = (ROOT / "pwa" / app / "js" / "i18n.js").read_text()
    assert "from '/shared/i18n.js'" in source
    assert ".replace(/\\{(\\w+)\\}/g" not in source  # no second placeholder filler
