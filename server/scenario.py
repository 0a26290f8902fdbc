"""Scenario replay (scenarios/FORMAT.md): one patient's course through the real app.

A fresh SQLite database in a temporary directory, a ManualClock from `enrolled_at` to
`until`, every event sent through the real API with the Flask test client (devices enrolled
with real codes, staff signed in with password and a TOTP computed from the clock), and
`run_due_work` fired at each due time in between, stepping to the next due row, so no step
is missed or reordered. Requests arrive `LATENCY` (1 s) after their event's `at`.
Prints JSON lines on stdout; never reads the `expect` key.

Extensions beyond FORMAT.md used by the project's own scenarios: a staff entry may carry
`"on_duty": false`; `"do": "unacknowledge"`; `"do": "resolve"` may carry `outcome`/`note`;
a top-level `"centre"` may set `phone_24h`, `emergency_number`, `threshold_overrides`, and
(besides FORMAT.md's v2 `schedule` and `ack_lapse_hours`) `proximity_days`, `driving_days`;
top-level `rotas` and `overrides` (tests/scenarios/FORMAT.md "Rotas"), created through the
admin API, after which the replay also steps to every handoff and coverage-warning instant.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import click
import pyotp

from . import policy as P
from .calendar import local_iso, zone
from .clock import ManualClock, set_source
from .models.people import PRODUCTS

SYMPTOM_SET = set(P.SYMPTOMS)
ACTIONS = ("acknowledge", "unacknowledge", "resolve")
PASSWORD = "scenario replay password 2026"
MAX_STEPS = 200_000
# A request reaches the server one second after the event's `at` (the phone's round trip),
# so everything an event causes is stamped strictly after the event and after due work of
# the same instant.
LATENCY = dt.timedelta(seconds=1)
LATE_ENTRY = dt.timedelta(minutes=10)  # opened/raised lines then say when it was observed
# History kinds FORMAT.md prints ("attached" is silent; a routine follow-up shows as its
# `renotify` lines)
PRINTED = ("opened", "raised", "worsened", "acknowledged", "unacknowledged", "ack_lapsed",
           "resolved")


class ScenarioError(ValueError):
    """The scenario file does not follow FORMAT.md."""


def _time(value, where: str) -> dt.datetime:
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ScenarioError(f"{where}: not an ISO 8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        raise ScenarioError(f"{where}: needs a UTC offset: {value!r}")
    return parsed.astimezone(dt.UTC)


@dataclass
class Scenario:
    """A parsed, validated scenario."""

    patient: dict
    infused_at: dt.datetime
    enrolled_at: dt.datetime
    until: dt.datetime
    staff: list[dict]
    events: list[dict]
    centre: dict = field(default_factory=dict)
    rotas: list[dict] = field(default_factory=list)
    overrides: list[dict] = field(default_factory=list)


def parse(data) -> Scenario:
    """Validate a scenario document; raise ScenarioError naming the first problem."""
    if not isinstance(data, dict):
        raise ScenarioError("the scenario must be a JSON object")
    patient = data.get("patient")
    if not isinstance(patient, dict):
        raise ScenarioError("patient: required object")
    for key in ("infused_at", "product", "timezone"):
        if key not in patient:
            raise ScenarioError(f"patient.{key}: required")
    if patient["product"] not in PRODUCTS:
        raise ScenarioError(f"patient.product: one of {', '.join(PRODUCTS)}")
    try:
        zone(patient["timezone"])
    except ValueError as exc:
        raise ScenarioError(f"patient.timezone: {exc}") from None
    caregivers = patient.get("caregivers", 1)
    if not isinstance(caregivers, int) or isinstance(caregivers, bool) or not 0 <= caregivers <= 20:
        raise ScenarioError("patient.caregivers: an integer 0-20")
    baseline = patient.get("baseline", {"ice": P.ICE_DEFAULT_BASELINE})
    if not isinstance(baseline, dict) or not isinstance(baseline.get("ice", 10), int) \
            or not 0 <= baseline.get("ice", 10) <= P.ICE_MAX:
        raise ScenarioError("patient.baseline.ice: an integer 0-10")
    window = patient.get("window_days", P.DEFAULT_WINDOW_DAYS)
    if not isinstance(window, int) or isinstance(window, bool) or \
            not 0 <= window <= P.MAX_WINDOW_DAYS:
        raise ScenarioError(f"patient.window_days: an integer 0-{P.MAX_WINDOW_DAYS}")
    infused = _time(patient["infused_at"], "patient.infused_at")
    enrolled = _time(patient.get("enrolled_at", patient["infused_at"]), "patient.enrolled_at")
    if "until" not in data:
        raise ScenarioError("until: required")
    until = _time(data["until"], "until")
    if until < enrolled:
        raise ScenarioError("until: before enrolled_at")
    staff = data.get("staff", [])
    if not isinstance(staff, list):
        raise ScenarioError("staff: a list")
    handles = set()
    for i, member in enumerate(staff):
        if not isinstance(member, dict) or not isinstance(member.get("handle"), str) \
                or not isinstance(member.get("tier", 1), int):
            raise ScenarioError(f"staff[{i}]: needs a handle and an integer tier")
        if member["handle"] in handles:
            raise ScenarioError(f"staff[{i}]: duplicate handle")
        handles.add(member["handle"])
    events = data.get("events", [])
    if not isinstance(events, list):
        raise ScenarioError("events: a list")
    parsed = []
    for i, event in enumerate(events):
        parsed.append(_event(event, i, handles, caregivers, enrolled, until))
    parsed.sort(key=lambda e: e["at"])  # stable: same-time events keep file order
    centre = data.get("centre", {})
    if not isinstance(centre, dict):
        raise ScenarioError("centre: an object")
    centre = _centre_settings(centre)
    rotas, overrides = _rotas(data, handles)
    return Scenario({**patient, "caregivers": caregivers, "baseline_ice": baseline.get("ice", 10),
                     "window_days": window}, infused, enrolled, until, staff, parsed, centre,
                    rotas, overrides)


def _rotas(data: dict, handles: set) -> tuple[list[dict], list[dict]]:
    """rota: the `rotas` and `overrides` lists; the admin API checks the rest at setup."""
    rotas, overrides = data.get("rotas", []), data.get("overrides", [])
    if not isinstance(rotas, list) or not isinstance(overrides, list):
        raise ScenarioError("rotas, overrides: lists")
    tiers = set()
    for i, rota in enumerate(rotas):
        if not isinstance(rota, dict) or not isinstance(rota.get("tier"), int) \
                or not isinstance(rota.get("people"), list):
            raise ScenarioError(f"rotas[{i}]: needs an integer tier and a list of people")
        if rota["tier"] in tiers:
            raise ScenarioError(f"rotas[{i}].tier: one rota per tier")
        tiers.add(rota["tier"])
        for person in rota["people"]:
            if person not in handles:
                raise ScenarioError(f"rotas[{i}].people: {person!r} is not a listed staff")
    for i, row in enumerate(overrides):
        if not isinstance(row, dict) or row.get("tier") not in tiers:
            raise ScenarioError(f"overrides[{i}].tier: the tier of a listed rota")
        if row.get("staff") is not None and row["staff"] not in handles:
            raise ScenarioError(f"overrides[{i}].staff: a listed staff handle")
        for key in ("starts_at", "ends_at"):
            if key in row:
                _time(row[key], f"overrides[{i}].{key}")
    return rotas, overrides


def _centre_settings(centre: dict) -> dict:
    """FORMAT.md v2 `centre.schedule` / `ack_lapse_hours`, checked as the admin API does."""
    from .services import centre_settings

    settings = {k: centre[k] for k in ("schedule", "ack_lapse_hours", "proximity_days",
                                       "driving_days") if k in centre}
    clean, problems = centre_settings.check(settings)
    if problems:
        name, message = next(iter(problems.items()))
        raise ScenarioError(f"centre.{name}: {message}")
    return {**centre, **clean}


def _event(event, i: int, handles: set, caregivers: int, enrolled, until) -> dict:
    where = f"events[{i}]"
    if not isinstance(event, dict) or "at" not in event or "by" not in event:
        raise ScenarioError(f"{where}: needs at and by")
    at = _time(event["at"], f"{where}.at")
    if not enrolled <= at <= until:
        raise ScenarioError(f"{where}.at: outside enrolled_at..until")
    by = event["by"]
    if by == "caregiver" and caregivers < 1:
        raise ScenarioError(f"{where}.by: the patient has no caregiver")
    if by not in ("patient", "caregiver") and not (
            isinstance(by, str) and by.startswith("staff:") and by[6:] in handles):
        raise ScenarioError(f"{where}.by: patient, caregiver or staff:HANDLE of a listed staff")
    if by.startswith("staff:"):
        if event.get("do") not in ACTIONS:
            raise ScenarioError(f"{where}.do: one of {', '.join(ACTIONS)}")
    elif not isinstance(event.get("checkin"), dict):
        raise ScenarioError(f"{where}.checkin: required object for patient or caregiver")
    return {**event, "at": at}


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


def _make_app(directory: Path, database_url: str | None):
    from . import create_app

    return create_app({
        "SQLALCHEMY_DATABASE_URI": database_url
        or "sqlite:///" + str(directory / "scenario.sqlite3"),
        "INSTANCE_PATH": str(directory / "instance"), "SECRET_KEY": "scenario-replay",
        "SESSION_COOKIE_SECURE": False, "RATELIMIT_ENABLED": False,
        "STAFF_IDLE_MINUTES": 10**7, "STAFF_ABSOLUTE_HOURS": 10**5,
        "PUBLIC_URL": "http://localhost",
    })


def _setup(replay: Replay) -> None:
    """Centre and staff accounts, then the patient, caregivers and phones via the API."""
    from .auth.passwords import hash_password
    from .extensions import db
    from .models import Centre, Staff

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
    admin = _staff_client(replay, "scenario-admin")
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
    from .extensions import db
    from .models import Staff

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


def _staff_client(replay: Replay, handle: str):
    """A test client signed in as a member of staff (password, then TOTP from the clock)."""
    from .extensions import db
    from .models import Staff

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


def _checkin(replay: Replay, event: dict) -> None:
    client = replay.app.test_client()
    headers = {"Authorization": f"Bearer {replay.devices[event['by']]}",
               "Idempotency-Key": str(uuid.uuid4())}
    response = client.post("/api/v1/checkins", json=event["checkin"], headers=headers)
    if response.status_code == 201:
        return
    error = (response.json or {}).get("error", {})
    fields = error.get("fields") or {"_body": [error.get("message", "refused")]}
    name, messages = next(iter(fields.items()))
    replay.rejected.append({"at": replay.clock.current, "event": "rejected", "field": name,
                            "message": messages[0] if messages else error.get("message")})


def _staff_action(replay: Replay, event: dict) -> None:
    client = _staff_client(replay, event["by"][6:])
    found = client.get(f"/api/v1/staff/escalations?state=unresolved"
                       f"&patient_id={replay.patient_id}")
    rows = found.json if found.status_code == 200 else []
    if not rows:
        click.echo(f"scenario: {event['do']} at {event['at']}: no open escalation", err=True)
        return
    url = f"/api/v1/staff/escalations/{rows[0]['id']}/{event['do']}"
    body = {"outcome": event.get("outcome", "other"), "note": event.get("note", "scenario")} \
        if event["do"] == "resolve" else None
    response = client.post(url, json=body)
    if response.status_code != 200:
        click.echo(f"scenario: {event['do']} refused: {response.status_code}", err=True)


def _drive(replay: Replay) -> None:
    """Step the clock to each next due row or event, in time order, up to `until`."""
    from .clinical.jobs import next_due_at
    from .services import rota_notices

    events, until, clock = replay.scenario.events, replay.scenario.until, replay.clock
    rotas = bool(replay.scenario.rotas)

    def run_due_work(at):
        from .clinical.jobs import run_due_work as due_work

        due_work(at)
        if rotas:  # the worker's tick: due work, then handoff notices and coverage warnings
            rota_notices.run(at)

    index = 0
    for _ in range(MAX_STEPS):
        due = next_due_at()
        if rotas:
            handoff = rota_notices.next_at(clock.current, until)
            if handoff is not None and (due is None or handoff < due):
                due = handoff
        event_at = events[index]["at"] + LATENCY if index < len(events) else None
        if due is not None and due <= until and (event_at is None or due <= event_at):
            clock.set(max(due, clock.current))
            run_due_work(clock.current)
        elif event_at is not None:
            clock.set(max(event_at, clock.current))
            event = events[index]
            index += 1
            if event["by"].startswith("staff:"):
                _staff_action(replay, event)
            else:
                _checkin(replay, event)
        else:
            break
    else:
        raise RuntimeError("scenario did not settle (too many steps)")
    clock.set(max(until, clock.current))
    run_due_work(clock.current)


def _lines(replay: Replay) -> list[dict]:
    """Escalation history, outbox rows and rejections as FORMAT.md output lines, in order."""
    from .extensions import db
    from .models import EscalationEvent, NotificationIntent, Staff

    tz = replay.scenario.patient["timezone"]
    handles = dict(db.session.execute(db.select(Staff.id, Staff.handle)).all())
    labels: dict[int, str] = {}

    def label(escalation_id):
        if escalation_id is None:
            return None
        return labels.setdefault(escalation_id, f"E{len(labels) + 1}")

    keyed = []
    for e in db.session.execute(db.select(EscalationEvent).order_by(EscalationEvent.id)).scalars():
        if e.kind not in PRINTED:
            continue
        line = {"at": e.at, "event": f"escalation.{e.kind}", "id": label(e.escalation_id)}
        if e.kind in ("opened", "raised", "worsened"):
            line.update(severity=e.severity, syndromes=list(e.syndromes),
                        reasons=list(e.reasons))
            if e.kind != "opened":
                line["new_reasons"] = list(e.new_reasons or [])
            if e.observed_at is not None and e.at - e.observed_at > LATE_ENTRY:
                line["observed_at"] = local_iso(e.observed_at, tz)  # a late (offline) entry
        elif e.kind == "ack_lapsed":
            line["severity"] = e.severity
        else:
            line["by"] = f"staff:{handles.get(e.staff_id)}"
        keyed.append((e.at, 1, e.id, line))
    for n in db.session.execute(
            db.select(NotificationIntent).order_by(NotificationIntent.id)).scalars():
        to = f"staff:{handles.get(n.recipient_id)}" if n.recipient_kind == "staff" \
            else n.recipient_kind
        keyed.append((n.created_at, 2, n.id, {
            "at": n.created_at, "event": "notification", "to": to, "purpose": n.purpose,
            "escalation": label(n.escalation_id)}))
    for i, line in enumerate(replay.rejected):
        keyed.append((line["at"], 0, i, dict(line)))
    keyed.sort(key=lambda k: k[:3])
    out = []
    for _at, _order, _id, line in keyed:
        line["at"] = local_iso(line["at"], tz)
        out.append(line)
    return out


def replay_scenario(scenario: Scenario, database_url: str | None = None) -> list[dict]:
    """Replay a parsed scenario on a fresh temporary database; return the output lines.

    `database_url` (tests only) names an EMPTY database to use instead, e.g. PostgreSQL.
    """
    with tempfile.TemporaryDirectory(prefix="cartwatch-scenario-") as tmp:
        clock = ManualClock(scenario.enrolled_at)
        set_source(clock)
        try:
            app = _make_app(Path(tmp), database_url)
            with app.app_context():
                from .extensions import db

                replay = Replay(scenario, app, clock)
                try:
                    _setup(replay)
                    _drive(replay)
                    return _lines(replay)
                finally:
                    db.session.remove()
                    db.engine.dispose()
        finally:
            set_source(None)


@click.group("scenario")
def scenario_cli() -> None:
    """Replay clinical scenarios (scenarios/FORMAT.md)."""


@scenario_cli.command("run")
@click.argument("file", type=click.Path(dir_okay=False))
def run_command(file: str) -> None:
    """Replay FILE on a fresh database and print one JSON line per event."""
    try:
        with open(file, encoding="utf-8") as handle:
            scenario = parse(json.load(handle))
    except (OSError, json.JSONDecodeError, ScenarioError) as exc:
        click.echo(f"scenario: malformed {file}: {exc}", err=True)
        sys.exit(2)
    try:
        lines = replay_scenario(scenario)
    except ScenarioError as exc:  # rota: refused by the admin API at set-up
        click.echo(f"scenario: malformed {file}: {exc}", err=True)
        sys.exit(2)
    for line in lines:
        click.echo(json.dumps(line))
