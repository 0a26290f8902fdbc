"""Rotas in action: one handoff notice, coverage warnings 2 h ahead and now, the ladder."""
from __future__ import annotations

import datetime as dt

import pytest
from clinical_helpers import intents, post_checkin
from test_rota_oncall import _add_rota, _z

from server.clinical import jobs
from server.extensions import db
from server.models import RotaOverride
from server.services import rota_notices

FEVER = {"temperature": {"value": 38.4, "unit": "C"}}


@pytest.fixture
def team(app, centre, make_staff):
    a, b = make_staff(handle="nurse-a"), make_staff(handle="nurse-b")
    doc = make_staff(handle="dr-d", role="physician", tier=2)
    admin = make_staff(handle="admin-a", role="admin", tier=3)
    admin.on_duty = False
    db.session.commit()
    return a, b, doc, admin


def test_the_incoming_person_gets_one_handoff_notice_listing_open_escalations(
        team, centre, clock, client, make_patient, enrol):
    a, b, _doc, _admin = team
    rota = _add_rota(centre, [a, b])
    patient = make_patient()
    clock.set(_z("2026-03-10T18:30+01:00"))
    assert post_checkin(client, enrol(patient), FEVER).status_code == 201
    clock.set(_z("2026-03-10T18:59+01:00"))
    assert rota_notices.run(clock.current) == {}
    clock.set(_z("2026-03-10T19:00:03+01:00"))
    assert rota_notices.run(clock.current) == {"handoff": 1}
    assert rota_notices.run(clock.current) == {}  # a second pass (or worker) writes nothing
    clock.advance(minutes=20)
    assert rota_notices.run(clock.current) == {}
    [notice] = intents(purpose="handoff")
    assert (notice.recipient_kind, notice.recipient_id) == ("staff", b.id)
    assert notice.dedupe_key == f"handoff:{rota.id}:{_z('2026-03-10T19:00+01:00').isoformat()}" \
                                f":staff{b.id}"
    [escalation_id] = [e.escalation_id for e in intents(purpose="escalation")][:1]
    assert notice.payload["escalation_ids"] == [escalation_id]
    assert notice.payload["open_escalations"] == 1 and notice.patient_id is None
    # Ids are opaque numbers that may contain "38"; everything else must carry no reading.
    text = str({k: v for k, v in notice.payload.items() if k != "escalation_ids"})
    assert patient.display_name not in text and patient.code not in text and "38" not in text


def test_a_handoff_missed_by_more_than_an_hour_is_not_told_late(team, centre, clock):
    a, b, _doc, _admin = team
    _add_rota(centre, [a, b])
    clock.set(_z("2026-03-10T20:01+01:00"))
    assert rota_notices.run(clock.current) == {}


def test_admins_are_warned_two_hours_before_a_gap_once(team, centre, clock):
    a, b, _doc, admin = team
    rota = _add_rota(centre, [a, b])
    db.session.add(RotaOverride(rota_id=rota.id, kind="absence", staff_id=None,
                                starts_at=_z("2026-03-11T19:00+01:00"),
                                ends_at=_z("2026-03-12T07:00+01:00")))
    db.session.commit()
    clock.set(_z("2026-03-11T16:59+01:00"))
    assert rota_notices.run(clock.current) == {}
    assert rota_notices.next_at(clock.current, clock.current + dt.timedelta(days=1)) \
        == _z("2026-03-11T17:00+01:00")
    clock.set(_z("2026-03-11T17:00+01:00"))
    assert rota_notices.run(clock.current) == {"coverage": 1}
    clock.set(_z("2026-03-11T20:00+01:00"))  # inside the gap: the same gap, no second warning
    assert rota_notices.run(clock.current) == {}
    [warning] = intents(purpose="coverage")
    assert warning.recipient_id == admin.id and warning.payload["tier"] == 1
    assert "19:00" in warning.payload["notification"]["body"]


def test_admins_are_warned_at_once_when_a_tier_has_nobody_now(team, centre, clock):
    a, b, _doc, admin = team
    _add_rota(centre, [a, b])
    clock.set(_z("2026-03-10T08:00+01:00"))
    assert rota_notices.run(clock.current) == {}
    a.on_duty = False  # the rostered nurse is sent home: nobody of tier 1 is on duty
    db.session.commit()
    clock.advance(seconds=5)
    assert rota_notices.run(clock.current) == {"coverage": 1}
    assert intents(purpose="coverage")[0].dedupe_key.startswith(
        f"coverage:{_rota_id()}:{_z('2026-03-10T07:00+01:00').isoformat()}")


def _rota_id():
    from server.models import Rota
    return db.session.execute(db.select(Rota.id)).scalar_one()


def test_the_ladder_pages_the_incoming_person_after_a_handoff(
        team, centre, clock, client, make_patient, enrol):
    a, b, doc, _admin = team
    _add_rota(centre, [a, b])
    patient = make_patient()
    clock.set(_z("2026-03-10T18:50+01:00"))
    assert post_checkin(client, enrol(patient), FEVER).status_code == 201
    first = [(i.recipient_id, i.purpose) for i in intents(recipient_kind="staff")]
    assert first == [(a.id, "escalation")]
    clock.set(_z("2026-03-10T19:05:01+01:00"))  # the 15-min ladder step, after the handoff
    jobs.run_due_work(clock.current)
    rota_notices.run(clock.current)
    later = [(i.recipient_id, i.purpose) for i in intents(recipient_kind="staff")][1:]
    assert (b.id, "renotify") in later and (doc.id, "renotify") in later
    assert (a.id, "renotify") not in later  # the outgoing nurse is no longer paged
    assert (b.id, "handoff") in later


def test_the_person_back_after_an_absence_gets_the_handoff_notice(team, centre, clock):
    a, b, _doc, _admin = team
    rota = _add_rota(centre, [a, b])
    db.session.add(RotaOverride(rota_id=rota.id, kind="absence", staff_id=None,
                                starts_at=_z("2026-03-10T19:00+01:00"),
                                ends_at=_z("2026-03-11T07:00+01:00")))
    db.session.commit()
    clock.set(_z("2026-03-10T19:00+01:00"))
    assert rota_notices.run(clock.current).get("handoff") is None  # nobody comes in
    assert rota_notices.next_at(clock.current, clock.current + dt.timedelta(days=1)) \
        == _z("2026-03-11T07:00+01:00")
    clock.set(_z("2026-03-11T07:00+01:00"))
    assert rota_notices.run(clock.current) == {"handoff": 1}
    assert intents(purpose="handoff")[0].recipient_id == a.id
