"""Rota admin API: rotas and overrides (admins, own centre, audited), on-call view, banner."""
from __future__ import annotations

import datetime as dt

import pytest
from conftest import signed_in

from server.extensions import db
from server.models import AuditEvent, RotaOverride

BASE = "/api/v1/staff/admin/rotas"


def _actions() -> list[str]:
    return list(db.session.execute(
        db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


@pytest.fixture
def nurses(make_staff):
    return make_staff(handle="nurse-a"), make_staff(handle="nurse-b"), \
        make_staff(handle="nurse-c")


def _create(client, people, **extra):
    body = {"tier": 1, "pattern": "daily", "handoffs": ["07:00", "19:00"],
            "starts_on": "2026-03-01", "people": [p.id for p in people], **extra}
    return client.post(BASE, json=body)


def test_admin_creates_lists_updates_and_deletes_a_rota(staff_client, nurses):
    a, b, c = nurses
    r = _create(staff_client, [a, b])
    assert r.status_code == 201, r.json
    rota_id = r.json["id"]
    assert r.json["handoffs"] == ["07:00", "19:00"] and r.json["people"] == [a.id, b.id]
    assert staff_client.get(BASE).json[0]["id"] == rota_id
    r = staff_client.patch(f"{BASE}/{rota_id}", json={"people": [a.id, b.id, c.id]})
    assert r.status_code == 200 and r.json["people"] == [a.id, b.id, c.id]
    assert _create(staff_client, [a]).status_code == 409  # one rota per tier
    assert staff_client.delete(f"{BASE}/{rota_id}").status_code == 204
    assert staff_client.get(BASE).json == []
    assert {"rota.create", "rota.list", "rota.update", "rota.delete"} <= set(_actions())


@pytest.mark.parametrize("extra, field", [
    ({"pattern": "weekly"}, "weekday"),
    ({"pattern": "weekly", "weekday": 0}, "handoffs"),  # two times: weekly has one
    ({"weekday": 2}, "weekday"),
    ({"handoffs": ["7:00"]}, "handoffs.0"),
    ({"handoffs": ["07:00", "07:00"]}, "handoffs"),
    ({"tier": 2}, "people.0"),  # nurse-a is tier 1
    ({"starts_on": "yesterday"}, "starts_on"),
    ({"surprise": 1}, "surprise"),
])
def test_bad_rotas_are_refused_naming_the_field(staff_client, nurses, extra, field):
    r = _create(staff_client, nurses[:2], **extra)
    assert r.status_code == 422, r.json
    assert field in r.json["error"]["fields"]
    assert staff_client.get(BASE).json == []


def test_another_centres_staff_cannot_be_rostered(staff_client, nurses, make_staff,
                                                  other_centre):
    outsider = make_staff(handle="elsewhere", centre_id=other_centre.id)
    r = _create(staff_client, [nurses[0], outsider])
    assert r.status_code == 422 and "people.1" in r.json["error"]["fields"]


def test_nurses_and_other_centres_admins_are_refused(app, staff_client, nurses, make_staff,
                                                     other_centre):
    rota_id = _create(staff_client, nurses[:2]).json["id"]
    nurse = signed_in(app, nurses[0])
    assert nurse.get(BASE).status_code == 403
    assert nurse.get("/api/v1/staff/admin/oncall").status_code == 403
    foreign = signed_in(app, make_staff(handle="admin-b", role="admin",
                                        centre_id=other_centre.id))
    assert foreign.get(BASE).json == []
    assert foreign.patch(f"{BASE}/{rota_id}", json={"people": []}).status_code in (404, 422)
    assert foreign.delete(f"{BASE}/{rota_id}").status_code == 404
    assert foreign.post(f"{BASE}/{rota_id}/overrides",
                        json={"kind": "absence", "starts_at": "2026-03-10T10:00:00Z",
                              "ends_at": "2026-03-10T11:00:00Z"}).status_code == 404
    assert "rota.refused" in _actions()


def test_overrides_swap_a_shift_cover_and_absence_and_are_audited(staff_client, nurses, clock):
    a, b, c = nurses
    rota_id = _create(staff_client, [a, b]).json["id"]
    url = f"{BASE}/{rota_id}/overrides"
    # a swap names any instant of the shift and takes exactly that shift
    r = staff_client.post(url, json={"kind": "swap", "staff_id": c.id,
                                     "starts_at": "2026-03-10T20:30:00+01:00"})
    assert r.status_code == 201, r.json
    assert r.json["starts_at"].startswith("2026-03-10T18:00:00")
    assert r.json["ends_at"].startswith("2026-03-11T06:00:00")
    r = staff_client.post(url, json={"kind": "cover", "staff_id": c.id,
                                     "starts_at": "2026-03-10T09:00:00Z"})
    assert r.status_code == 422 and "ends_at" in r.json["error"]["fields"]
    r = staff_client.post(url, json={"kind": "absence", "staff_id": a.id,
                                     "starts_at": "2026-03-10T09:00:00Z",
                                     "ends_at": "2026-03-10T10:00:00Z"})
    assert r.status_code == 422 and "staff_id" in r.json["error"]["fields"]
    r = staff_client.post(url, json={"kind": "cover", "staff_id": c.id,
                                     "starts_at": "2026-03-10T10:00:00Z",
                                     "ends_at": "2026-03-10T09:00:00Z"})
    assert r.status_code == 422 and "ends_at" in r.json["error"]["fields"]
    r = staff_client.post(url, json={"kind": "absence", "starts_at": "2026-03-11T09:00:00Z",
                                     "ends_at": "2026-03-11T10:00:00Z"})
    assert r.status_code == 201
    assert len(staff_client.get(url).json) == 2
    assert staff_client.delete(f"{url}/{r.json['id']}").status_code == 204
    assert staff_client.delete(f"{url}/{r.json['id']}").status_code == 404
    assert db.session.execute(db.select(RotaOverride.kind)).scalars().all() == ["swap"]
    actions = _actions()
    assert actions.count("rota.override.create") == 2 and "rota.override.delete" in actions


def test_oncall_shows_now_and_the_next_48_hours(staff_client, nurses, clock):
    a, b, c = nurses
    rota_id = _create(staff_client, [a, b]).json["id"]
    staff_client.post(f"{BASE}/{rota_id}/overrides", json={
        "kind": "absence", "starts_at": "2026-03-11T19:00:00+01:00",
        "ends_at": "2026-03-12T07:00:00+01:00"})
    r = staff_client.get("/api/v1/staff/admin/oncall?at=2026-03-10T08:00:00%2B01:00")
    assert r.status_code == 200, r.json
    assert [p["handle"] for p in r.json["now"][0]] == ["nurse-a"]
    [rota] = r.json["rotas"]
    people = [s["person"] and s["person"]["handle"] for s in rota["segments"]]
    assert people == ["nurse-a", "nurse-b", "nurse-a", None, "nurse-a"]
    assert rota["gaps"] == [{"starts_at": "2026-03-11T18:00:00+00:00",
                             "ends_at": "2026-03-12T06:00:00+00:00"}]
    assert "oncall.read" in _actions()
    bad = staff_client.get("/api/v1/staff/admin/oncall?at=soon")
    assert bad.status_code == 422 and "at" in bad.json["error"]["fields"]


def test_the_queue_banner_shows_a_gap_within_two_hours_to_every_member(
        app, staff_client, nurses, clock):
    a, b, _c = nurses
    rota_id = _create(staff_client, [a, b]).json["id"]
    staff_client.post(f"{BASE}/{rota_id}/overrides", json={
        "kind": "absence", "starts_at": "2026-03-10T19:00:00+01:00",
        "ends_at": "2026-03-11T07:00:00+01:00"})

    def banner(local):
        clock.set(dt.datetime.fromisoformat(local))
        return signed_in(app, a).get("/api/v1/staff/coverage").json["gaps"]

    assert banner("2026-03-10T16:59:00+01:00") == []
    [gap] = banner("2026-03-10T17:00:00+01:00")
    assert gap["tier"] == 1 and gap["now"] is False
    [gap] = banner("2026-03-10T19:30:00+01:00")
    assert gap["now"] is True


def test_rota_services_return_datetimes_and_the_schemas_write_iso(staff_client, nurses, clock):
    """oncall_view and coverage hand the schemas datetimes (issue 13.5); the wire keeps
    isoformat()'s shape."""
    from server.services import rotas

    a, b, _c = nurses
    rota_id = _create(staff_client, [a, b]).json["id"]
    staff_client.post(f"{BASE}/{rota_id}/overrides", json={
        "kind": "absence", "starts_at": "2026-03-10T09:00:00+01:00",
        "ends_at": "2026-03-10T10:00:00+01:00"})
    at = clock()  # 2026-03-10 07:00 UTC: the absence starts within the banner's lead
    view = rotas.oncall_view(staff_client.staff, at)
    [rota] = view["rotas"]
    [gap] = rota["gaps"]
    for value in (view["at"], view["until"], rota["segments"][0]["starts_at"],
                  rota["segments"][0]["ends_at"], gap["starts_at"], gap["ends_at"]):
        assert isinstance(value, dt.datetime)
    wire = staff_client.get("/api/v1/staff/admin/oncall").json
    assert wire["at"] == view["at"].isoformat() == "2026-03-10T07:00:00+00:00"
    assert wire["rotas"][0]["gaps"] == [{"starts_at": gap["starts_at"].isoformat(),
                                         "ends_at": gap["ends_at"].isoformat()}]
    assert wire["rotas"][0]["segments"][0]["ends_at"] == \
        rota["segments"][0]["ends_at"].isoformat()
    [banner] = rotas.coverage(staff_client.staff, at)["gaps"]
    assert isinstance(banner["starts_at"], dt.datetime)
    [shown] = staff_client.get("/api/v1/staff/coverage").json["gaps"]
    assert (shown["starts_at"], shown["ends_at"]) == (banner["starts_at"].isoformat(),
                                                      banner["ends_at"].isoformat())
