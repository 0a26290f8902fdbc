"""A centre may set its own handwriting sentence; phones get it (null: the app's, per language)."""
from __future__ import annotations

CENTRE = "/api/v1/staff/admin/centre"
ME = "/api/v1/device/me"


def test_the_centres_sentence_reaches_the_phone_and_can_be_cleared(client, staff_client,
                                                                 make_patient, enrol):
    phone = enrol(make_patient())
    assert client.get(ME, headers=phone).json["handwriting_sentence"] is None

    r = staff_client.patch(CENTRE, json={"handwriting_sentence": "  Der Himmel ist\nblau. "})
    assert r.status_code == 200 and r.json["handwriting_sentence"] == "Der Himmel ist blau."
    assert client.get(ME, headers=phone).json["handwriting_sentence"] == "Der Himmel ist blau."

    assert staff_client.patch(CENTRE, json={"handwriting_sentence": None}).status_code == 200
    assert client.get(ME, headers=phone).json["handwriting_sentence"] is None
    staff_client.patch(CENTRE, json={"handwriting_sentence": "   "})  # blank: the app's again
    assert client.get(ME, headers=phone).json["handwriting_sentence"] is None


def test_a_bad_sentence_is_refused_naming_the_field_and_keeps_the_old(client, staff_client,
                                                                    make_patient, enrol):
    phone = enrol(make_patient())
    staff_client.patch(CENTRE, json={"handwriting_sentence": "The sky is blue."})
    for bad in ("x" * 201, 42, ["a"]):
        r = staff_client.patch(CENTRE, json={"handwriting_sentence": bad})
        assert r.status_code == 422, bad
        assert "handwriting_sentence" in r.json["error"]["fields"]
    assert client.get(ME, headers=phone).json["handwriting_sentence"] == "The sky is blue."
