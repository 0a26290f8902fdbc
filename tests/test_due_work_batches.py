"""The due-work pass claims, handles and commits rows in batches (server/clinical/jobs.py).

One commit per batch instead of per row; a failing handler still costs only its own row; the
audit events handlers record are written after the batch's last row, so the chain's lock
(every check-in needs it) is the last lock a batch takes and R-MISSED rows do not each end
their batch; on PostgreSQL the claim skips, never waits for, a patient another transaction
holds; check-ins and caregivers are read once per batch.
"""
from __future__ import annotations

import datetime as dt
import threading

import pytest
from clinical_helpers import intents
from flask import current_app
from sql_capture import commits_during, statements_during

from server import db_types
from server.audit import chain as audit_chain
from server.audit import verify as audit_verify
from server.clinical import jobs, notify
from server.extensions import db
from server.models import AuditEvent, Caregiver, CheckIn, Escalation, ScheduledStep


def _steps(patient_id: int | None = None, kind: str | None = None) -> list[ScheduledStep]:
    query = db.select(ScheduledStep).order_by(ScheduledStep.id)
    if patient_id is not None:
        query = query.where(ScheduledStep.patient_id == patient_id)
    if kind is not None:
        query = query.where(ScheduledStep.kind == kind)
    return list(db.session.execute(query).scalars())


def test_a_pass_commits_once_per_batch_not_per_row(app, clock, make_patient, make_staff):
    """12 plans, then the 12 reminders they made due: two batches, not 24 transactions."""
    make_staff(handle="nurse-a")
    for _ in range(12):
        make_patient()
    counts, commits = commits_during(lambda: jobs.run_due_work(clock.current))
    assert counts == {"plan": 12, "reminder": 12}
    assert commits == 3  # the plans, the reminders they made due, the claim that found none
    assert {s.state for s in _steps(kind="reminder") if s.due_at <= clock.current} == {"done"}
    assert len(intents(purpose="reminder")) == 12 * 2  # patient and caregiver, once each


def test_a_failing_row_is_marked_failed_and_the_rest_of_its_batch_is_kept(
        app, clock, make_patient, make_staff, monkeypatch):
    """The batch is redone row by row in savepoints: only the failing row's work is lost."""
    patients = _three_due_reminders(clock, make_patient, make_staff, monkeypatch)
    bad = patients[1].id
    # the bad row writes its notifications and next slot, then fails
    _fails_after_its_work(monkeypatch, "reminder", bad, _handler_bug)
    counts = jobs.run_due_work(clock.current)
    assert counts == {"reminder": 2, "failed": 1}
    for patient in patients:
        states = {s.kind: s.state for s in _steps(patient.id) if s.slot_at == clock.current}
        assert states == {"reminder": "failed" if patient.id == bad else "done"}
        following = [s for s in _steps(patient.id) if s.slot_at > clock.current]
        assert len(following) == (0 if patient.id == bad else 3)  # the next slot's steps
    reminders = intents(purpose="reminder")
    assert sorted(r.patient_id for r in reminders) == sorted(
        p.id for p in patients if p.id != bad for _ in range(2))  # patient and caregiver


def _fails_after_its_work(monkeypatch, kind: str, patient_id: int, fault) -> None:
    """`kind`'s handler does its real work, then `fault(row, batch)` for `patient_id`'s row."""
    real = jobs.HANDLERS[kind]

    def handler(row, batch):
        acted = real(row, batch)
        if row.patient_id == patient_id:
            fault(row, batch)
        return acted

    monkeypatch.setitem(jobs.HANDLERS, kind, handler)


def _handler_bug(_row, _batch):
    raise RuntimeError("handler bug")


def _slot_rows(patients, kinds, slot, apart=dt.timedelta(minutes=1)):
    """One row per patient for `slot`, due from the slot on, `apart` from each other."""
    for i, (patient, kind) in enumerate(zip(patients, kinds, strict=True)):
        db.session.add(ScheduledStep(kind=kind, slot_at=slot, due_at=slot + i * apart,
                                     created_at=slot,
                                     patient_id=patient.id))
    db.session.commit()


def _three_due_reminders(clock, make_patient, make_staff, monkeypatch) -> list:
    """Three patients with one reminder due now each (no plans), transactions as in
    production: the test session's SQLite autocommit would keep a rolled-back batch's writes."""
    monkeypatch.setattr(db_types.settings_of(current_app), "immediate_outside_requests", True)
    make_staff(handle="nurse-a")
    patients = [make_patient() for _ in range(3)]
    db.session.execute(db.delete(ScheduledStep))
    _slot_rows(patients, ["reminder"] * 3, clock.current, apart=dt.timedelta(0))
    return patients


def _audit_actions() -> list[tuple[str, int | None]]:
    return [tuple(r) for r in db.session.execute(
        db.select(AuditEvent.action, AuditEvent.patient_id).order_by(AuditEvent.id)).all()]


def _chain_intact() -> bool:
    db.session.commit()
    with db.engine.connect() as conn:
        _checked, problems = audit_verify.verify(conn)
    return not problems


def test_audit_events_are_written_last_in_the_batch_not_one_batch_per_row(
        app, clock, make_patient, make_staff, monkeypatch):
    """No handler runs holding the audit chain's lock, yet R-MISSED rows share one batch."""
    make_staff(handle="nurse-a")
    patients = [make_patient() for _ in range(4)]
    db.session.execute(db.delete(ScheduledStep))  # no plans: only the rows below
    slot = clock.current - dt.timedelta(minutes=30)  # a caregiver reminder, an R-MISSED, again
    _slot_rows(patients, ["caregiver_reminder", "missed"] * 2, slot)
    started_holding_chain = []
    for kind, real in list(jobs.HANDLERS.items()):
        def spy(row, batch, real=real):
            started_holding_chain.append(audit_chain.holds_chain(db.session))
            return real(row, batch)
        monkeypatch.setitem(jobs.HANDLERS, kind, spy)
    (counts, commits), statements = statements_during(
        lambda: commits_during(lambda: jobs.run_due_work(clock.current)))
    assert counts == {"caregiver_reminder": 2, "missed": 2}
    assert started_holding_chain == [False] * 4
    assert commits == 2  # the four rows, then the claim that found none
    assert len(db.session.execute(db.select(Escalation)).all()) == 2
    # the chain is read (and on PostgreSQL locked) once, after the done marks: its last lock
    chain = [i for i, s in enumerate(statements) if "FROM audit_event" in s]
    marks = [i for i, s in enumerate(statements) if s.startswith("UPDATE scheduled_step")]
    assert len(chain) == 1 and marks and chain[0] > max(marks)
    assert _audit_actions() == [("escalation.opened", patients[1].id),
                                ("escalation.opened", patients[3].id)]
    assert _chain_intact()


def test_a_failing_row_loses_its_audit_events_and_keeps_the_others(
        app, clock, make_patient, make_staff, monkeypatch):
    """Redone row by row: the failed row's held audit event goes with its savepoint."""
    monkeypatch.setattr(db_types.settings_of(app), "immediate_outside_requests", True)
    make_staff(handle="nurse-a")
    patients = [make_patient() for _ in range(3)]
    db.session.execute(db.delete(ScheduledStep))
    _slot_rows(patients, ["missed"] * 3, clock.current - dt.timedelta(minutes=30))
    bad = patients[1].id
    # the bad row opens the escalation and records its audit event, then fails
    _fails_after_its_work(monkeypatch, "missed", bad, _handler_bug)
    assert jobs.run_due_work(clock.current) == {"missed": 2, "failed": 1}
    assert _audit_actions() == [("escalation.opened", patients[0].id),
                                ("escalation.opened", patients[2].id)]
    opened = db.session.execute(db.select(Escalation.patient_id)).scalars().all()
    assert sorted(opened) == sorted([patients[0].id, patients[2].id])
    assert _chain_intact()


def test_a_new_escalation_is_inserted_with_its_ladder_fields(app, clock, make_patient):
    """R-MISSED with nobody on duty: one INSERT carries level, start and undeliverable."""
    patient = make_patient()
    db.session.execute(db.delete(ScheduledStep))
    _slot_rows([patient], ["missed"], clock.current - dt.timedelta(minutes=30))
    counts, statements = statements_during(lambda: jobs.run_due_work(clock.current))
    assert counts == {"missed": 1}
    assert [s for s in statements if s.startswith("UPDATE escalation")] == []
    escalation = db.session.execute(db.select(Escalation)).scalar_one()
    assert escalation.ladder_level == 1
    assert escalation.ladder_started_at == clock.current
    assert escalation.undeliverable_at == clock.current
    assert escalation.undeliverable_reason == "no_staff_on_duty"


def test_a_batch_reads_its_caregivers_once(app, clock, make_patient, make_staff):
    """`notify.family` answers from one query per batch, caregivers in id order."""
    make_staff(handle="nurse-a")
    patients = [make_patient() for _ in range(3)]
    second = Caregiver(patient_id=patients[0].id, display_name="Second")
    db.session.add(second)
    db.session.execute(db.delete(ScheduledStep))
    _slot_rows(patients, ["reminder"] * 3, clock.current, apart=dt.timedelta(0))
    counts, statements = statements_during(lambda: jobs.run_due_work(clock.current))
    assert counts == {"reminder": 3}
    queries = [statement for statement in statements if "FROM caregiver" in statement]
    assert len(queries) == 1
    sent = {(i.patient_id, i.recipient_kind, i.recipient_id)
            for i in intents(purpose="reminder")}
    carers = db.session.execute(db.select(Caregiver.patient_id, Caregiver.id)).all()
    assert sent == {(p.id, "patient", p.id) for p in patients} | {
        (pid, "caregiver", cid) for pid, cid in carers}
    assert len(carers) == 4


def test_a_batch_reads_staff_once_and_writes_its_intents_in_one_insert(
        app, clock, make_patient, make_staff):
    """Three urgent R-MISSED: one staff query, one notification INSERT, every intent kept."""
    nurse = make_staff(handle="nurse-a")
    patients = [make_patient() for _ in range(3)]
    db.session.execute(db.delete(ScheduledStep))
    _slot_rows(patients, ["missed"] * 3, clock.current - dt.timedelta(minutes=30))
    counts, statements = statements_during(lambda: jobs.run_due_work(clock.current))
    assert counts == {"missed": 3}
    assert len([s for s in statements if "FROM staff" in s]) == 1
    assert len([s for s in statements if s.startswith("INSERT INTO notification_intent")]) == 1
    escalations = dict(db.session.execute(
        db.select(Escalation.patient_id, Escalation.id)).all())
    carers = dict(db.session.execute(db.select(Caregiver.patient_id, Caregiver.id)).all())
    sent = [(i.escalation_id, i.recipient_kind, i.recipient_id)
            for i in intents(purpose="escalation")]
    assert sent == [(escalations[p.id], kind, rid) for p in patients
                    for kind, rid in (("staff", nurse.id), ("patient", p.id),
                                      ("caregiver", carers[p.id]))]  # in send order


def test_a_held_intent_whose_key_exists_is_skipped(app, clock, make_patient, make_staff):
    """Exactly once: the batch's one INSERT skips a dedupe key already taken."""
    make_staff(handle="nurse-a")
    patients = [make_patient() for _ in range(2)]
    db.session.execute(db.delete(ScheduledStep))
    _slot_rows(patients, ["reminder"] * 2, clock.current, apart=dt.timedelta(0))
    key = f"reminder:{patients[0].id}:{clock.current.isoformat()}:patient{patients[0].id}"
    notify.send(key, ("patient", patients[0].id), "reminder", patients[0], clock.current)
    db.session.commit()
    taken = intents(dedupe_key=key)[0].id
    assert jobs.run_due_work(clock.current) == {"reminder": 2}
    assert [i.id for i in intents(dedupe_key=key)] == [taken]
    assert len(intents(purpose="reminder")) == 2 * 2  # patient and caregiver, once each


def test_a_row_whose_writes_fail_at_the_flush_is_marked_failed(
        app, clock, make_patient, make_staff, monkeypatch):
    """Rows are not flushed one by one, yet a bad row's flush costs only that row."""
    patients = _three_due_reminders(clock, make_patient, make_staff, monkeypatch)
    bad = patients[1].id
    _fails_after_its_work(  # NOT NULL due_at: fails when flushed, not in the handler
        monkeypatch, "reminder", bad,
        lambda _row, batch: db.session.add(ScheduledStep(kind="reminder", patient_id=bad,
                                                         created_at=batch.at)))
    assert jobs.run_due_work(clock.current) == {"reminder": 2, "failed": 1}
    states = {s.patient_id: s.state for s in _steps(kind="reminder")
              if s.slot_at == clock.current}
    assert states == {p.id: "failed" if p.id == bad else "done" for p in patients}
    assert sorted(i.patient_id for i in intents(purpose="reminder")) == sorted(
        p.id for p in patients if p.id != bad for _ in range(2))


def test_the_claim_skips_a_patient_another_transaction_holds(app, clock, make_patient,
                                                             make_staff):
    """PostgreSQL: a check-in holding its patient delays that patient's rows, nobody else's."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks: PostgreSQL only (SQLite serialises writers at BEGIN)")
    make_staff(handle="nurse-a")
    busy, free = make_patient(), make_patient()
    holder = db.engine.connect()
    holder.exec_driver_sql("SELECT id FROM patient WHERE id = %s FOR NO KEY UPDATE",
                           (busy.id,))
    results = []

    def sweep():
        with app.app_context():
            results.append(jobs.run_due_work(clock.current))
            db.session.remove()

    try:
        thread = threading.Thread(target=sweep)
        thread.start()
        thread.join(timeout=60)
        waited = thread.is_alive()
    finally:
        holder.rollback()
        holder.close()
        thread.join(timeout=60)
    assert not waited, "the claim waited for a locked patient"
    assert results[0] == {"plan": 1, "reminder": 1}  # the free patient's plan and reminder
    assert {s.state for s in _steps(busy.id)} == {"pending"}
    assert jobs.run_due_work(clock.current) == {"plan": 1, "reminder": 1}  # now the busy one
    assert {s.state for s in _steps(free.id) if s.due_at <= clock.current} == {"done"}


def test_a_batch_reads_its_check_ins_once_with_the_same_windows(app, clock, make_patient,
                                                                 make_staff):
    """`satisfied` answers from one query per batch; the window bounds stay inclusive."""
    make_staff(handle="nurse-a")
    slot = clock.current - dt.timedelta(minutes=90)
    early = slot - dt.timedelta(minutes=60)  # the window opens 60 min before the slot
    observed = {"edge": early, "before": early - dt.timedelta(minutes=1), "none": None,
                "inside": clock.current - dt.timedelta(minutes=10)}
    patients = {}
    for name, at in observed.items():
        patients[name] = make_patient(enrolled_at=clock.current - dt.timedelta(days=1))
        if at is not None:
            db.session.add(CheckIn(patient_id=patients[name].id, recorded_by="patient",
                                   observed_at=at, received_at=at, idempotency_key=name,
                                   request_hash="x"))
    db.session.execute(db.delete(ScheduledStep))
    for patient in patients.values():
        db.session.add(ScheduledStep(kind="caregiver_reminder", due_at=clock.current,
                                     slot_at=slot, patient_id=patient.id,
                                     created_at=clock.current))
    db.session.commit()
    counts, statements = statements_during(lambda: jobs.run_due_work(clock.current))
    queries = [statement for statement in statements if "FROM check_in" in statement]
    assert counts == {"caregiver_reminder": 2, "caregiver_reminder.skipped": 2}
    assert len(queries) == 1
    reminded = {i.patient_id for i in intents(purpose="missed_checkin")}
    assert reminded == {patients["before"].id, patients["none"].id}
