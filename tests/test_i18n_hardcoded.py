"""No word a patient or caregiver sees is written into the app's code: it comes from t().

tests/js_literals.py scans every module of the patient app (how it finds a visible literal
is described there); the HTML shell carries no visible text but the app's name.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from js_literals import scan

APP = Path(__file__).resolve().parents[1] / "pwa" / "app"
MODULES = sorted(p for p in (APP / "js").rglob("*.js"))


def test_the_app_modules_are_scanned():
    names = {p.relative_to(APP).as_posix() for p in MODULES}
    assert {"js/main.js", "js/result.js", "js/screens/home.js", "js/screens/ice.js"} <= names


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.relative_to(APP).as_posix())
def test_no_visible_literal_in_a_module(path):
    found = [(f.line, f.why, f.text) for f in scan(path.read_text(encoding="utf-8"))]
    assert found == []


@pytest.mark.parametrize("source, text", [
    ("show(h('section', {}, h('h1', {}, 'Hello there')));", "Hello there"),
    ("h('p', {}, ok ? 'Yes' : t('no'))", "Yes"),
    ("h('p', {}, `Hi ${name}`)", "Hi  "),
    ("h('p', {}, 'Day ' + day)", "Day "),
    ("h('a.button', { href: '#/', 'aria-label': 'Go home' }, t('home'))", "Go home"),
    ("h('input', { id, placeholder: 'Type here' })", "Type here"),
    ("el.textContent = 'Saved';", "Saved"),
    ("button.title = `Send ${n}`;", "Send  "),
    ("if (!window.confirm('Really?')) return;", "Really?"),
])
def test_the_scanner_finds_a_planted_literal(source, text):
    assert [f.text for f in scan(source)] == [text]


@pytest.mark.parametrize("source", [
    "h('p', {}, t('key', { n }))",
    "h(`li.slot.${slot.status}`, {}, h('span.time', {}, localTime(at, zone)))",
    "h('p', {}, `${when(at)} — ${summary(r)} (${t(`by_${r.recorded_by}`)})`)",
    "h('input', { type: 'radio', name, value, placeholder: t('x') })",
    "h('p.links', {}, h('a', { href: '#/entries' }, t('entriesLink')), ' · ')",
    "label.textContent = t('tempLabel', { unit }); // a comment with 'Words'",
    "const clean = text.replace(/[^a-z]/g, ''); h('p', {}, clean)",
])
def test_the_scanner_lets_translated_text_pass(source):
    assert scan(source) == []


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.text: list[tuple[str, str]] = []
        self.attrs: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.stack.append(tag)
        self.attrs += [(k, v) for k, v in attrs if k in ("title", "alt", "aria-label",
                                                          "placeholder") and v]
        if tag == "meta" and dict(attrs).get("name") == "description":
            self.description = dict(attrs).get("content")

    def handle_endtag(self, tag):
        if self.stack and self.stack[-1] == tag:
            self.stack.pop()

    def handle_data(self, data):
        if data.strip():
            self.text.append((self.stack[-1] if self.stack else "", data.strip()))


def test_the_html_shell_has_no_text_but_the_apps_name():
    parser = _Text()
    parser.description = None
    parser.feed((APP / "index.html").read_text(encoding="utf-8"))
    assert parser.attrs == []
    assert parser.text == [("title", "CARTwatch")]  # appName in every language
    # for search engines before any script; i18n.js replaces it in the app's language
    english = (APP / "i18n" / "en.js").read_text(encoding="utf-8")
    assert f"appDescription: '{parser.description}'" in english
    names = {re.search(r"appName: '([^']*)'", p.read_text(encoding="utf-8")).group(1)
             for p in (APP / "i18n").glob("*.js")}
    assert names == {"CARTwatch"}
