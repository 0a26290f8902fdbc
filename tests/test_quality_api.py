"""Centre quality page API: figures against a hand-built data set, the what-if replay,
role and centre scoping, the CSV download.

The expected figures are worked out here from the seed itself (dates, tiers, durations),
never by calling the service's helpers.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from zoneinfo import ZoneInfo

import pytest
from clinical_helpers import intents, post_checkin
from conftest import START, login

from server.audit import trail as audit
from server.extensions import db
from server.models import (
    AuditEvent,
    Centre,
    CheckIn,
    Escalation,
    EscalationEvent,
    Finding,
    Patient,
)

BASE = "/api/v1/staff/quality"
BERLIN = ZoneInfo("Europe/Berlin")
FIRST, LAST = dt.date(2026, 3, 7), dt.date(2026, 3, 10)  # START is 08:00 in Berlin on 10 March
PERIOD_START = dt.datetime(2026, 3, 7, tzinfo=BERLIN).astimezone(dt.UTC)
H = dt.timedelta(hours=1)


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """Berlin wall time on March `day`, in UTC."""
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=BERLIN).astimezone(dt.UTC)


def _checkin(patient, observed_at, **values) -> CheckIn:
    row = CheckIn(patient_id=patient.id, recorded_by="patient", observed_at=observed_at,
                  received_at=observed_at, idempotency_key=uuid.uuid4().hex,
                  request_hash="x", symptoms=[], **values)
    db.session.add(row)
    return row


def _escalation(patient, severity, opened_at, rules, *, resolved_after=None, outcome=None,
                acks=(), lapses=(), undeliverable=False, state=None) -> Escalation:
    row = Escalation(patient_id=patient.id, severity=severity, opened_at=opened_at,
                     observed_at=opened_at, reasons=[], syndromes=[],
                     state=state or ("resolved" if resolved_after else "open"))
    if resolved_after:
        row.resolved_at = opened_at + resolved_after
        row.outcome = outcome
    if undeliverable:
        row.undeliverable_at = opened_at + dt.timedelta(minutes=5)
        row.undeliverable_reason = "no_subscription"
    db.session.add(row)
    db.session.flush()
    for rule in rules:
        db.session.add(Finding(escalation_id=row.id, patient_id=patient.id, rule_id=rule,
                               reason=rule.lower(), severity=severity, observed_at=opened_at))
    for after, staff in acks:
        db.session.add(EscalationEvent(escalation_id=row.id, at=opened_at + after,
                                       kind="acknowledged", severity=severity,
                                       staff_id=staff.id))
    for after in lapses:
        db.session.add(EscalationEvent(escalation_id=row.id, at=opened_at + after,
                                       kind="ack_lapsed", severity=severity))
    return row


@pytest.fixture
def seeded(app, centre, make_staff, make_patient):
    """Three patients of centre A in the period, one of centre B, five escalations."""
    nurse = make_staff(handle="nurse-t1", role="nurse", tier=1)
    senior = make_staff(handle="phys-t2", role="physician", tier=2)
    long_ago = START - dt.timedelta(days=5)
    a = make_patient(enrolled_at=long_ago)
    b = make_patient(enrolled_at=long_ago)
    d = make_patient(enrolled_at=START - dt.timedelta(days=1))
    other = Centre(name="Centre B", phone_24h="+1", emergency_number="911", timezone="UTC")
    db.session.add(other)
    db.session.flush()
    x = make_patient(centre_id=other.id, enrolled_at=long_ago)
    # A answers three slots (10 min late each), plus one entry between slots
    for day, hour in ((7, 8), (8, 14), (9, 20)):
        _checkin(a, _at(day, hour, 10), temperature_c=36.8)
    _checkin(a, _at(8, 11, 30), temperature_c=36.9, heart_rate=80)
    _checkin(b, _at(6, 12), ice_total=10)  # before the period: no part of it
    _checkin(x, _at(8, 8, 0), temperature_c=36.9)
    seed = {
        "e1": _escalation(a, "urgent", _at(7, 10), ["R-FEVER"], resolved_after=2 * H,
                          outcome="advice_at_home", acks=[(H / 2, nurse)]),
        "e2": _escalation(a, "emergency", _at(8, 12), ["R-HYPOTENSION", "R-FEVER"],
                          resolved_after=6 * H, outcome="came_to_hospital",
                          acks=[(H, senior), (3 * H, nurse)], lapses=[2 * H]),
        "e3": _escalation(b, "routine", _at(9, 9), ["R-MISSED"], undeliverable=True),
        "e4": _escalation(d, "urgent", _at(9, 20), ["R-LOW-SPO2"], acks=[(3 * H, nurse)],
                          state="acknowledged"),
        # outside: before the period, and another centre's
        "e0": _escalation(a, "urgent", _at(5, 10), ["R-FEVER"], resolved_after=H,
                          outcome="false_alarm", acks=[(H / 4, nurse)]),
        "ex": _escalation(x, "emergency", _at(8, 10), ["R-HYPOXIA"], undeliverable=True),
    }
    db.session.commit()
    seed.update(a=a, b=b, d=d, x=x, nurse=nurse, senior=senior)
    return seed


def _client(app, staff):
    client = app.test_client()
    client.environ_base["HTTP_X_CSRF_TOKEN"] = login(client, staff)
    return client


def _due(enrolled_at: dt.datetime) -> list[dt.datetime]:
    """Slots 08/14/20 h Berlin (days 0–14 of POLICY.md) in the period, after enrolment."""
    slots = []
    for day in range(7, 11):
        for hour in (8, 14, 20):
            slot = _at(day, hour)
            if PERIOD_START <= slot < START and slot >= enrolled_at:
                slots.append(slot)
    return slots


def test_figures_match_the_seed(staff_client, seeded):
    """Rates, times, tier-1 share, lapses, undeliverable, outcomes and adherence."""
    r = staff_client.get(f"{BASE}?from={FIRST}&to={LAST}")
    assert r.status_code == 200, r.json
    body = r.json
    day = dt.timedelta(days=1)
    days = 2 * ((START - PERIOD_START) / day) + (START - seeded["d"].enrolled_at) / day
    assert body["patients"] == 3
    assert body["patient_days"] == pytest.approx(days, abs=0.01)
    s = body["summary"]
    assert s["escalations"] == 4  # e1 e2 e3 e4; not e0 (before) nor ex (centre B)
    assert s["by_severity"] == {"emergency": 1, "urgent": 2, "routine": 1}
    assert s["per_100_patient_days"] == pytest.approx(400 / days, abs=0.01)
    assert s["per_100_patient_days_by_severity"]["urgent"] == pytest.approx(200 / days, abs=0.01)
    # first acknowledgements: e1 0.5 h, e2 1 h (the later one does not count), e4 3 h
    assert s["ack_hours_median"] == 1.0 and s["ack_hours_p90"] == 3.0
    # resolved: e1 2 h, e2 6 h -> median 4, nearest-rank p90 of two values is the larger
    assert s["resolve_hours_median"] == 4.0 and s["resolve_hours_p90"] == 6.0
    assert s["acknowledged"] == 3
    assert s["tier1_share"] == pytest.approx(2 / 3, abs=1e-4)  # e2 first taken by tier 2
    assert s["undeliverable"] == 1 and s["lapsed"] == 1
    assert body["outcomes"]["advice_at_home"] == 1
    assert body["outcomes"]["came_to_hospital"] == 1
    assert body["outcomes"]["false_alarm"] == 0  # e0 is outside the period
    rules = {row["rule_id"]: row for row in body["by_rule"]}
    assert set(rules) == {"R-FEVER", "R-HYPOTENSION", "R-MISSED", "R-LOW-SPO2"}
    assert rules["R-FEVER"]["escalations"] == 2
    assert rules["R-FEVER"]["ack_hours_median"] == 0.75
    assert rules["R-MISSED"]["undeliverable"] == 1
    due_a, due_d = _due(seeded["a"].enrolled_at), _due(seeded["d"].enrolled_at)
    adherence = {row["patient_id"]: row for row in body["adherence"]}
    assert set(adherence) == {seeded["a"].id, seeded["b"].id, seeded["d"].id}
    assert (adherence[seeded["a"].id]["due"], adherence[seeded["a"].id]["answered"]) == \
        (len(due_a), 3)
    assert adherence[seeded["a"].id]["adherence"] == pytest.approx(3 / len(due_a), abs=1e-4)
    assert adherence[seeded["b"].id]["answered"] == 0
    parts = ("checkins", "with_temperature", "with_vitals", "with_ice")
    assert [adherence[seeded["a"].id][k] for k in parts] == [4, 4, 1, 0]
    assert [adherence[seeded["b"].id][k] for k in parts] == [0, 0, 0, 0]
    assert adherence[seeded["d"].id]["due"] == len(due_d)
    total = 2 * len(due_a) + len(due_d)
    assert body["slots_due"] == total
    assert body["missed_rate"] == pytest.approx(1 - 3 / total, abs=1e-4)
    event = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "quality.read")).scalar_one()
    assert event.actor_id == staff_client.staff.id and event.detail["from"] == str(FIRST)
    # "who saw patient A" finds the page, which listed A's adherence
    seen = db.session.execute(db.select(AuditEvent.action).where(
        audit.concerns_patient(seeded["a"].id))).scalars().all()
    assert "quality.read" in seen


def test_csv_has_every_table(staff_client, seeded):
    """text/csv, long form (table,row,column,value), the same numbers as the JSON."""
    r = staff_client.get(f"{BASE}?from={FIRST}&to={LAST}&format=csv")
    assert r.status_code == 200
    assert r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True))))
    assert rows[0] == ["table", "row", "column", "value"]
    assert all(len(row) == 4 for row in rows)
    cells = {(t, k, c): v for t, k, c, v in rows[1:]}
    assert cells[("summary", "centre", "escalations")] == "4"
    assert cells[("summary", "centre", "by_severity.emergency")] == "1"
    assert cells[("by_rule", "R-FEVER", "escalations")] == "2"
    assert cells[("outcomes", "came_to_hospital", "escalations")] == "1"
    assert cells[("adherence", seeded["a"].code, "answered")] == "3"
    assert cells[("adherence", seeded["a"].code, "with_vitals")] == "1"
    assert {t for t, *_ in rows[1:]} == {"period", "summary", "by_rule", "outcomes",
                                         "adherence"}


@pytest.mark.parametrize("role, status", [("nurse", 403), ("physician", 200), ("admin", 200)])
def test_admins_and_physicians_only(app, make_staff, role, status):
    """Nurses work the queue; the quality page is for the centre's leads."""
    client = _client(app, make_staff(handle=f"{role}-q", role=role))
    assert client.get(BASE).status_code == status
    assert client.post(f"{BASE}/whatif", json={"overrides": {"fever_c": 37.8}}).status_code \
        == status
    assert app.test_client().get(BASE).status_code == 401


def test_another_centres_lead_sees_only_their_own(app, seeded, make_staff):
    """Centre B's admin counts centre B's escalation only."""
    client = _client(app, make_staff(handle="admin-b", role="admin",
                                     centre_id=seeded["x"].centre_id))
    body = client.get(f"{BASE}?from={FIRST}&to={LAST}").json
    assert body["summary"]["escalations"] == 1 and body["summary"]["by_severity"]["emergency"] == 1
    assert [row["patient_id"] for row in body["adherence"]] == [seeded["x"].id]


@pytest.mark.parametrize("query, field", [
    ("from=2026-03-10&to=2026-03-01", "to"),
    ("from=2024-01-01&to=2026-03-01", "to"),
    ("from=yesterday", "from"),
    ("from=2026-04-01&to=2026-04-02", "from"),
    ("format=xls", "format"),
])
def test_bad_period_is_422_naming_the_field(staff_client, query, field):
    r = staff_client.get(f"{BASE}?{query}")
    assert r.status_code == 422 and field in r.json["error"]["fields"], r.json


@pytest.mark.parametrize("overrides, field", [
    ({"fever_c": 36.0}, "overrides.fever_c"),
    ({"fever_c": "38"}, "overrides.fever_c"),
    ({"no_such_rule": 1}, "overrides.no_such_rule"),
    ({}, "overrides"),
])
def test_whatif_refuses_unsafe_overrides(staff_client, overrides, field):
    """The same validation as a centre's saved overrides (rules.validate_overrides)."""
    r = staff_client.post(f"{BASE}/whatif", json={"overrides": overrides})
    assert r.status_code == 422 and field in r.json["error"]["fields"], r.json


def _counts() -> dict[str, int]:
    return {t.name: db.session.execute(db.select(db.func.count()).select_from(t)).scalar()
            for t in db.metadata.sorted_tables}


@pytest.fixture
def replayable(client, clock, make_patient, enrol):
    """Check-ins through the real engine: 37.7, 37.8, 37.9, 38.3 °C and SpO2 94 %."""
    made = {}
    for name, body in (("t377", {"temperature": {"value": 37.7, "unit": "C"}}),
                       ("t378", {"temperature": {"value": 37.8, "unit": "C"}}),
                       ("t379", {"temperature": {"value": 37.9, "unit": "C"}}),
                       ("t383", {"temperature": {"value": 38.3, "unit": "C"}}),
                       ("sp94", {"vitals": {"spo2": 94}})):
        patient = make_patient()
        r = post_checkin(client, enrol(patient), body)
        assert r.status_code in (200, 201), r.json
        checkin = db.session.execute(db.select(CheckIn).where(
            CheckIn.patient_id == patient.id)).scalar_one()
        escalation = db.session.execute(db.select(Escalation.id).where(
            Escalation.patient_id == patient.id)).scalar()
        made[name] = (patient.id, checkin.id, escalation)
    clock.advance(minutes=5)
    assert [made[n][2] is not None for n in made] == [False, False, False, True, True]
    return made


def test_whatif_fever_378_opens_exactly_the_378_and_379_checkins(staff_client, replayable):
    """Fever from 37.8 °C: the 37.8 and 37.9 check-ins would fire, nothing else changes;
    nothing is written but the audit row and nothing is sent."""
    before, sent = _counts(), len(intents())
    r = staff_client.post(f"{BASE}/whatif", json={"from": str(LAST), "to": str(LAST),
                                                  "overrides": {"fever_c": 37.8}})
    assert r.status_code == 200, r.json
    body = r.json
    assert body["checkins_replayed"] == 5
    assert body["counts"] == {"opened": 2, "closed": 0, "changed": 0, "checkins_differing": 2}
    opened = {(o["patient_id"], tuple(o["checkin_ids"])) for o in body["opened"]}
    assert opened == {(replayable[n][0], (replayable[n][1],)) for n in ("t378", "t379")}
    assert all(o["rules"] == ["R-FEVER"] and o["proposed_severity"] == "urgent"
               for o in body["opened"])
    after = _counts()
    assert after.pop("audit_event") == before.pop("audit_event") + 1
    assert after == before and len(intents()) == sent


def test_whatif_spo2_93_closes_the_94_escalation(staff_client, replayable):
    """SpO2 urgent below 93 %: the SpO2 94 % escalation would never have opened."""
    r = staff_client.post(f"{BASE}/whatif", json={"from": str(LAST), "to": str(LAST),
                                                  "overrides": {"spo2_urgent_below": 93}})
    body = r.json
    assert body["counts"]["opened"] == 0 and body["counts"]["changed"] == 0
    assert [(c["escalation_id"], c["checkin_ids"]) for c in body["closed"]] == \
        [(replayable["sp94"][2], [replayable["sp94"][1]])]
    event = db.session.execute(db.select(AuditEvent).where(
        AuditEvent.action == "quality.whatif")).scalar_one()
    assert event.detail["overrides"] == {"spo2_urgent_below": 93}
    assert event.detail["patients"] == [replayable["sp94"][0]]


def test_whatif_is_centre_scoped(app, replayable, make_staff, seeded):
    """Centre B's lead replays centre B's check-ins only."""
    client = _client(app, make_staff(handle="admin-b2", role="admin",
                                     centre_id=seeded["x"].centre_id))
    body = client.post(f"{BASE}/whatif", json={"from": "2026-03-01", "to": str(LAST),
                                               "overrides": {"fever_c": 37.5}}).json
    ids = {j["checkin_id"] for j in body["checkins"]}
    mine = set(db.session.execute(db.select(CheckIn.id).join(Patient).where(
        Patient.centre_id == seeded["x"].centre_id)).scalars())
    assert body["checkins_replayed"] == len(mine) == 1 and ids <= mine


def test_whatif_ice_emergency_at_8_regrades_the_ice_8_escalation(staff_client, client, clock,
                                                                 make_patient, enrol):
    """ICE emergency at or below 8: the ICE 8/10 escalation (R-ICE-LOW, urgent) would have been
    R-ICE-SEVERE, emergency; the ICE 9/10 one stays urgent."""
    ids = {}
    for total, ice in ((8, {"orientation": 4, "naming": 2, "commands": 1, "writing": 0,
                            "attention": 1}),
                       (9, {"orientation": 4, "naming": 3, "commands": 1, "writing": 0,
                            "attention": 1})):
        patient = make_patient()
        r = post_checkin(client, enrol(patient), {"ice": ice})
        assert r.json["escalation"] is not None, r.json
        ids[total] = r.json["escalation"]["id"]
    clock.advance(minutes=5)
    body = staff_client.post(f"{BASE}/whatif", json={
        "from": str(LAST), "to": str(LAST), "overrides": {"ice_emergency_at_or_below": 8}}).json
    assert body["counts"]["changed"] == 1 and body["counts"]["opened"] == 0
    assert [(c["escalation_id"], c["current_severity"], c["proposed_severity"])
            for c in body["changed"]] == [(ids[8], "urgent", "emergency")]
    rules = {tuple(j["current"]): j["proposed"] for j in body["checkins"]}
    assert rules == {("R-ICE-LOW",): ["R-ICE-SEVERE"]}


def test_services_return_dates_and_the_schemas_write_iso(staff_client, seeded, clock):
    """The figures and the what-if hand their period to the schemas as dates (issue 13.5);
    the JSON, the CSV and the audit keep the ISO form."""
    from server.services import quality, whatif

    centre = staff_client.staff.centre
    per = quality.period(FIRST, LAST, centre.timezone, clock())
    figures = quality.figures(centre, per)
    result = whatif.replay(centre, per, {"fever_c": 37.8})
    assert (figures["from"], figures["to"]) == (result["from"], result["to"]) == (FIRST, LAST)
    assert not isinstance(figures["from"], dt.datetime)
    body = staff_client.get(f"{BASE}?from={FIRST}&to={LAST}").json
    assert (body["from"], body["to"]) == ("2026-03-07", "2026-03-10")
    r = staff_client.post(f"{BASE}/whatif", json={"from": str(FIRST), "to": str(LAST),
                                                   "overrides": {"fever_c": 37.8}})
    assert (r.json["from"], r.json["to"]) == ("2026-03-07", "2026-03-10")
    r = staff_client.get(f"{BASE}?from={FIRST}&to={LAST}&format=csv")
    assert 'filename="cartwatch-quality-2026-03-07-2026-03-10.csv"' in \
        r.headers["Content-Disposition"]
    cells = {(t, k, c): v for t, k, c, v in csv.reader(io.StringIO(r.get_data(as_text=True)))}
    assert (cells[("period", "centre", "from")], cells[("period", "centre", "to")]) == \
        ("2026-03-07", "2026-03-10")
    details = db.session.execute(db.select(AuditEvent.detail).where(
        AuditEvent.action.in_(("quality.read", "quality.whatif")))).scalars().all()
    assert {(d["from"], d["to"]) for d in details} == {("2026-03-07", "2026-03-10")}
