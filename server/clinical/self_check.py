"""The ICE self-check of a patient alone (POLICY.md v2 "Who asks"): choices and the server's score.

No right answer is ever shown to the patient, so the phone offers the city and the place of
care as one of four plausible options, names pictures among four names and sends what was
answered. The server then scores every item it can check from the answers and its own
record (year and month in the patient's zone, city, place, pictures, the tapped colours, the
counting) instead of trusting the phone's total: an app that miscounts, or a clock that is
wrong, cannot hide a confused patient.
"""
from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata

from .. import policy as P
from ..calendar import zone

# The picture bank (pwa/app/img/ice/<id>.svg): opaque file ids, so an image's address never
# names what it shows. pwa/app/js/pictures.js holds the same table (a test keeps them equal).
PICTURES = {
    "p01": "key", "p02": "cup", "p03": "pencil", "p04": "clock", "p05": "chair",
    "p06": "spoon", "p07": "house", "p08": "tree", "p09": "sun", "p10": "fish",
    "p11": "umbrella", "p12": "book", "p13": "apple", "p14": "star",
}
PICTURE_NAMES = tuple(sorted(set(PICTURES.values())))
NAMING_COUNT = 3  # three objects (POLICY.md "ICE score")

# The command task: "tap the two blue circles" among circles of these colours.
COMMAND_COLOURS = ("blue", "red", "green", "yellow")
COMMAND_TARGET = ("blue", "blue")
COMMAND_CIRCLES = 6  # circles on the screen, so at most this many taps

# Plausible wrong options beside the patient's own city and place of care. They are fixed
# lists (never other patients' records) and chosen once per patient, so the right option is
# not the only one that stays the same from one check to the next.
CITY_DISTRACTORS = (
    "Amsterdam", "Barcelona", "Berlin", "Brussels", "Cologne", "Copenhagen", "Dublin",
    "Frankfurt", "Hamburg", "Lisbon", "London", "Lyon", "Madrid", "Manchester", "Milan",
    "Munich", "Paris", "Prague", "Rome", "Stockholm", "Valencia", "Vienna", "Warsaw", "Zurich",
)
PLACE_DISTRACTORS = (
    "City General Hospital", "University Hospital", "St Mary's Hospital", "Royal Infirmary",
    "Memorial Hospital", "Regional Cancer Centre", "Children's Hospital", "Sacred Heart Clinic",
    "Northside Medical Centre", "Riverside Hospital", "County Hospital", "Park Clinic",
)
OPTIONS = 4  # the right one among three others
# The sentence written on the handwriting screen this long before counts for the writing
# item (pwa/app/js/screens/ice.js reuses it within the same 15 min rather than sending twice).
SENTENCE_REUSE_MINUTES = 15


def normalise(text: str | None) -> str:
    """Compare names as a person means them: case, accents, punctuation and spacing ignored."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.sub(r"[\W_]+", " ", plain.casefold()).split())


def _options(correct: str | None, bank: tuple[str, ...], seed: str) -> list[str] | None:
    """The right answer among three others from the bank, the same list for one patient."""
    if not normalise(correct):
        return None
    rng = random.Random(seed)  # a str seed is hashed with SHA-512: stable across runs
    others = [b for b in bank if normalise(b) != normalise(correct)]
    picked = rng.sample(others, OPTIONS - 1) + [correct]
    rng.shuffle(picked)
    return picked


def choices(patient) -> dict:
    """The options the phone offers for city and place of care (None: not on record)."""
    return {
        "city_options": _options(patient.city, CITY_DISTRACTORS, f"city:{patient.id}"),
        "place_options": _options(patient.place_of_care, PLACE_DISTRACTORS,
                                  f"place:{patient.id}"),
    }


def _local_months(observed_at: dt.datetime, tz: str) -> tuple[set[int], set[int]]:
    """Years and months that are right at the observation, give or take the tolerance.

    The tolerance is far below a month, so the two ends and the middle hold every
    (year, month) the interval touches.
    """
    tolerance = dt.timedelta(minutes=P.ICE_SELF_DATE_TOLERANCE_MINUTES)
    dates = [(observed_at + d).astimezone(zone(tz)).date()
             for d in (-tolerance, dt.timedelta(0), tolerance)]
    return {d.year for d in dates}, {d.month for d in dates}


def score(answers: dict, patient, observed_at: dt.datetime, wrote: bool) -> dict[str, int]:
    """Score each ICE item from the self-check's answers; `wrote`: a sentence was written."""
    years, months = _local_months(observed_at, patient.timezone)
    orientation = sum((
        answers.get("year") in years,
        answers.get("month") in months,
        bool(normalise(patient.city)) and normalise(answers.get("city")) == normalise(patient.city),
        bool(normalise(patient.place_of_care))
        and normalise(answers.get("place")) == normalise(patient.place_of_care),
    ))
    naming = sum(PICTURES[n["picture"]] == n.get("answer") for n in answers["naming"])
    commands = int(sorted(answers.get("command") or []) == sorted(COMMAND_TARGET))
    attention = int(tuple(answers.get("counting") or ()) == P.ICE_COUNT_BACK)
    return {"orientation": orientation, "naming": naming, "commands": commands,
            "writing": int(wrote), "attention": attention}
