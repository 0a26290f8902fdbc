"""Server texts a patient or caregiver reads (instructions, pushes), in their language.

Plain Babel rather than Flask-Babel: Flask-Babel picks one locale per *request*, but the
server mostly writes for someone else than the caller (a push to each caregiver in their
own language, from the worker, outside any request). So every call names its language.

The catalogs are gettext `.po` files (`server/translations/<lang>/LC_MESSAGES/messages.po`)
read with Babel's `read_po` once per process: no compiled `.mo` is committed or built, so a
fresh clone works as it is. A msgid is the English text with `{name}` placeholders; a
missing or empty translation falls back to English (tests/test_i18n_catalogs.py keeps every
catalog complete).
"""
from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

from babel.dates import format_datetime
from babel.messages.pofile import read_po

from .languages import DEFAULT, LANGUAGES

CATALOGS = Path(__file__).resolve().parent / "translations"

# Day, month and time of an entry in push and advice texts ("02 Dec 21:28", "02.12. 21:28")
WHEN_PATTERN = {"en": "dd MMM HH:mm", "de": "dd.MM. HH:mm", "es": "dd MMM HH:mm"}


def catalog_path(lang: str) -> Path:
    return CATALOGS / lang / "LC_MESSAGES" / "messages.po"


@cache
def catalog(lang: str) -> dict[str, str]:
    """msgid -> msgstr of one language (empty for English, the msgids themselves)."""
    if lang == DEFAULT or lang not in LANGUAGES:
        return {}
    with catalog_path(lang).open("rb") as fh:
        parsed = read_po(fh, locale=lang)
    return {m.id: m.string for m in parsed if m.id and m.string}


def language(value: str | None) -> str:
    """A supported language code, English for anything else."""
    return value if value in LANGUAGES else DEFAULT


def gettext(lang: str | None, msgid: str, **values) -> str:
    """The text in `lang`, placeholders filled (`{phone}`)."""
    text = catalog(language(lang)).get(msgid) or msgid
    return text.format(**values) if values else text


def when(moment: dt.datetime, tz: str, lang: str | None) -> str:
    """A moment as day, month and time in the patient's zone and the reader's language."""
    from .calendar import zone

    lang = language(lang)
    return format_datetime(moment, WHEN_PATTERN[lang], tzinfo=zone(tz), locale=lang)
