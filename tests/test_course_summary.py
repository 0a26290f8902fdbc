"""Course summary PDF: rendered for a seeded course and read back with pypdf.

The facts are checked against the seed (tests/course_seed.py), worked out by hand there:
code, name, product, infusion day, window, adherence 6 of 8, each escalation with its
reasons, times, acknowledger and outcome; the chart and handwriting pages exist and draw.
"""
from __future__ import annotations

import datetime as dt
import io

import pypdf
import pytest
from conftest import signed_in
from course_seed import CODE, NAME, at, seed_course

from server import policy as P
from server.extensions import db
from server.models import AuditEvent

URL = "/api/v1/staff/patients/{}/summary.pdf"


@pytest.fixture
def course(app, make_staff, make_patient):
    return seed_course(make_staff, make_patient)


def _pdf(client, patient_id):
    r = client.get(URL.format(patient_id))
    assert r.status_code == 200, r.data[:200]
    assert r.mimetype == "application/pdf"
    assert r.headers["Cache-Control"] == "no-store"
    reader = pypdf.PdfReader(io.BytesIO(r.data))
    return reader, [page.extract_text() for page in reader.pages]


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_summary_states_the_course_facts(app, course):
    _reader, pages = _pdf(signed_in(app, course["nurse"]), course["patient"].id)
    first = _flat(pages[0])
    assert CODE in first and NAME in first and "cilta-cel" in first
    assert "Infusion 2026-03-07" in first
    assert "days 0-30 (2026-03-07 to 2026-04-06)" in first
    assert "Interim: monitoring continues" in first
    assert "6 of 8 due check-ins answered (75.0 %)" in first


def test_summary_lists_each_escalation_with_times_reasons_acknowledger_outcome(app, course):
    _reader, pages = _pdf(signed_in(app, course["nurse"]), course["patient"].id)
    text = _flat(" ".join(pages))
    fever, ice = course["fever"].id, course["ice"].id
    assert f"Escalation {fever} - urgent - CRS" in text
    assert "Reasons: fever (temperature >= 38.0 °C (100.4 °F))" in text
    assert "Opened: 2026-03-08 14:00" in text
    assert "Acknowledged: 2026-03-08 14:12 by Nurse-T1 (nurse-t1)" in text
    assert "Resolved: 2026-03-08 18:00 by Doctor-R (doctor-r)" in text
    assert "Outcome: came to hospital" in text
    assert "Note: Seen in the day unit; CRS grade 1." in text
    assert "Registry: ASTCT grade CRS 1; Treatments: tocilizumab 2026-03-08" in text
    assert f"Escalation {ice} - urgent - ICANS" in text
    assert "Acknowledged: 2026-03-09 08:30 by Nurse-T1 (nurse-t1)" in text
    assert "Resolved: not yet" in text


def test_chart_pages_draw_temperature_with_the_policy_fever_line_ice_and_handwriting(
        app, course):
    reader, pages = _pdf(signed_in(app, course["nurse"]), course["patient"].id)
    assert len(pages) >= 3
    charts = next(i for i, t in enumerate(pages) if "Temperature" in t)
    assert f"fever threshold {P.THRESHOLDS['fever_c']:.1f} °C" in pages[charts]
    assert "ICE score" in pages[charts] and "baseline 10" in pages[charts]
    writing = next(i for i, t in enumerate(pages) if "Handwriting" in t)
    text = _flat(pages[writing])
    assert "Baseline 2026-03-07 14:05" in text
    assert "First 2026-03-07 20:00" in text and "Latest 2026-03-09 20:30" in text
    for index in (charts, writing):  # vector drawing: line-to operators in the page content
        content = reader.pages[index].get_contents().get_data().decode("latin-1")
        assert content.count(" l\n") + content.count(" l ") > 20


def test_centre_fever_override_moves_the_line(app, course):
    centre = course["patient"].centre
    centre.threshold_overrides = {"fever_c": 37.8}
    db.session.commit()
    _reader, pages = _pdf(signed_in(app, course["nurse"]), course["patient"].id)
    assert "fever threshold 37.8 °C" in " ".join(pages)


def test_summary_is_final_once_monitoring_has_ended(app, course):
    patient = course["patient"]
    client = signed_in(app, course["nurse"])
    patient.monitoring_ended_at = at(10, 7, 30)
    db.session.commit()
    _reader, pages = _pdf(client, patient.id)
    assert "Final: monitoring has ended" in _flat(pages[0])
    assert "Monitoring ended 2026-03-10 07:30" in _flat(pages[0])


def test_summary_read_is_audited(app, course):
    _pdf(signed_in(app, course["nurse"]), course["patient"].id)
    rows = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "summary.read")).scalars().all()
    assert [(r.patient_id, r.actor_id) for r in rows] == [
        (course["patient"].id, course["nurse"].id)]


def test_other_centre_staff_get_404_and_the_refusal_is_audited(app, course, other_centre,
                                                               make_staff):
    outsider = make_staff(handle="outsider", role="admin", centre_id=other_centre.id)
    r = signed_in(app, outsider).get(URL.format(course["patient"].id))
    assert r.status_code == 404 and r.json["error"]["status"] == 404
    assert CODE.encode() not in r.data
    refused = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "patient.refused")).scalars().all()
    assert [e.actor_id for e in refused] == [outsider.id]


def test_a_course_without_data_still_renders(app, make_staff, make_patient):
    nurse = make_staff(handle="nurse-x")
    patient = make_patient()
    _reader, pages = _pdf(signed_in(app, nurse), patient.id)
    text = _flat(" ".join(pages))
    assert "No escalation during the course." in text
    assert "no sample" in text and "no readings" in text


def test_day_scale_counts_from_local_midnight_of_the_infusion_day():
    from server.reports.summary_pdf import _day_of

    infused = dt.datetime(2026, 3, 7, 9, 0, tzinfo=dt.UTC)  # 10:00 Berlin
    assert _day_of(at(8, 12), infused, "Europe/Berlin") == pytest.approx(1.5)



def test_timeline_says_whether_the_summary_is_final(app, course):
    client = signed_in(app, course["nurse"])
    url = f"/api/v1/staff/patients/{course['patient'].id}/timeline"
    assert client.get(url).json["patient"]["summary_final"] is False
    course["patient"].monitoring_ended_at = at(10, 7, 30)
    db.session.commit()
    assert client.get(url).json["patient"]["summary_final"] is True


def test_the_window_passing_makes_the_summary_final(app, course, clock):
    from server.services.course_summary import is_final, window_end

    patient = course["patient"]
    end = window_end(patient)  # midnight after day 30 (6 April), Berlin
    assert end == dt.datetime(2026, 4, 7, tzinfo=dt.UTC) - dt.timedelta(hours=2)
    assert not is_final(patient, end - dt.timedelta(seconds=1))
    assert is_final(patient, end)


def test_handwriting_samples_share_one_scale(monkeypatch):
    """The same writing on a wider screen or a 2x screen is drawn the same size, and smaller
    writing smaller (fitting each sample to its box would enlarge the narrower canvas's)."""
    from course_seed import strokes

    from server.reports import summary_pdf
    from server.services.course_summary import Sample

    def on_retina(data):
        return {"canvas": {"width": 600, "height": 200}, "dpr": 2,
                "strokes": [[[2 * x, 2 * y, t, p] for x, y, t, p in s] for s in data["strokes"]]}

    def on_wide(data):
        return {**data, "canvas": {"width": 900, "height": 100}}

    drawn = []
    pdf = summary_pdf.SummaryPdf("P-X")
    pdf.add_page()
    monkeypatch.setattr(pdf, "polyline", lambda coords, style=None: drawn.append(coords))
    when = at(8, 9)
    facts = {"patient": type("P", (), {"timezone": "Europe/Berlin"})(), "samples": {
        "baseline": Sample(1, when, strokes(40)), "first": Sample(2, when, on_retina(strokes(40))),
        "latest": Sample(3, when, on_wide(strokes(20)))}}
    summary_pdf._handwriting(pdf, facts)
    heights = [max(y for _x, y in c) - min(y for _x, y in c) for c in drawn if len(c) > 2]
    baseline, retina, latest = heights
    assert retina == pytest.approx(baseline)
    assert latest == pytest.approx(baseline / 2)
