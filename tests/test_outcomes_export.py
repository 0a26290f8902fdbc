"""Registry export (admin, own centre, per period of infusion dates), CSV and JSON.

Expected values are worked out by hand from tests/course_seed.py and the extra patients here.
"""
from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from conftest import signed_in
from course_seed import CODE, at, seed_course

from server.extensions import db
from server.models import AuditEvent, Escalation, EscalationEvent, EscalationOutcome, Finding
from server.services.outcomes_export import COLUMNS

BASE = "/api/v1/staff/admin/outcomes"
PERIOD = {"from": "2026-03-01", "to": "2026-03-10"}


def _graded(patient, opened_at, crs, treatments, ack_minutes=None, staff=None):
    row = Escalation(patient_id=patient.id, severity="emergency", opened_at=opened_at,
                     observed_at=opened_at, reasons=["hypotension"], syndromes=["CRS"],
                     state="resolved", resolved_at=opened_at + dt.timedelta(hours=2),
                     outcome="admitted")
    db.session.add(row)
    db.session.flush()
    db.session.add(Finding(escalation_id=row.id, patient_id=patient.id, rule_id="R-HYPOTENSION",
                           reason="hypotension", severity="emergency", syndrome="CRS",
                           observed_at=opened_at))
    if ack_minutes is not None:
        db.session.add(EscalationEvent(escalation_id=row.id, kind="acknowledged",
                                       at=opened_at + dt.timedelta(minutes=ack_minutes),
                                       severity="emergency", staff_id=staff.id))
    db.session.add(EscalationOutcome(escalation_id=row.id, patient_id=patient.id, crs_grade=crs,
                                     treatments=treatments, recorded_at=opened_at,
                                     updated_at=opened_at))


@pytest.fixture
def world(app, make_staff, make_patient, other_centre):
    course = seed_course(make_staff, make_patient)
    admin = make_staff(handle="admin-a", role="admin")
    second = make_patient(code="P-SECOND", product="axi-cel", infused_at=at(4, 9),
                          enrolled_at=at(4, 10), window_days=28,
                          monitoring_ended_at=at(9, 12))
    _graded(second, at(5, 23, 30), 1, [{"code": "steroids", "date": "2026-03-07"}], 5,
            course["nurse"])
    _graded(second, at(6, 8), 3, [{"code": "steroids", "date": "2026-03-06"},
                                   {"code": "icu", "date": "2026-03-06"}])
    make_patient(code="P-QUIET", infused_at=at(9, 9), enrolled_at=at(9, 10))
    make_patient(code="P-EARLIER", infused_at=at(2, 9) - dt.timedelta(days=10))  # 20 Feb
    make_patient(code="P-ELSEWHERE", centre_id=other_centre.id, infused_at=at(7, 9))
    db.session.commit()
    return {**course, "admin": admin, "second": second}


def test_json_rows_per_patient_infused_in_the_period(app, world):
    r = signed_in(app, world["admin"]).get(f"{BASE}.json", query_string=PERIOD)
    assert r.status_code == 200, r.json
    assert r.headers["Cache-Control"] == "no-store"
    body = r.json
    assert body["from"] == "2026-03-01" and body["to"] == "2026-03-10"
    assert body["columns"] == list(COLUMNS)
    rows = {row["patient_code"]: row for row in body["patients"]}
    assert sorted(rows) == [CODE, "P-QUIET", "P-SECOND"]
    assert rows[CODE] == {
        "patient_code": CODE, "product": "cilta-cel", "infusion_date": "2026-03-07",
        "window_days": 30, "monitoring_ended_on": None, "escalations": 2,
        "max_severity": "urgent", "crs_first_alert_day": 1, "icans_first_alert_day": 2,
        "crs_max_grade": 1, "icans_max_grade": None,
        "tocilizumab_first_date": "2026-03-08", "steroids_first_date": None,
        "admission_first_date": None, "icu_first_date": None,
        "treatments": [{"code": "tocilizumab", "date": "2026-03-08"}],
        "first_ack_minutes": 12, "median_ack_minutes": 21.0}
    second = rows["P-SECOND"]
    # first alert 5 March 23:30 Berlin = day 1 after infusion on 4 March (patient's zone)
    assert second["crs_first_alert_day"] == 1 and second["icans_first_alert_day"] is None
    assert second["max_severity"] == "emergency" and second["crs_max_grade"] == 3
    assert second["steroids_first_date"] == "2026-03-06"
    assert second["icu_first_date"] == "2026-03-06"
    assert second["treatments"] == [{"code": "icu", "date": "2026-03-06"},
                                    {"code": "steroids", "date": "2026-03-06"},
                                    {"code": "steroids", "date": "2026-03-07"}]
    assert second["first_ack_minutes"] == 5 and second["median_ack_minutes"] == 5.0
    assert second["monitoring_ended_on"] == "2026-03-09"
    quiet = rows["P-QUIET"]
    assert quiet["escalations"] == 0 and quiet["max_severity"] is None
    assert quiet["first_ack_minutes"] is None and quiet["treatments"] == []


def test_csv_has_the_documented_columns_and_the_same_values(app, world):
    r = signed_in(app, world["admin"]).get(f"{BASE}.csv", query_string=PERIOD)
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert r.headers["Cache-Control"] == "no-store"
    assert "cartwatch-outcomes-2026-03-01-2026-03-10.csv" in r.headers["Content-Disposition"]
    table = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert tuple(table[0].keys()) == COLUMNS
    row = next(x for x in table if x["patient_code"] == CODE)
    assert row["crs_first_alert_day"] == "1" and row["icans_first_alert_day"] == "2"
    assert row["crs_max_grade"] == "1" and row["icans_max_grade"] == ""
    assert row["treatments"] == "tocilizumab 2026-03-08"
    assert row["first_ack_minutes"] == "12" and row["median_ack_minutes"] == "21.0"
    second = next(x for x in table if x["patient_code"] == "P-SECOND")
    assert second["treatments"] == "icu 2026-03-06;steroids 2026-03-06;steroids 2026-03-07"


def test_readme_documents_every_column():
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    section = readme[readme.index("### Outcomes export"):]
    for column in COLUMNS:
        assert f"`{column}`" in section, column


def test_export_is_audited_with_the_patients_returned(app, world):
    signed_in(app, world["admin"]).get(f"{BASE}.csv", query_string=PERIOD)
    [event] = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "outcomes.export")).scalars().all()
    assert event.actor_id == world["admin"].id and event.detail["count"] == 3
    assert world["patient"].id in event.detail["patients"]
    assert world["second"].id in event.detail["patients"]


@pytest.mark.parametrize("role", ["nurse", "physician"])
def test_only_admins_export(app, world, make_staff, role):
    client = signed_in(app, make_staff(handle=f"x-{role}", role=role))
    for ext in ("csv", "json"):
        r = client.get(f"{BASE}.{ext}", query_string=PERIOD)
        assert r.status_code == 403 and r.json["error"]["status"] == 403


def test_another_centres_admin_sees_only_their_own(app, world, make_staff, other_centre):
    outsider = signed_in(app, make_staff(handle="admin-b", role="admin",
                                         centre_id=other_centre.id))
    r = outsider.get(f"{BASE}.json", query_string=PERIOD)
    assert [row["patient_code"] for row in r.json["patients"]] == ["P-ELSEWHERE"]
    csv_body = outsider.get(f"{BASE}.csv", query_string=PERIOD).get_data(as_text=True)
    assert CODE not in csv_body and "P-SECOND" not in csv_body


@pytest.mark.parametrize(("query", "field"), [
    ({"from": "2026-03-10", "to": "2026-03-01"}, "to"),
    ({"from": "2025-01-01", "to": "2026-03-01"}, "to"),
    ({"from": "2026-04-01"}, "from"),
    ({"from": "yesterday"}, "from"),
    ({"centre_id": "2"}, "centre_id"),
])
def test_bad_periods_are_refused_naming_the_field(app, world, query, field):
    r = signed_in(app, world["admin"]).get(f"{BASE}.json", query_string=query)
    assert r.status_code == 422 and field in r.json["error"]["fields"]
