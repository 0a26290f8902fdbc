"""A small scanner for user-visible string literals in the patient app's JavaScript.

The app builds its DOM with `h(spec, props, ...children)` (pwa/app/js/dom.js) and sets live
text with `el.textContent = …`; every word a person sees must come from `t('key')`. This
finds the places where a literal with letters reaches the screen instead:

- a child argument of `h()` (after the selector and the props) holding a literal outside any
  call, e.g. `h('p', {}, 'Hello')`, `h('p', {}, ok ? 'Yes' : 'No')`, `` h('p', {}, `Hi ${x}`) ``;
- a visible property or attribute set from a literal: `textContent`, `innerText`,
  `innerHTML`, `title`, `placeholder`, `alt`, `label`, `aria-label` (assignment or props key);
- `confirm()`, `alert()`, `prompt()` with a literal.

Literals inside a nested call (`t('key')`, `h('span', …)` checked on its own) are not the
child's text. Punctuation and numbers (' — ', ' · ', '%') are allowed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

LETTER = re.compile(r"[^\W\d_]", re.UNICODE)
VISIBLE_PROPS = ("textContent", "innerText", "innerHTML", "title", "placeholder", "alt",
                 "label", "aria-label", "ariaLabel")
DIALOGS = ("confirm", "alert", "prompt")


@dataclass
class Finding:
    line: int
    text: str
    why: str


def _skip_string(src: str, i: int) -> int:
    """Index after the string/template literal starting at i."""
    quote = src[i]
    i += 1
    depth = 0
    while i < len(src):
        c = src[i]
        if c == "\\":
            i += 2
            continue
        if quote == "`" and c == "$" and src[i + 1:i + 2] == "{":
            depth += 1
            i += 2
            continue
        if quote == "`" and depth and c == "}":
            depth -= 1
        elif c == quote and not depth:
            return i + 1
        i += 1
    return i


def _strip_comments(src: str) -> str:
    """Blank out // and /* */ comments (keeping offsets and line numbers)."""
    out, i = list(src), 0
    while i < len(src):
        c = src[i]
        if c in "'\"`":
            i = _skip_string(src, i)
        elif src.startswith("//", i):
            end = src.find("\n", i)
            end = len(src) if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
        elif src.startswith("/*", i):
            end = src.find("*/", i) + 2
            out[i:end] = [ch if ch == "\n" else " " for ch in src[i:end]]
            i = end
        elif c == "/" and re.search(r"[(,=:!&|?{};]\s*$", src[max(0, i - 20):i]):
            j = i + 1  # a regular expression literal: skip it
            while j < len(src) and src[j] != "/":
                j += 2 if src[j] == "\\" else 1
            i = j + 1
        else:
            i += 1
    return "".join(out)


def _args(src: str, open_paren: int) -> tuple[list[tuple[int, str]], int]:
    """The top-level arguments (offset, text) of the call whose '(' is at open_paren."""
    args, depth, i, start = [], 0, open_paren + 1, open_paren + 1
    while i < len(src):
        c = src[i]
        if c in "'\"`":
            i = _skip_string(src, i)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                if src[start:i].strip():
                    args.append((start, src[start:i]))
                return args, i
            depth -= 1
        elif c == "," and depth == 0:
            args.append((start, src[start:i]))
            start = i + 1
        i += 1
    return args, i


def _loose_literals(expr: str) -> list[str]:
    """Literals of an expression outside any nested call: their visible (static) text."""
    found, i, depth_call = [], 0, 0
    stack: list[bool] = []  # per open bracket: is it a call's '('?
    while i < len(expr):
        c = expr[i]
        if c in "'\"`":
            end = _skip_string(expr, i)
            if not depth_call:
                body = expr[i + 1:end - 1]
                if c == "`":
                    body = re.sub(r"\$\{.*?\}", " ", body, flags=re.S)
                found.append(body)
            i = end
            continue
        if c in "([{":
            is_call = c == "(" and bool(re.search(r"[\w$)\]]\s*$", expr[:i]))
            stack.append(is_call)
            depth_call += is_call
        elif c in ")]}" and stack:
            depth_call -= stack.pop()
        i += 1
    return found


def scan(src: str) -> list[Finding]:
    """Every user-visible literal with letters in one module's source."""
    src = _strip_comments(src)
    line = lambda at: src.count("\n", 0, at) + 1  # noqa: E731
    findings: list[Finding] = []
    for m in re.finditer(r"(?<![\w$.])h\s*\(", src):
        args, _end = _args(src, m.end() - 1)
        for offset, arg in args[2:]:
            for text in _loose_literals(arg):
                if LETTER.search(text):
                    findings.append(Finding(line(offset), text, "h() child"))
        if len(args) > 1:
            findings += _props(src, args[1])
    assign = r"\.(" + "|".join(VISIBLE_PROPS) + r")\s*=(?!=)\s*"
    for m in re.finditer(assign, src):
        stop = src.find(";", m.end())
        for text in _loose_literals(src[m.end():stop if stop > 0 else len(src)]):
            if LETTER.search(text):
                findings.append(Finding(line(m.start()), text, m.group(1)))
    dialog = r"(?<![\w$])(?:window\.)?(" + "|".join(DIALOGS) + r")\s*\("
    for m in re.finditer(dialog, src):
        args, _end = _args(src, m.end() - 1)
        for offset, arg in args[:1]:
            for text in _loose_literals(arg):
                if LETTER.search(text):
                    findings.append(Finding(line(offset), text, m.group(1)))
    return findings


def _props(src: str, prop_arg: tuple[int, str]) -> list[Finding]:
    offset, text = prop_arg
    found = []
    keys = "|".join(re.escape(k) for k in VISIBLE_PROPS)
    for m in re.finditer(r"(?:^|[{,\s])['\"]?(" + keys + r")['\"]?\s*:\s*", text):
        rest, _ = _args("(" + text[m.end():] + ")", 0)
        value = rest[0][1] if rest else ""
        for literal in _loose_literals(value):
            if LETTER.search(literal):
                found.append(Finding(src.count("\n", 0, offset) + 1, literal, m.group(1)))
    return found
