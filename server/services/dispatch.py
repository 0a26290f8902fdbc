"""Outbox dispatch: lease due intents, push them to every subscription, record, flag failures.

A pass (`run_pass`) reaps expired leases, checks urgent staff notices for a `shown` receipt,
then claims due rows in batches and delivers each one. Claims are exclusive: on PostgreSQL
`SELECT … FOR UPDATE SKIP LOCKED` then an UPDATE to a unique lease owner; on SQLite a single
`UPDATE … WHERE id IN (due rows)` under the write lock SQLite takes for every writer
(BEGIN IMMEDIATE), then a SELECT by owner. A row is finished only by the owner of its
lease, so two workers never send one row twice.

Network I/O happens outside any transaction. Each answer is committed (attempt, subscription,
and with a row's last answer the row) before the next send starts, so a crash repeats at
most the sends in flight once their leases expire. NOTIFICATIONS_SEND_THREADS (default 1)
is that number: one push in flight per dispatcher, at most one duplicate per crash, but a
slow push service delays the sends queued behind it; N > 1 sends concurrently, and a crash
may repeat up to N (collapsed on the device by the Topic header, as any repeat).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import uuid
from collections import Counter
from concurrent import futures
from dataclasses import dataclass, field
from itertools import islice

from flask import current_app
from sqlalchemy.exc import OperationalError

from notifications import SendResult, channels, push

from .. import policy as P
from ..audit import trail as audit
from ..clinical import ladder, notify
from ..clock import now
from ..extensions import db
from ..models import (
    DeliveryAttempt,
    Device,
    Escalation,
    NotificationIntent,
    PushSubscription,
    Receipt,
    Staff,
)
from . import channel_plan, channel_send, push_health
from .push_tokens import ack_token, receipt_token

log = logging.getLogger(__name__)

NI = NotificationIntent
LEASE = dt.timedelta(minutes=2)  # > 2 x send timeout: renewed at half-time meanwhile
BATCH = 50
BACKOFF_BASE_SECONDS = 5
BACKOFF_MAX_SECONDS = 600
STAFF_ALERT_PURPOSES = ("escalation", "renotify")
WRITE_TRIES = 3
FINAL_STATES = ("sent", "failed", "expired", "undeliverable", "cancelled")


@dataclass(frozen=True)
class Job:
    """The parts of an intent delivery needs, read before any network I/O."""

    id: int
    recipient_kind: str
    recipient_id: int
    escalation_id: int | None
    purpose: str
    urgency: str
    topic: str | None
    payload: dict
    created_at: dt.datetime
    attempts: int
    channel_kind: str | None = None  # None: Web Push; else notifications.channels kind

    @property
    def staff_alert(self) -> bool:
        """A staff notification about an escalation (carries an acknowledge token)."""
        return (self.recipient_kind == "staff" and self.escalation_id is not None
                and self.purpose in STAFF_ALERT_PURPOSES)


def _job(intent: NotificationIntent) -> Job:
    return Job(intent.id, intent.recipient_kind, intent.recipient_id, intent.escalation_id,
               intent.purpose, intent.urgency, intent.topic, dict(intent.payload or {}),
               intent.created_at, intent.attempts, intent.channel_kind)


def new_owner() -> str:
    """A lease owner unique to this pass: host, process and a random part."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


# ---- leases -------------------------------------------------------------------------------
def reap(at: dt.datetime) -> int:
    """Return rows whose lease expired (a worker died mid-delivery) to the queue.

    A reaped row is due again now, behind every row already waiting: keeping its old
    `next_attempt_at` would sort it first in every later claim, so a row that kills its
    batch would drag whatever falls due with it into every failing batch.
    """
    count = db.session.execute(
        db.update(NI).where(NI.state == "leased", NI.lease_until < at)
        .values(state="pending", lease_owner=None, lease_until=None, next_attempt_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if count:
        log.warning("reaped %d expired outbox leases", count)
    return count


def claim(owner: str, at: dt.datetime, limit: int = BATCH) -> list[int]:
    """Lease up to `limit` due rows to `owner`; return their ids (oldest due first)."""
    due = (db.select(NI.id).where(NI.state == "pending", NI.next_attempt_at <= at)
           .order_by(NI.next_attempt_at, NI.id).limit(limit))
    lease = dict(state="leased", lease_owner=owner, lease_until=at + LEASE,
                 attempts=NI.attempts + 1)
    if db.session.get_bind().dialect.name == "postgresql":
        ids = list(db.session.execute(due.with_for_update(skip_locked=True)).scalars())
        if ids:
            db.session.execute(db.update(NI).where(NI.id.in_(ids)).values(**lease)
                               .execution_options(synchronize_session=False))
    else:  # SQLite: one statement under the database write lock is the claim
        db.session.execute(db.update(NI).where(NI.id.in_(due.scalar_subquery()),
                                               NI.state == "pending").values(**lease)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    return list(db.session.execute(
        db.select(NI.id).where(NI.lease_owner == owner, NI.state == "leased")
        .order_by(NI.next_attempt_at, NI.id)).scalars())


def _finish(job: Job, owner: str, **values) -> bool:
    """Write the outcome, only while `owner` still holds the lease."""
    table = NI.__table__  # Core statement: no ORM bookkeeping for a keyed single-row update
    done = db.session.connection().execute(
        table.update().where(table.c.id == job.id, table.c.lease_owner == owner,
                             table.c.state == "leased")
        .values(lease_owner=None, lease_until=None, **values)
    ).rowcount == 1
    if not done:
        log.warning("outbox row %s: lease lost before finishing", job.id)
    return done


# ---- recipients ---------------------------------------------------------------------------
def active_subscriptions(kind: str, recipient_id: int) -> list[PushSubscription]:
    """Working subscriptions of a recipient: staff, the patient's phones, a caregiver's."""
    query = db.select(PushSubscription).where(PushSubscription.deactivated_at.is_(None))
    if kind == "staff":
        query = query.join(Staff, Staff.id == PushSubscription.staff_id).where(
            Staff.id == recipient_id, Staff.active.is_(True))
    else:
        query = query.join(Device, Device.id == PushSubscription.device_id).where(
            Device.revoked_at.is_(None))
        if kind == "patient":
            query = query.where(Device.patient_id == recipient_id, Device.role == "patient")
        else:
            query = query.where(Device.caregiver_id == recipient_id)
    return list(db.session.execute(query.order_by(PushSubscription.id)).scalars())


def _delivered_to(intent_id: int) -> set[int]:
    return set(db.session.execute(
        db.select(DeliveryAttempt.subscription_id).where(
            DeliveryAttempt.intent_id == intent_id, DeliveryAttempt.outcome == "ok")
    ).scalars())


# ---- payload ------------------------------------------------------------------------------
def message(job: Job) -> dict:
    """The payload sent: the intent's (Declarative Web Push shape) plus service-worker data."""
    payload = dict(job.payload)
    notification = dict(payload.get("notification") or {})
    url = notification.get("navigate") or "/app/"
    data = {"intent_id": job.id, "url": url}
    if job.recipient_kind == "staff":  # receipts must not depend on the staff session
        data["receipt_token"] = receipt_token(job.id, job.recipient_id)
    if job.staff_alert:
        data["ack_token"] = ack_token(job.escalation_id, job.recipient_id)
        notification["actions"] = [
            {"action": "acknowledge", "title": "Acknowledge", "navigate": url}]
    payload["notification"] = notification
    payload["data"] = data
    return payload


def _topic(job: Job) -> str | None:
    return job.topic or (job.payload.get("notification") or {}).get("tag")


# ---- delivery -----------------------------------------------------------------------------
@dataclass
class Row:
    """A leased row being delivered: the subscriptions to send to and their answers so far."""

    job: Job
    todo: list[tuple[int, dict]]  # (subscription id, info)
    delivered_before: bool  # a retried or reaped row already reached some subscription
    results: list = field(default_factory=list)
    channel_message: dict | None = None  # a channel row: what its adapter sends


def _load(ids: list[int], owner: str,
          recheck: bool = False) -> tuple[dict[int, Row], set[int]]:
    """Read the leased rows and their recipients' subscriptions, then end the transaction.

    Staff alerts whose escalation was acknowledged or resolved meanwhile are cancelled.
    `recheck`: look up earlier deliveries even on a first attempt (a batch retried row by
    row after it failed partway).
    """
    loaded: dict[int, Row] = {}
    cancelled: set[int] = set()
    intents = db.session.execute(
        db.select(NI).where(NI.id.in_(ids), NI.lease_owner == owner, NI.state == "leased")
    ).scalars().all()
    recipients: dict[tuple[str, int], list[PushSubscription]] = {}
    for intent in intents:
        job = _job(intent)
        if (job.staff_alert and job.urgency == "high" and intent.shown_deadline is None
                and intent.sent_at is None and job.attempts == 1
                and job.channel_kind is None):  # channels report through their callbacks
            intent.shown_deadline = job.created_at + dt.timedelta(
                minutes=P.PUSH_SHOWN_WITHIN_MINUTES)
        if job.staff_alert and not _still_open(job.escalation_id):
            intent.state, intent.lease_owner, intent.lease_until = "cancelled", None, None
            intent.shown_deadline = None  # acknowledged or resolved meanwhile: no stale alarm
            cancelled.add(intent.id)
            continue
        if intent.chain and intent.dedupe_key != intent.chain and job.attempts == 1 \
                and channel_plan.earlier_confirmed(intent):  # shown already: no fallback
            intent.state, intent.lease_owner, intent.lease_until = "cancelled", None, None
            cancelled.add(intent.id)
            continue
        if job.channel_kind is not None:
            found = channel_send.target(intent)
            loaded[job.id] = Row(job, [] if found is None else [(0, found)], False,
                                 channel_message=channel_send.message(intent))
            continue
        key = (job.recipient_kind, job.recipient_id)
        if key not in recipients:
            recipients[key] = active_subscriptions(*key)
        done = _delivered_to(job.id) if job.attempts > 1 or recheck else set()  # a retry
        todo = [(s.id, s.info()) for s in recipients[key] if s.id not in done]
        loaded[job.id] = Row(job, todo, bool(done))
    db.session.commit()  # no transaction (nor SQLite write lock) is held during network I/O
    return loaded, cancelled


def _still_open(escalation_id: int) -> bool:
    escalation = db.session.get(Escalation, escalation_id)
    return escalation is not None and escalation.state == "open"


def _send_each(sends: list[tuple[Row, int, dict]], messages: dict[int, dict]):
    """POST each (row, subscription) message; yield each with its result once answered.

    The caller commits an answer before taking the next, and a new send starts only then:
    at most NOTIFICATIONS_SEND_THREADS sends are ever in flight or answered but unrecorded.
    """
    app = current_app._get_current_object()

    def one(item):
        row, _subscription_id, info = item  # info: the subscription, or a channel target
        job = row.job
        with app.app_context():
            if job.channel_kind is not None:  # never raises
                return channels.send(job.channel_kind, info, row.channel_message)
            try:
                return push.send(info, messages[job.id], urgency=job.urgency,
                                 topic=_topic(job))
            except Exception as exc:  # noqa: BLE001 - one subscription never fails a batch
                text = " ".join(str(exc).split())[:150]
                return SendResult("error", None, error=f"{type(exc).__name__}: {text}"[:200])

    threads = min(int(app.config.get("NOTIFICATIONS_SEND_THREADS", 1)), len(sends))
    if threads <= 1:
        for item in sends:
            yield item, one(item)
        return
    waiting = iter(sends)
    with futures.ThreadPoolExecutor(max_workers=threads, thread_name_prefix="push-send") as pool:
        running = {pool.submit(one, item): item for item in islice(waiting, threads)}
        while running:
            answered, _ = futures.wait(running, return_when=futures.FIRST_COMPLETED)
            for future in answered:
                yield running.pop(future), future.result()
                running.update({pool.submit(one, item): item for item in islice(waiting, 1)})


def _outcome(row: Row, subscription_id: int, result, owner: str, at: dt.datetime) -> str | None:
    """Record one answer; once all of the row's subscriptions answered, finish the row."""
    if row.job.channel_kind is not None:
        channel_send.record_attempt(row.job.id, row.job.channel_kind, row.todo[0][1],
                                    result, at)
    else:
        push_health.record_attempt(row.job.id, subscription_id, result, at)
    return _decide(row, owner, at) if len(row.results) == len(row.todo) else None


def _renew(owner: str, at: dt.datetime) -> None:
    """Extend the leases of the rows `owner` has not finished yet (a long, slow batch)."""
    db.session.execute(db.update(NI).where(NI.lease_owner == owner, NI.state == "leased")
                       .values(lease_until=at + LEASE)
                       .execution_options(synchronize_session=False))


def _written(write, *args):
    """Call `write(*args, now())` and commit it; on OperationalError (e.g. a deadlock with
    another worker) roll back and write again: the send happened, recording it again beats
    re-sending it once its lease expires."""
    for attempt in range(1, WRITE_TRIES + 1):
        try:
            value = write(*args, now())
            db.session.commit()
            return value
        except OperationalError:
            db.session.rollback()
            if attempt == WRITE_TRIES:
                raise
            log.warning("writing a dispatch outcome (%s) failed; again (%d)",
                        write.__name__, attempt)
    return None


def backoff(attempts: int) -> dt.timedelta:
    """Exponential backoff after `attempts` tries: 5 s, 10 s, 20 s … at most 10 min."""
    seconds = BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1)
    return dt.timedelta(seconds=min(BACKOFF_MAX_SECONDS, seconds))


def deliver_batch(ids: list[int], owner: str, states: dict[int, str] | None = None,
                  recheck: bool = False) -> dict[int, str]:
    """Deliver leased rows to every working subscription; return each row's new state.

    `states`, if given, is filled as rows are decided, so a caller whose batch failed
    partway still knows which rows were finished (they are committed).

    Each answer of a push service is committed before the next send starts: its attempt,
    the subscription's state and, with a row's last answer, the row's state. A crash thus
    repeats only the sends in flight (one, unless NOTIFICATIONS_SEND_THREADS > 1) once
    their leases expire: at least once, and the Topic header and notification tag make a
    repeat replace rather than add on the device. Rows with nobody left to send to are
    decided first; leases are renewed while a long batch goes on.
    """
    states = {} if states is None else states
    loaded, cancelled = _load(ids, owner, recheck)
    states.update({i: "cancelled" if i in cancelled else "lost" for i in ids if i not in loaded})
    for row in loaded.values():
        if not row.todo:
            states[row.job.id] = _written(_decide, row, owner)
    sends = [(row, sid, info) for row in loaded.values() for sid, info in row.todo]
    messages = {row.job.id: message(row.job) for row in loaded.values()
                if row.todo and row.job.channel_kind is None}
    renew_at = now() + LEASE / 2
    for (row, subscription_id, _info), result in _send_each(sends, messages):
        row.results.append(result)
        state = _written(_outcome, row, subscription_id, result, owner)
        if state is not None:
            states[row.job.id] = state
        if now() >= renew_at:
            _written(_renew, owner)
            renew_at = now() + LEASE / 2
    return states


def deliver(intent_id: int, owner: str) -> str:
    """Deliver one leased row (see deliver_batch)."""
    return deliver_batch([intent_id], owner)[intent_id]


def _decide(row: Row, owner: str, at: dt.datetime) -> str:
    job, results, delivered_before = row.job, row.results, row.delivered_before
    channel = job.channel_kind is not None
    if not row.todo and not delivered_before:
        return _close(job, owner, "undeliverable",
                      f"{job.channel_kind} not usable" if channel else "no working subscription",
                      at, flag="channel_failed" if channel else "no_subscription")
    delivered = delivered_before or any(r.ok for r in results)
    retries = [r for r in results if r.outcome == "retry"]
    first_sent = {"sent_at": at} if any(r.ok for r in results) and not delivered_before else {}
    if retries:
        ttl = dt.timedelta(seconds=current_app.config.get("NOTIFICATIONS_TTL_SECONDS", 3600))
        if at - job.created_at >= ttl:  # the push service would drop it by now anyway
            return _close(job, owner, "sent" if delivered else "expired", retries[-1].error,
                          at, flag=None if delivered else
                          "channel_failed" if channel else "push_failed", **first_sent)
        wait = max([backoff(job.attempts)] + [dt.timedelta(seconds=r.retry_after)
                                              for r in retries if r.retry_after])
        _finish(job, owner, state="pending", next_attempt_at=at + wait,
                last_error=(retries[-1].error or "")[:200], **first_sent)
        return "retry"
    if delivered:
        return _close(job, owner, "sent", None, at, **first_sent)
    gone = all(r.outcome == "gone" for r in results)
    return _close(job, owner, "failed", results[-1].error if results else None, at,
                  flag="channel_failed" if channel else
                  "subscription_gone" if gone else "push_refused")


def _close(job: Job, owner: str, state: str, error: str | None, at: dt.datetime,
           flag: str | None = None, **values) -> str:
    if flag:
        values["shown_deadline"] = None  # flagged now: no second flag from the receipt check
    if _finish(job, owner, state=state, last_error=(error or None) and error[:200], **values):
        if flag:
            flag_unreachable(job, at, flag)
    return state


# ---- undeliverable: flag the escalation and move the ladder on ----------------------------
def flag_unreachable(job: Job, at: dt.datetime, reason: str) -> bool:
    """A staff alert did not reach its recipient: flag it; a top-tier miss skips a tier.

    A row of a channel chain with a later channel still to come brings that one forward
    instead (channel_plan.fallback): the ladder moves on only when the last channel failed.
    """
    if channel_plan.fallback(job.id, at, reason):
        return True
    if not job.staff_alert:
        return False
    escalation = db.session.get(Escalation, job.escalation_id)
    if escalation is None or escalation.state != "open":
        return False
    text = f"{reason}:staff{job.recipient_id}"[:64]
    tiers = notify.staff_tiers(escalation.patient.centre_id)
    level = escalation.ladder_level
    top = tiers[level - 1] if 0 < level <= len(tiers) else []
    audit.record("push.undeliverable", patient_id=escalation.patient_id, outcome="failed",
                 detail={"escalation": escalation.id, "intent": job.id, "reason": reason})
    if ("staff", job.recipient_id) in top:
        ladder.skip_to_next_tier(escalation.id, at, text)  # flags it and notifies at once
    else:  # a lower tier already passed on: flag only, do not skip twice
        escalation.undeliverable_at = at
        escalation.undeliverable_reason = text
    return True


def check_shown(at: dt.datetime, limit: int = 500) -> int:
    """Urgent staff notices past their deadline with no `shown` receipt: flag them."""
    query = (db.select(NI).where(NI.shown_deadline.is_not(None), NI.shown_deadline <= at)
             .order_by(NI.shown_deadline).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    flagged = 0
    for intent in db.session.execute(query).scalars().all():
        intent.shown_deadline = None
        shown = db.session.execute(
            db.select(Receipt.id).where(Receipt.intent_id == intent.id).limit(1)
        ).first() is not None
        if not shown:
            flagged += flag_unreachable(_job(intent), at, "not_shown")
    db.session.commit()
    return flagged


# ---- a pass -------------------------------------------------------------------------------
def run_pass(max_batches: int = 200, housekeeping: bool = True) -> dict:
    """Reap, check receipts, then claim and deliver due rows until none is due.

    Immediate dispatch passes `housekeeping=False`: it only sends; the worker's periodic
    pass reaps leases and checks receipts.
    """
    owner = new_owner()
    counts: Counter = Counter()
    if housekeeping:
        counts["reaped"] += reap(now())
        counts["not_shown"] += check_shown(now())
    for _ in range(max_batches):
        ids = claim(owner, now())
        if not ids:
            break
        states: dict[int, str] = {}
        try:
            deliver_batch(ids, owner, states)
        except Exception:  # noqa: BLE001 - a bad row must not stop the pass nor its batch
            db.session.rollback()
            log.exception("delivering outbox rows %s failed; again one row at a time", ids)
            for intent_id in [i for i in ids if i not in states]:
                _deliver_alone(intent_id, owner, states)
        counts.update(states.values())
        if stuck := len(set(ids) - set(states)):  # left leased (the database failing, say):
            counts["error"] += stuck  # their leases expire; claiming again would return them
            break
    return {k: v for k, v in counts.items() if v}


def _deliver_alone(intent_id: int, owner: str, states: dict[int, str]) -> None:
    """Deliver one row of a batch that failed; a row that fails alone too ends `failed`.

    Its reason is stored and, for a staff alert, the escalation is flagged so the ladder
    moves on. A database outage leaves the row leased: reaped, it is tried again later.
    """
    try:
        deliver_batch([intent_id], owner, states, recheck=True)
        return
    except Exception as exc:  # noqa: BLE001 - isolated; one log line, the batch had the trace
        db.session.rollback()
        reason = f"dispatch error: {type(exc).__name__}"
        log.error("outbox row %s failed alone too (%s): %s", intent_id, reason,
                  " ".join(str(exc).split())[:160])
        if isinstance(exc, OperationalError):
            return
    try:
        intent = db.session.get(NI, intent_id)
        if intent is not None and intent.lease_owner == owner and intent.state == "leased":
            states[intent_id] = _close(_job(intent), owner, "failed", reason, now(),
                                       flag="dispatch_error")
        db.session.commit()
    except Exception:  # noqa: BLE001 - nothing more to do here: its lease expires
        db.session.rollback()
        states.pop(intent_id, None)
        log.error("outbox row %s: could not record its failure; left to its lease", intent_id)


# immediate dispatch from the web process (re-exported: callers use dispatch.kick())
from .dispatch_kicker import immediate_enabled, kick, stop_kicker, warm_up  # noqa: E402

__all__ = ["immediate_enabled", "kick", "run_pass", "stop_kicker", "warm_up"]
