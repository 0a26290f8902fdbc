"""No server-side request forgery through push endpoints: the rule, its setting, send time.

A subscription row stored before the endpoint rule existed must not be sent to; a push
service answering with a redirect is a failed attempt, and the redirect is never followed.
"""
from __future__ import annotations

import pytest
from conftest import app_config
from loopback_push import ConnectionCounter
from push_fixtures import intent_state, make_intent, open_escalation, push_app, subscribe_staff

from notifications import endpoints, push
from server import create_app
from server.config import Config
from server.extensions import db
from server.models import DeliveryAttempt, Escalation, PushSubscription
from server.outbox import passes

pytestmark = push_app


def test_a_private_push_service_is_added_by_host_suffix():
    extra = endpoints.parse_hosts(" push.example.org , .eu.push.example.net")
    assert extra == ("push.example.org", "eu.push.example.net")
    for ok in ("https://push.example.org/s/1", "https://a.push.example.org/s/1",
               "https://eu.push.example.net/s/1"):
        assert endpoints.problem(ok, extra) is None, ok
    assert endpoints.problem("https://push.example.org/s/1") is not None  # not by default
    for still_refused in ("https://push.example.org:8443/s", "http://push.example.org/s",
                          "https://xpush.example.org/s", "https://push.example.net/s"):
        assert endpoints.problem(still_refused, extra) is not None, still_refused


@pytest.mark.parametrize("value", ["10.0.0.1", "push.example.org,127.0.0.1", "[::1]",
                                   "localhost", "push.example.org:8443"])
def test_extra_push_hosts_must_be_dns_names(database_url, tmp_path, value):
    with pytest.raises(ValueError, match="NOTIFICATIONS_EXTRA_PUSH_HOSTS"):
        create_app(app_config(database_url, str(tmp_path), NOTIFICATIONS_EXTRA_PUSH_HOSTS=value))


def test_extra_push_hosts_from_the_environment(database_url, tmp_path):
    config = Config({"NOTIFICATIONS_EXTRA_PUSH_HOSTS": "push.example.org"})
    assert config.NOTIFICATIONS_EXTRA_PUSH_HOSTS == "push.example.org"
    assert "NOTIFICATIONS_ALLOW_HTTP_LOOPBACK" not in Config(
        {"NOTIFICATIONS_ALLOW_HTTP_LOOPBACK": "1"}).as_dict(), "test-only: never from env"
    other = create_app(app_config(database_url, str(tmp_path),
                                  NOTIFICATIONS_EXTRA_PUSH_HOSTS="push.example.org"))
    with other.app_context():
        assert push.endpoint_problem("https://push.example.org/s/1") is None
        assert push.endpoint_problem("http://127.0.0.1:8080/push/s1") is not None


def test_the_loopback_switch_is_refused_in_production(database_url, tmp_path):
    with pytest.raises(ValueError, match="NOTIFICATIONS_ALLOW_HTTP_LOOPBACK"):
        create_app(app_config(database_url, str(tmp_path), TESTING=False, DEVELOPMENT=False,
                              NOTIFICATIONS_ALLOW_HTTP_LOOPBACK=True))


def test_the_loopback_switch_allows_only_http_on_loopback():
    allowed = ("http://127.0.0.1:6390/push/s1", "http://localhost:6390/push/s1")
    for endpoint in allowed:
        assert endpoints.problem(endpoint, allow_loopback=True) is None
        assert endpoints.problem(endpoint) is not None
    for endpoint in ("http://10.0.0.1:6390/x", "http://[::1]:6390/x", "https://127.0.0.1:6390/x",
                     "http://u@127.0.0.1:6390/x", "http://127.0.0.1/x"):
        assert endpoints.problem(endpoint, allow_loopback=True) is not None, endpoint


@pytest.mark.parametrize("template", ["https://127.0.0.1:{port}/latest/meta-data/",
                                      "HTTPS://127.0.0.1:{port}/upper",
                                      "https://localhost:{port}/a"])
def test_a_row_stored_before_the_rule_is_never_sent_to(app, service, make_staff, template):
    nurse = make_staff()
    good = subscribe_staff(service, nurse)
    with ConnectionCounter() as hostile:
        bad = subscribe_staff(service, nurse)
        bad.endpoint = template.format(port=hostile.port)  # as a phone registered it once
        db.session.commit()
        intent = make_intent("staff", nurse.id, purpose="test")
        assert passes.run_pass() == {"sent": 1}
    assert hostile.connections == 0
    assert len(service.for_endpoint(good.endpoint)) == 1
    (attempt,) = db.session.execute(db.select(DeliveryAttempt).where(
        DeliveryAttempt.subscription_id == bad.id)).scalars()
    assert attempt.outcome == "refused" and attempt.error.startswith("endpoint")
    assert intent_state(intent.id).state == "sent"
    assert db.session.get(PushSubscription, bad.id).deactivated_reason == "endpoint_refused"


def test_a_redirect_is_a_failed_attempt_and_is_not_followed(app, service, make_staff):
    nurse = make_staff()
    sub = subscribe_staff(service, nurse)
    target = f"{service.origin}/latest/meta-data/iam/security-credentials/"
    service.fail((307, {"Location": target}), endpoint=sub.endpoint)
    intent = make_intent("staff", nurse.id, purpose="test")
    assert passes.run_pass() == {"failed": 1}
    sub_id = sub.endpoint.rsplit("/", 1)[1]
    assert service.requests == [(sub_id, 307)], "one request: the redirect was not followed"
    (attempt,) = db.session.execute(db.select(DeliveryAttempt)).scalars()
    assert (attempt.outcome, attempt.status_code) == ("redirect", 307)
    row = intent_state(intent.id)
    assert row.state == "failed" and "redirect" in row.last_error


def test_a_staff_alert_with_only_a_refused_subscription_moves_the_ladder_on(
        app, service, make_staff, make_patient):
    first, second = make_staff(handle="tier-one", tier=1), make_staff(handle="tier-two", tier=2)
    backup = subscribe_staff(service, second)
    with ConnectionCounter() as hostile:
        only = subscribe_staff(service, first)
        only.endpoint = f"https://127.0.0.1:{hostile.port}/x"  # stored before the rule
        db.session.commit()
        escalation = open_escalation(make_patient())
        alert = make_intent("staff", first.id, purpose="escalation", urgency="high",
                            escalation_id=escalation.id, severity="urgent")
        passes.run_pass()
    assert hostile.connections == 0
    row = intent_state(alert.id)
    assert row.state == "failed" and row.last_error.startswith("endpoint")
    escalation = db.session.get(Escalation, escalation.id)
    assert escalation.undeliverable_reason.startswith("push_refused")
    assert escalation.ladder_level == 2 and len(service.for_endpoint(backup.endpoint)) == 1
