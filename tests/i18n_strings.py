"""The patient app's language files as Python dicts (Node imports the ES module)."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

I18N = Path(__file__).resolve().parents[1] / "pwa" / "app" / "i18n"
NODE = shutil.which("node")


def load_js(path: Path) -> dict:
    """The default export of one language file, through Node."""
    script = ("import(process.argv[1]).then((m) => "
              "process.stdout.write(JSON.stringify(m.default)))")
    out = subprocess.run([NODE, "--input-type=module", "-e", script, path.as_uri()],
                         capture_output=True, text=True, check=True, timeout=30)
    return json.loads(out.stdout)


@cache
def strings(lang: str) -> dict:
    """The strings of one language of the patient app."""
    return load_js(I18N / f"{lang}.js")


def fill(text: str, **values) -> str:
    """A string with its {placeholders} filled, as t() does."""
    return re.sub(r"\{(\w+)\}", lambda m: str(values.get(m.group(1), "")), text)
