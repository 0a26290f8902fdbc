"""The replay's world: a fresh app, the centre and staff, then the patient enrolled via the API."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pyotp

from .. import policy as P
from ..clock import ManualClock
from .schema import Scenario, ScenarioError

PASSWORD = "scenario replay password 2026"


@dataclass
class Replay:
    """The state of one replay: app, clock, clients and the lines produced."""

    scenario: Scenario
    app: object
    clock: ManualClock
    patient_id: int = 0
    devices: dict = field(default_factory=dict)
    staff_clients: dict = field(default_factory=dict)
    rejected: list = field(default_factory=list)


def make_app(directory: Path, database_url: str | None, extra: dict | None = None):
    """The replay's own app on a throwaway database; `extra` settings override (tests)."""
    from .. import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": database_url
        or "sqlite:///" + str(directory / "scenario.sqlite3"),
        "INSTANCE_PATH": str(directory / "instance"), "SECRET_KEY": "scenario-replay",
        "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False,
        "STAFF_IDLE_MINUTES": 10**7, "STAFF_ABSOLUTE_HOURS": 10**5,
        "PUBLIC_URL": "http://localhost",
        **(extra or {}),
    })


def setup(replay: Replay) -> None:
    """Centre and staff accounts, then the patient, caregivers and phones via the API."""
    from ..auth.passwords import hash_password
    from ..extensions import db
    from ..models import Centre, Staff

    sc = replay.scenario
    db.create_all()
    centre = Centre(name="Scenario Centre", timezone=sc.patient["timezone"],
                    phone_24h=sc.centre.get("phone_24h", "+49 30 1234 5678"),
                    emergency_number=sc.centre.get("emergency_number", "112"),
                    threshold_overrides=sc.centre.get("threshold_overrides", {}),
                    schedule=sc.centre.get("schedule", {}),
                    ack_lapse_hours=sc.centre.get("ack_lapse_hours", {}),
                    proximity_days=sc.centre.get("proximity_days", P.PROXIMITY_DAYS),
                    driving_days=sc.centre.get("driving_days", P.DRIVING_DAYS))
    db.session.add(centre)
    db.session.flush()
    password = hash_password(PASSWORD)
    members = [{"handle": "scenario-admin", "tier": 99, "on_duty": False, "role": "admin"}]
    for member in [*members, *sc.staff]:
        role = member.get("role") or ("nurse" if member.get("tier", 1) <= 1 else "physician")
        db.session.add(Staff(
            centre_id=centre.id, handle=member["handle"], name=member["handle"],
            email=f"{member['handle']}@scenario.invalid", role=role,
            tier=member.get("tier", 1), on_duty=member.get("on_duty", True),
            password_hash=password, totp_secret=pyotp.random_base32(),
            totp_enrolled_at=replay.clock.current))
    db.session.commit()
    admin = staff_client(replay, "scenario-admin")
    body = {"display_name": "Scenario patient", "timezone": sc.patient["timezone"],
            "infused_at": sc.infused_at.isoformat(), "enrolled_at": sc.enrolled_at.isoformat(),
            "product": sc.patient["product"], "window_days": sc.patient["window_days"],
            "baseline_ice": sc.patient["baseline_ice"]}
    _setup_rotas(replay, admin)
    replay.patient_id = _ok(admin.post("/api/v1/staff/patients", json=body))["id"]
    base = f"/api/v1/staff/patients/{replay.patient_id}"
    replay.devices["patient"] = _enrol(replay, admin, base, {"role": "patient"})
    for n in range(sc.patient["caregivers"]):
        caregiver = _ok(admin.post(f"{base}/caregivers", json={"display_name": f"Carer {n + 1}"}))
        token = _enrol(replay, admin, base, {"role": "caregiver", "caregiver_id": caregiver["id"]})
        replay.devices.setdefault("caregiver", token)


def _setup_rotas(replay: Replay, admin) -> None:
    """rota: the scenario's rotas and overrides, through the admin API."""
    from ..extensions import db
    from ..models import Staff

    ids = dict(db.session.execute(db.select(Staff.handle, Staff.id)).all())
    by_tier = {}
    for i, rota in enumerate(replay.scenario.rotas):
        body = {**rota, "people": [ids[h] for h in rota["people"]]}
        made = _refused(admin.post("/api/v1/staff/admin/rotas", json=body), f"rotas[{i}]")
        by_tier[rota["tier"]] = made["id"]
    for i, row in enumerate(replay.scenario.overrides):
        body = {k: v for k, v in row.items() if k not in ("tier", "staff")}
        if row.get("staff") is not None:
            body["staff_id"] = ids[row["staff"]]
        _refused(admin.post(f"/api/v1/staff/admin/rotas/{by_tier[row['tier']]}/overrides",
                            json=body), f"overrides[{i}]")


def _refused(response, where: str) -> dict:
    """The admin API's refusal of a scenario's rota is a malformed scenario, named."""
    if response.status_code < 300:
        return response.json
    error = (response.json or {}).get("error", {})
    name, messages = next(iter((error.get("fields") or {"_body": [error.get("message")]})
                               .items()))
    raise ScenarioError(f"{where}.{name}: {messages[0]}")


def _ok(response) -> dict:
    if response.status_code >= 300:
        raise RuntimeError(f"setup request failed: {response.status_code} {response.json}")
    return response.json


def _enrol(replay: Replay, admin, base: str, body: dict) -> str:
    code = _ok(admin.post(f"{base}/enrolment-codes", json=body))["code"]
    client = replay.app.test_client()
    return _ok(client.post("/api/v1/enrol", json={"code": code}))["device_token"]


def staff_client(replay: Replay, handle: str):
    """A test client signed in as a member of staff (password, then TOTP from the clock)."""
    from ..extensions import db
    from ..models import Staff

    if handle in replay.staff_clients:
        return replay.staff_clients[handle]
    staff = db.session.execute(db.select(Staff).where(Staff.handle == handle)).scalar_one()
    client = replay.app.test_client()
    login = _ok(client.post("/api/v1/auth/login",
                            json={"email": staff.email, "password": PASSWORD}))
    code = pyotp.TOTP(staff.totp_secret).at(replay.clock.current)
    done = _ok(client.post("/api/v1/auth/totp", json={"code": code}))
    client.environ_base["HTTP_X_CSRF_TOKEN"] = done.get("csrf_token") or login["csrf_token"]
    replay.staff_clients[handle] = client
    return client
