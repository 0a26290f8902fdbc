"""Every language has every key of English, no extra key, and the same {placeholders}.

The patient app's language files are ES modules: Node imports each one and prints it as
JSON (no parsing of JavaScript here). The server's gettext catalogs are read with Babel:
every text the server code passes through `_()` has a translation in every catalog, with
the same placeholders.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from i18n_strings import I18N, NODE, load_js

from server import i18n
from server.languages import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def compare(english: dict, other: dict) -> list[str]:
    """Problems of one translation against English: missing, extra, placeholders, types."""
    problems = [f"missing: {k}" for k in english if k not in other]
    problems += [f"extra: {k}" for k in other if k not in english]
    for key in english.keys() & other.keys():
        a, b = english[key], other[key]
        if isinstance(a, str) and isinstance(b, str):
            if sorted(PLACEHOLDER.findall(a)) != sorted(PLACEHOLDER.findall(b)):
                problems.append(f"placeholders differ: {key}")
            if not b.strip():
                problems.append(f"empty: {key}")
        elif isinstance(a, dict) and isinstance(b, dict):  # the naming pictures
            problems += [f"{key}.{p}" for p in compare(
                {k: "" for k in a}, {k: "" for k in b}) if not p.startswith("empty")]
            problems += [f"no accepted name: {key}.{k}" for k, v in b.items() if not v]
        elif type(a) is not type(b):
            problems.append(f"type differs: {key}")
    return sorted(problems)


def test_compare_finds_a_missing_an_extra_key_and_a_changed_placeholder():
    english = {"a": "x {n}", "b": "y", "objects": {"key": ["key"]}}
    other = {"a": "x {m}", "c": "z", "objects": {"cup": ["tasse"]}}
    assert compare(english, other) == [
        "extra: c", "missing: b", "objects.extra: cup", "objects.missing: key",
        "placeholders differ: a"]


@pytest.mark.skipif(NODE is None, reason="node is needed to import the ES modules")
@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_patient_app_language_file_matches_english(lang):
    english = load_js(I18N / "en.js")
    other = load_js(I18N / f"{lang}.js")
    assert other["lang"] == lang
    assert compare(english, other) == []


@pytest.mark.skipif(NODE is None, reason="node is needed to import the ES modules")
def test_every_shipped_language_file_is_a_language_the_server_accepts():
    shipped = sorted(p.stem for p in I18N.glob("*.js"))
    assert shipped == sorted(LANGUAGES)


def server_msgids() -> dict[str, str]:
    """Every literal text passed to the server's `_()` (i18n.gettext), with its file."""
    found = {}
    for path in (ROOT / "server").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "_" and len(node.args) >= 2
                    and isinstance(node.args[1], ast.Constant)):
                found[node.args[1].value] = path.name
    return found


def test_server_texts_are_found():
    msgids = server_msgids()
    assert "Time for a check-in" in msgids  # notify.py
    assert "Call the centre now on its 24-hour line: {phone}." in msgids  # instructions.py


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_server_catalog_translates_every_text(lang):
    i18n.catalog.cache_clear()
    translated = i18n.catalog(lang)
    msgids = server_msgids()
    missing = sorted(m for m in msgids if not translated.get(m))
    unused = sorted(m for m in translated if m not in msgids)
    changed = sorted(m for m in msgids if m in translated and
                     sorted(PLACEHOLDER.findall(m)) != sorted(PLACEHOLDER.findall(translated[m])))
    assert (missing, unused, changed) == ([], [], [])
