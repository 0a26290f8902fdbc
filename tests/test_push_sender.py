"""The notifications extension and the worker: settings, answers, Topic, CLI, dev starter."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import app_config
from push_fixtures import make_intent, push_app, subscribe_staff

from notifications import clean_topic, push
from notifications.results import classify, parse_retry_after
from server import create_app, worker
from server.extensions import db
from server.models import NotificationIntent, ScheduledStep

pytestmark = push_app


@pytest.mark.parametrize("sub", ["admin@example.org", "http://example.org", "mailto:nobody"])
def test_vapid_sub_must_be_mailto_or_https(database_url, tmp_path, sub):
    with pytest.raises(ValueError, match="mailto"):
        create_app(app_config(database_url, str(tmp_path), NOTIFICATIONS_VAPID_SUB=sub))


def test_vapid_key_from_configuration(database_url, tmp_path, app):
    pem = (Path(app.instance_path) / "vapid_private.pem").read_text()
    other = create_app(app_config(database_url, str(tmp_path / "other"),
                                  NOTIFICATIONS_VAPID_PRIVATE_KEY=pem))
    with other.app_context():
        configured = push.public_key()
    assert configured == push.public_key()
    assert not (tmp_path / "other" / "vapid_private.pem").exists()


@pytest.mark.parametrize("status, outcome", [
    (201, "ok"), (404, "gone"), (410, "gone"), (429, "retry"), (500, "retry"), (503, "retry"),
    (400, "bug"), (413, "bug"), (401, "vapid"), (403, "vapid"),
])
def test_answers(status, outcome):
    assert classify(status, None).outcome == outcome


def test_retry_after_seconds_or_http_date():
    assert parse_retry_after("120") == 120
    received = dt.datetime(2026, 3, 10, 7, 0, tzinfo=dt.UTC)
    assert parse_retry_after("Tue, 10 Mar 2026 07:01:30 GMT", received) == 90
    assert parse_retry_after("soon") is None


def test_topic_is_url_safe_and_short():
    assert clean_topic("escalation-12") == "escalation-12"
    assert clean_topic("reminder:3/slot 2026-03-10T08:00") == "reminder-3-slot-2026-03-10T08-00"
    assert len(clean_topic("x" * 80)) == 32


def test_fresh_claims_each_call(app, service, make_staff):
    """Two push services in a row: each sees its own aud (pywebpush mutates the claims)."""
    from loopback_push import LoopbackPushService

    nurse = make_staff()
    subscribe_staff(service, nurse)
    with LoopbackPushService() as second:
        subscribe_staff(second, nurse)
        make_intent("staff", nurse.id, purpose="test")
        from server.outbox import passes

        passes.run_pass()
        assert [d.claims["aud"] for d in service.deliveries] == [service.origin]
        assert [d.claims["aud"] for d in second.deliveries] == [second.origin]


def test_worker_tick_runs_due_work_and_dispatch(app, service, clock, make_staff, make_patient):
    nurse = make_staff()
    subscribe_staff(service, nurse)
    make_patient()  # its schedule is planned by the due-work pass
    make_intent("staff", nurse.id, purpose="test")
    result = worker.run_once(app)
    assert result["due"].get("plan") == 1
    assert result["dispatch"].get("sent", 0) >= 1
    assert db.session.execute(db.select(ScheduledStep).where(
        ScheduledStep.kind == "plan", ScheduledStep.state == "done")).first()


def test_worker_command_until_idle(app, service, make_staff):
    nurse = make_staff()
    subscribe_staff(service, nurse)
    rows = [make_intent("staff", nurse.id, purpose="test") for _ in range(3)]
    out = app.test_cli_runner().invoke(args=["worker", "--until-idle"])
    assert out.exit_code == 0 and "idle after" in out.output
    db.session.expire_all()
    assert {db.session.get(NotificationIntent, r.id).state for r in rows} == {"sent"}


@pytest.mark.fresh_app  # what building an app starts
def test_dev_starter_registered_and_nothing_started(app):
    assert worker.start_background in app.extensions["cartwatch.dev_starters"]
    assert "cartwatch.worker" not in app.extensions
    assert "cartwatch.dispatch_kicker" not in app.extensions
