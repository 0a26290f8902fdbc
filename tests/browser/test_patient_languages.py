"""The patient app in English, German and Spanish, on a phone in Chromium: every screen passes
axe in each language and in the light and the dark theme (screenshots in test-artifacts/),
numbers are written and typed the language's way (36,9), the language follows the centre's
choice and the person's own in Settings, and the first load stays under 100 KB."""
from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from i18n_strings import fill, strings
from playwright.sync_api import expect

from server.extensions import db

from .patient_steps import PHONE, wait_for_service_worker

pytestmark = pytest.mark.browser

LANGS = ["en", "de", "es"]
LOCALES = {"en": "en-GB", "de": "de-DE", "es": "es-ES"}
# every screen reachable by its address, with the key of its heading
SCREENS = [("#/", "homeTitle"), ("#/temperature", "tempTitle"), ("#/ice", "iceTitle"),
           ("#/tremor", "tremorTitle"), ("#/handwriting", "hwTitle"), ("#/symptoms", "symTitle"),
           ("#/entries", "entriesTitle"), ("#/settings", "settingsTitle")]
TYPED = {"en": "36.9", "de": "36,9", "es": "36,9"}


def phone(browser, live_server, lang: str, theme: str = "light"):
    """A fresh phone whose browser prefers `lang`, in the light or dark system theme."""
    context = browser.new_context(base_url=live_server.url,
                                  **{**PHONE, "locale": LOCALES[lang]}, color_scheme=theme)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    return context, page


def german_patient(live_server, lang="de", caregiver_lang=None, **fields) -> int:
    """A patient (and caregiver) the centre gave a language."""
    from server.models import Patient

    patient_id = live_server.patient(language=lang, **fields)
    with live_server.app.app_context():
        db.session.get(Patient, patient_id).caregivers[0].language = caregiver_lang or lang
        db.session.commit()
    return patient_id


def enrol_in(page, live_server, patient_id: int, lang: str, role: str = "patient") -> None:
    """Open the centre's enrolment link and continue to Home, in `lang`."""
    s = strings(lang)
    code = live_server.code(patient_id, role)
    page.goto(code["url"].replace("http://127.0.0.1", ""))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        fill(s["enrolledAs"], role=s[f"role_{role}"]))
    page.get_by_role("link", name=s["continueHome"]).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(s["homeTitle"])


def go(page, hash_: str, heading: str) -> None:
    page.evaluate("(h) => { location.hash = h; }", hash_)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    page.wait_for_timeout(100)  # a background refresh of Home settles


def serious(page) -> list:
    results = Axe().run(page)
    return [(v["id"], v["nodes"][0]["target"]) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def send_temperature(page, lang: str, typed: str) -> None:
    s = strings(lang)
    go(page, "#/temperature", s["tempTitle"])
    page.get_by_label(fill(s["tempLabel"], unit="C")).fill(typed)
    page.get_by_role("button", name=s["send"], exact=True).click()


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("lang", LANGS)
def test_every_screen_in_each_language_and_theme_passes_axe(browser, live_server, screenshot,
                                                            lang, theme):
    s = strings(lang)
    context, page = phone(browser, live_server, lang, theme)
    failures = {}
    page.goto("/app/")
    expect(page.get_by_role("heading", level=1)).to_have_text(s["enrolTitle"])
    assert page.evaluate("document.documentElement.lang") == lang
    screenshot(page, f"lang-{lang}-{theme}-enrol")
    failures["enrol"] = serious(page)
    patient = german_patient(live_server, lang)
    code = live_server.code(patient, "caregiver")
    page.goto(code["url"].replace("http://127.0.0.1", ""))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        fill(s["enrolledAs"], role=s["role_caregiver"]))
    screenshot(page, f"lang-{lang}-{theme}-welcome")
    failures["welcome"] = serious(page)
    for hash_, key in SCREENS:
        go(page, hash_, s[key])
        name = hash_.strip("#/") or "home"
        screenshot(page, f"lang-{lang}-{theme}-{name}")
        failures[name] = serious(page)
    send_temperature(page, lang, TYPED[lang])
    expect(page.get_by_role("heading", level=1)).to_have_text(s["resultThanks"])
    screenshot(page, f"lang-{lang}-{theme}-result")
    failures["result"] = serious(page)
    go(page, "#/", s["homeTitle"])
    screenshot(page, f"lang-{lang}-{theme}-home-after")
    failures["home-after"] = serious(page)
    errors = page.errors
    context.close()
    assert {k: v for k, v in failures.items() if v} == {}
    assert errors == []


def test_the_dark_theme_follows_the_system_setting(browser, live_server):
    for theme, dark in (("light", False), ("dark", True)):
        context, page = phone(browser, live_server, "en", theme)
        page.goto("/app/")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        luminance = page.evaluate("""() => {
            const [r, g, b] = getComputedStyle(document.body).backgroundColor
              .match(/\\d+/g).map(Number);
            return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255; }""")
        context.close()
        assert (luminance < 0.2) is dark, (theme, luminance)


def test_a_german_patient_types_and_reads_a_decimal_comma(browser, live_server):
    s = strings("de")
    context, page = phone(browser, live_server, "de")
    patient = german_patient(live_server, "de")
    enrol_in(page, live_server, patient, "de")
    send_temperature(page, "de", "36,9")
    expect(page.get_by_role("heading", level=1)).to_have_text(s["resultThanks"])
    assert [r.temperature_c for r in live_server.checkins(patient)] == [36.9]
    page.get_by_role("link", name=s["finishCheck"]).click()
    last = page.locator("section.card", has=page.get_by_role("heading", name=s["lastResult"]))
    expect(last).to_contain_text("36,9 °C")
    go(page, "#/temperature", s["tempTitle"])
    page.get_by_label("°F").check()
    page.get_by_label(fill(s["tempLabel"], unit="F")).fill("200")
    page.get_by_role("button", name=s["send"], exact=True).click()
    expect(page.get_by_role("alert").first).to_have_text(
        fill(s["tempRange"], min="86", max="111,2", unit="F"))
    errors = page.errors
    context.close()
    assert errors == []


def test_the_language_switches_in_settings_and_the_server_learns_it(browser, live_server):
    from server.models import Caregiver, Patient

    context, page = phone(browser, live_server, "en")
    patient = german_patient(live_server, "en")
    enrol_in(page, live_server, patient, "en", role="caregiver")
    go(page, "#/settings", "Settings")
    page.get_by_role("radio", name="Español").check()
    expect(page.get_by_role("heading", level=1)).to_have_text(strings("es")["settingsTitle"])
    assert page.evaluate("document.documentElement.lang") == "es"
    expect(page.get_by_role("link", name=fill(strings("es")["callCentreNamed"], name="Centre A",
                                             phone="+49 30 111 222"))).to_be_visible()
    with live_server.app.app_context():  # the caregiver's row, not the patient's
        person = db.session.get(Patient, patient)
        assert (person.language, db.session.get(Caregiver, person.caregivers[0].id).language) \
            == ("en", "es")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(strings("es")["settingsTitle"])
    expect(page.get_by_role("radio", name="Español")).to_be_checked()
    # the offline advice texts came back in Spanish: an alarming entry offline says so
    page.wait_for_function("""() => import('/app/js/store.js').then((s) => s.get('thresholds'))
        .then((th) => (th?.instructions?.urgent?.text || '').startsWith('Llame'))""")
    wait_for_service_worker(page)
    context.set_offline(True)
    send_temperature(page, "es", "38,9")
    expect(page.get_by_role("heading", level=1)).to_have_text(strings("es")["advice_urgent"])
    expect(page.get_by_text("Llame ahora al centro, a su línea de 24 horas")).to_be_visible()
    expect(page.get_by_text(strings("es")["adviceOfflineNote"])).to_be_visible()
    errors = page.errors
    context.close()
    assert errors == []


def test_a_choice_made_offline_is_kept_and_sent_later(browser, live_server):
    from server.models import Patient

    context, page = phone(browser, live_server, "en")
    patient = german_patient(live_server, "en")
    enrol_in(page, live_server, patient, "en")
    wait_for_service_worker(page)
    go(page, "#/settings", "Settings")
    # Settings (the language picker) asks the service worker to keep every language
    page.wait_for_function("caches.match('/app/i18n/de.js').then(Boolean)")
    context.set_offline(True)
    page.get_by_role("radio", name="Deutsch").check()
    expect(page.get_by_role("heading", level=1)).to_have_text(strings("de")["settingsTitle"])
    with live_server.app.app_context():
        assert db.session.get(Patient, patient).language == "en"
    context.set_offline(False)
    page.reload()  # the refresh on opening sends the waiting choice
    expect(page.get_by_role("heading", level=1)).to_have_text(strings("de")["settingsTitle"])
    for _ in range(50):
        with live_server.app.app_context():
            if db.session.get(Patient, patient).language == "de":
                break
        page.wait_for_timeout(100)
    with live_server.app.app_context():
        assert db.session.get(Patient, patient).language == "de"
    context.close()


def test_a_caregiver_reads_their_own_language_not_the_patients(browser, live_server):
    """A caregiver who reads Spanish sees Spanish although the patient reads German."""
    context, page = phone(browser, live_server, "en")
    patient = german_patient(live_server, "de", caregiver_lang="es")
    enrol_in(page, live_server, patient, "es", role="caregiver")
    assert page.evaluate("document.documentElement.lang") == "es"
    context.close()


TARGETS = """() => [...document.querySelectorAll(
    'button, a, input, select, textarea, [role="button"], [tabindex="0"]')]
  .filter((el) => el.offsetParent !== null && el.tagName !== 'CANVAS')
  .map((el) => {
    // a radio or checkbox is tapped through its whole label
    const target = ['radio', 'checkbox'].includes(el.type) ? el.closest('label') || el : el;
    const box = target.getBoundingClientRect();
    return { what: (target.textContent || el.name || el.type || el.tagName).trim().slice(0, 40),
             width: Math.round(box.width), height: Math.round(box.height) };
  })
  .filter((t) => t.width < 44 || t.height < 44)"""


@pytest.mark.parametrize("lang", ["en", "de"])
def test_every_target_is_at_least_44_by_44_px(browser, live_server, lang):
    """WCAG 2.5.5 (tremor): every button, link and input on every screen, including the
    'n waiting to be sent' link that appears offline."""
    s = strings(lang)
    context, page = phone(browser, live_server, lang)
    patient = german_patient(live_server, lang)
    enrol_in(page, live_server, patient, lang, role="caregiver")
    wait_for_service_worker(page)
    context.set_offline(True)
    send_temperature(page, lang, TYPED[lang])
    expect(page.get_by_role("heading", level=1)).to_have_text(s["resultThanks"])
    small = {"result": page.evaluate(TARGETS)}
    for hash_, key in SCREENS:
        go(page, hash_, s[key])
        if hash_ == "#/":  # the inline link to the waiting entry is measured too
            expect(page.get_by_role("link", name=fill(s["pendingCount"], n=1))).to_be_visible()
        small[hash_] = page.evaluate(TARGETS)
    expect(page.locator("body")).to_be_visible()
    context.close()
    assert {k: v for k, v in small.items() if v} == {}


@pytest.mark.parametrize("lang", ["en", "de"])
def test_text_reflows_at_320_css_px_without_sideways_scrolling(browser, live_server, lang):
    """WCAG 1.4.10: 320 CSS px is a 640 px phone at 200 % zoom; German has the longest words."""
    s = strings(lang)
    context = browser.new_context(base_url=live_server.url, **{
        **PHONE, "locale": LOCALES[lang], "viewport": {"width": 320, "height": 640}})
    page = context.new_page()
    page.goto("/app/")
    expect(page.get_by_role("heading", level=1)).to_have_text(s["enrolTitle"])
    wide = {"enrol": page.evaluate("document.documentElement.scrollWidth")}
    patient = german_patient(live_server, lang)
    enrol_in(page, live_server, patient, lang, role="caregiver")
    for hash_, key in SCREENS:
        go(page, hash_, s[key])
        wide[hash_] = page.evaluate("document.documentElement.scrollWidth")
    send_temperature(page, lang, TYPED[lang])
    expect(page.get_by_role("heading", level=1)).to_have_text(s["resultThanks"])
    wide["result"] = page.evaluate("document.documentElement.scrollWidth")
    context.close()
    assert {k: v for k, v in wide.items() if v > 320} == {}


@pytest.mark.parametrize("lang", LANGS)
def test_first_load_is_under_100_kb_transferred(browser, live_server, lang):
    """Bytes on the wire (gzip as sent) for the page and everything it loads, from the
    Performance API of a fresh profile; the service worker's precache of the whole shell
    (every language) happens in the worker and is measured in bench/pwa.py."""
    context, page = phone(browser, live_server, lang)
    page.goto("/app/", wait_until="networkidle")
    expect(page.get_by_role("heading", level=1)).to_have_text(strings(lang)["enrolTitle"])
    sizes = page.evaluate("""() => [...performance.getEntriesByType('navigation'),
                                    ...performance.getEntriesByType('resource')]
        .map((e) => [e.name, e.transferSize])""")
    context.close()
    names = [name for name, _ in sizes]
    assert any(name.endswith("/app/js/main.js") for name in names)
    assert any(name.endswith(f"/app/i18n/{lang}.js") for name in names)
    if lang != "en":  # only the language in use (and English, the fallback) is fetched
        assert not any(name.endswith(f"/app/i18n/{o}.js") for name in names
                       for o in LANGS if o not in ("en", lang))
    total = sum(size for _, size in sizes)
    assert 0 < total < 100 * 1024, (total, sizes)


def test_the_closing_screen_stays_in_the_persons_language(browser, live_server, screenshot):
    """Monitoring ended: the phone forgets its enrolment but keeps the language with the
    centre's numbers, so a German patient on an English phone reads the end in German."""
    from .test_patient_ended import end_monitoring

    s = strings("de")
    context, page = phone(browser, live_server, "en")
    patient = german_patient(live_server, "de")
    enrol_in(page, live_server, patient, "de")
    end_monitoring(live_server, patient)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(s["endedTitle"])
    page.reload()  # and stays so
    expect(page.get_by_role("heading", level=1)).to_have_text(s["endedTitle"])
    expect(page.get_by_role("link", name=fill(s["endedEmergency"], number="112"))).to_be_visible()
    screenshot(page, "lang-de-light-ended")
    found = serious(page)
    errors = page.errors
    context.close()
    assert found == [] and errors == []


@pytest.mark.parametrize("lang", LANGS)
def test_the_self_check_and_the_alert_card_in_each_language(browser, live_server, screenshot,
                                                             lang):
    """The screens a patient alone and an alarming entry bring up pass axe in each language,
    with no English word left where the language has its own."""
    s = strings(lang)
    context, page = phone(browser, live_server, lang)
    patient = german_patient(live_server, lang, city="Augsburg", place_of_care="Klinikum Süd")
    enrol_in(page, live_server, patient, lang, role="patient")
    failures = {}
    go(page, "#/ice", s["iceTitle"])
    expect(page.get_by_text(s["whoQuestion"])).to_be_visible()
    screenshot(page, f"lang-{lang}-light-who-asks")
    failures["who-asks"] = serious(page)
    page.get_by_role("button", name=s["whoNo"]).click()
    expect(page.get_by_label(s["selfYear"])).to_be_visible()
    expect(page.get_by_text(s["selfCommandSay"])).to_be_visible()
    screenshot(page, f"lang-{lang}-light-self-check")
    failures["self-check"] = serious(page)
    if lang != "en":
        assert "What year is it" not in page.content()
    send_temperature(page, lang, {"en": "38.6", "de": "38,6", "es": "38,6"}[lang])
    expect(page).to_have_url(re.compile("#/sent$"))  # the result screen: the server answered
    screenshot(page, f"lang-{lang}-light-result-urgent")
    failures["result-urgent"] = serious(page)
    go(page, "#/", s["homeTitle"])
    card = page.locator("article.alert-card")
    expect(card).to_have_count(1)  # the server's card, once the outbox is empty
    expect(card).to_have_attribute("data-state", "open")
    if lang != "en":
        expect(card).to_contain_text("38,6")
    screenshot(page, f"lang-{lang}-light-alert-card")
    failures["alert-card"] = serious(page)
    errors = page.errors
    context.close()
    assert {k: v for k, v in failures.items() if v} == {}
    assert errors == []
