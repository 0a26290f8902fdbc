"""The ICE self-check of a patient alone (POLICY.md v2 "Who asks"), on a phone in Chromium.

At every step no right answer may be on the page: not the year, not the month (except as
one of all twelve), not the city or place of care (except as one of several unmarked
options), not a picture's name (except as one of several names offered for it).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from server.clinical.self_check import PICTURES

from .patient_steps import enrol, open_check
from .test_patient_checks import draw

pytestmark = pytest.mark.browser

CITY, PLACE = "Augsburg", "Klinikum Süd"  # neither is the centre's name ("Centre A")
NAMES = {"key": "Key", "cup": "Cup", "pencil": "Pencil", "clock": "Clock", "chair": "Chair",
         "spoon": "Spoon", "house": "House", "tree": "Tree", "sun": "Sun", "fish": "Fish",
         "umbrella": "Umbrella", "book": "Book", "apple": "Apple", "star": "Star"}


def local_now() -> dt.datetime:
    return dt.datetime.now(ZoneInfo("Europe/Berlin"))


def serious(page) -> list:
    results = Axe().run(page)
    return [(v["id"], v["nodes"][0]["target"]) for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")]


def option_labels(page, legend: str) -> list[str]:
    group = page.locator("fieldset", has=page.locator("legend", has_text=legend))
    return group.locator("label.option").all_inner_texts()


def assert_no_answer_shown(page, answers=(CITY, PLACE)) -> None:
    """No right answer in the DOM, in text, attributes, data-* or aria (page.content())."""
    html = page.content()
    now = local_now()
    assert "Right answer" not in html and "expected" not in html
    assert "data-object" not in html and "Score:" not in html
    assert str(now.year) not in html, "the year is on the page"
    month = now.strftime("%B")  # en-GB month names are the English ones
    spots = [m.start() for m in re.finditer(month, html)]
    if spots:  # only as one of the twelve options of the month picker
        assert len(spots) == 1 and re.search(rf'<option value="\d+">{month}</option>', html)
    for answer in answers:
        found = html.count(answer)
        if found:  # only as one unmarked option among others
            assert found == 1, answer
            labels = [t for t in page.locator("label.option").all_inner_texts() if t == answer]
            assert len(labels) == 1
    for src in page.locator("img").evaluate_all("els => els.map((e) => e.getAttribute('src'))"):
        assert not any(name in src for name in PICTURES.values()), src
    for name in set(PICTURES.values()):
        assert f"\"{name}\"" not in html  # no attribute names it
    for n in (1, 2, 3):  # a picture's name only among the four names offered for it
        labels = picture_group(page, n)
        if labels.count():
            assert len(labels.locator("label.option").all_inner_texts()) == 5


def picture_group(page, n: int):
    """The fieldset that asks for the name of picture n."""
    return page.locator("fieldset", has=page.locator("legend", has_text=f"What is picture {n}?"))


def shown_pictures(page) -> list[str]:
    srcs = page.locator(".object img").evaluate_all("els => els.map((e) => e.getAttribute('src'))")
    return [re.search(r"img/ice/(p\d\d)\.svg$", s).group(1) for s in srcs]


@pytest.mark.no_service_worker  # the route below must see every POST
def test_a_patient_alone_takes_the_self_check_and_the_server_scores_it(
        page, live_server, screenshot):
    patient = live_server.patient(city=CITY, place_of_care=PLACE)
    claimed = []

    def full_marks(route):  # a phone that claims full marks whatever was answered
        body = json.loads(route.request.post_data)
        claimed.append(json.loads(route.request.post_data))
        if "ice" in body:
            body["ice"].update(orientation=4, naming=3, commands=1, writing=1, attention=1)
        route.continue_(post_data=json.dumps(body))

    page.route("**/api/v1/checkins", full_marks)
    enrol(page, live_server, patient)
    open_check(page, "Confusion check")
    expect(page.get_by_text("Is someone with you who can ask you the questions?")).to_be_visible()
    assert_no_answer_shown(page)
    page.get_by_role("button", name="No, I am doing it alone").click()
    expect(page.get_by_label("What year is it? Type the year.")).to_be_visible()
    assert_no_answer_shown(page)
    assert axe_ok(page)
    screenshot(page, "self-check")

    # orientation: the year typed, the month picked, city and place among four options
    now = local_now()
    page.get_by_label("What year is it? Type the year.").fill(str(now.year))
    page.get_by_label("What month is it?").select_option(now.strftime("%B"))
    cities = option_labels(page, "Which city are you in?")
    assert CITY in cities and len(cities) == 5  # four options and "I don't know"
    page.get_by_text(CITY, exact=True).click()
    places = option_labels(page, "Which hospital or centre is caring for you?")
    assert PLACE in places and len(places) == 5
    page.get_by_text(PLACE, exact=True).click()
    assert_no_answer_shown(page)

    # naming: three different pictures of the bank; the first two right, the third wrong
    pictures = shown_pictures(page)
    assert len(set(pictures)) == 3
    for n, picture in enumerate(pictures, start=1):
        group = picture_group(page, n)
        offered = group.locator("label.option").all_inner_texts()
        right = NAMES[PICTURES[picture]]
        assert right in offered
        choice = right if n < 3 else next(o for o in offered if o not in (right, "I don't know"))
        group.get_by_text(choice, exact=True).click()
        assert_no_answer_shown(page)

    # the command: tap the two blue circles among the others
    expect(page.get_by_text("Tap the two blue circles.")).to_be_visible()
    blue = page.get_by_role("button", name="blue circle", exact=True)
    expect(blue).to_have_count(2)
    expect(page.locator("button.circle")).to_have_count(6)
    blue.nth(0).click()
    blue.nth(1).click()
    assert_no_answer_shown(page)

    # writing on the pad, counting back typed
    draw(page, page.locator("canvas"))
    for n, value in enumerate(range(90, 0, -10), start=1):
        page.get_by_label(f"Number {n}", exact=True).fill(str(value))
    assert_no_answer_shown(page)
    assert axe_ok(page)
    screenshot(page, "self-check-answered")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").last).to_contain_text("Sent to the centre.")
    assert_no_answer_shown(page)

    [row] = live_server.checkins(patient)
    assert row.ice_self is True and row.recorded_by == "patient"
    assert row.ice == {"orientation": 4, "naming": 2, "commands": 1, "writing": 1,
                       "attention": 1}  # the server's score, not the claimed 10
    assert row.ice_total == 9
    assert len(row.handwriting_strokes["strokes"]) == 3
    answers = claimed[0]["ice"]["answers"]  # what the phone sent: answers, never right/wrong
    assert answers["year"] == now.year and answers["city"] == CITY
    assert claimed[0]["ice"]["naming"] == 2  # the phone's own score (before the route's claim)


def axe_ok(page) -> bool:
    found = serious(page)
    assert found == [], found
    return True


def test_someone_with_the_patient_gets_the_caregiver_led_check(page, live_server):
    patient = live_server.patient(city=CITY, place_of_care=PLACE)
    enrol(page, live_server, patient)
    open_check(page, "Confusion check")
    assert axe_ok(page)
    page.get_by_role("button", name="Yes, someone will ask me").click()
    expect(page.get_by_text("For the caregiver: ask the questions out loud", exact=False)
           ).to_be_visible()
    expect(page.locator("fieldset").nth(2)).to_contain_text(f"Right answer: {CITY}")


def test_the_caregivers_phone_goes_straight_to_the_led_check(page, live_server):
    patient = live_server.patient(city=CITY, place_of_care=PLACE)
    enrol(page, live_server, patient, role="caregiver")
    open_check(page, "Confusion check")
    expect(page.locator("fieldset").nth(2)).to_contain_text(f"Right answer: {CITY}")
    expect(page.get_by_text("Is someone with you")).to_have_count(0)


def test_a_patient_alone_writes_without_judging_the_handwriting(page, live_server, screenshot):
    patient = live_server.patient(city=CITY, place_of_care=PLACE)
    enrol(page, live_server, patient)
    open_check(page, "Handwriting")
    page.get_by_role("button", name="No, I am doing it alone").click()
    expect(page.locator("canvas")).to_be_visible()
    expect(page.get_by_text("compared with the handwriting before treatment")).to_have_count(0)
    expect(page.get_by_role("radio")).to_have_count(0)
    assert axe_ok(page)
    screenshot(page, "handwriting-alone")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert").filter(has_text="I cannot write")).to_be_visible()
    draw(page, page.locator("canvas"))
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("status").last).to_contain_text("Sent to the centre.")
    [row] = live_server.checkins(patient)
    assert row.handwriting_judgement is None and len(row.handwriting_strokes["strokes"]) == 3


def test_no_city_on_record_means_no_self_check_but_the_led_one(page, live_server):
    patient = live_server.patient(city=None, place_of_care=PLACE)
    enrol(page, live_server, patient)
    open_check(page, "Confusion check")
    page.get_by_role("button", name="No, I am doing it alone").click()
    expect(page.get_by_text("which the centre has not recorded yet")).to_be_visible()
    assert_no_answer_shown(page)
    page.get_by_role("button", name="Change who asks the questions").click()
    page.get_by_role("button", name="Yes, someone will ask me").click()
    expect(page.get_by_text("For the caregiver: ask the questions out loud", exact=False)
           ).to_be_visible()


def test_the_call_bar_does_not_name_a_centre_that_is_the_place_of_care(page, live_server):
    patient = live_server.patient(city=CITY, place_of_care="Centre A")  # the centre's name
    enrol(page, live_server, patient)
    expect(page.get_by_role("link", name="Call Centre A: +49 30 111 222")).to_be_visible()
    open_check(page, "Confusion check")
    page.get_by_role("button", name="No, I am doing it alone").click()
    expect(page.get_by_role("link", name="Call the centre: +49 30 111 222")).to_be_visible()
    assert_no_answer_shown(page, answers=(CITY, "Centre A"))


def test_each_self_check_shows_another_set_of_pictures(page, live_server):
    patient = live_server.patient(city=CITY, place_of_care=PLACE)
    enrol(page, live_server, patient)
    open_check(page, "Confusion check")
    page.get_by_role("button", name="No, I am doing it alone").click()  # remembered for a while
    seen = []
    for _ in range(4):
        expect(page.locator(".object img")).to_have_count(3)
        seen.append(frozenset(shown_pictures(page)))
        page.evaluate("() => { location.hash = '#/'; }")
        expect(page.get_by_role("heading", level=1)).to_have_text("Today")
        page.evaluate("() => { location.hash = '#/ice'; }")
    assert len(set(seen)) > 1  # 364 sets of three: four equal draws are (1/364)^3 likely
    assert all(len(s) == 3 for s in seen)
