"""Password guessing is throttled per (account, address) with growing delays, so a stranger
cannot lock a named nurse out (NIST SP 800-63B §5.2.2), plus a looser per-account cap."""
from __future__ import annotations

import pyotp
import pytest

from server import create_app
from server.clock import now
from server.extensions import db
from server.services import login_throttle
from tests.conftest import PASSWORD, app_config

ATTACKER, NURSE_DESK = "203.0.113.66", "198.51.100.10"


def attempt(client, email, password, address):
    """One password attempt from a browser of its own (no session cookie, so no CSRF)."""
    client = client.application.test_client()
    return client.post("/api/v1/auth/login", json={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def full_login(client, staff, address) -> int:
    client = client.application.test_client()
    r = client.post("/api/v1/auth/login", json={"email": staff.email, "password": PASSWORD},
                    environ_base={"REMOTE_ADDR": address})
    if r.status_code != 200:
        return r.status_code
    code = pyotp.TOTP(staff.totp_secret).at(now())
    return client.post("/api/v1/auth/totp", json={"code": code},
                       environ_base={"REMOTE_ADDR": address}).status_code


def use_free_failures(client, email, address) -> None:
    """Use up the free failures of one address on one account."""
    for _ in range(login_throttle.FREE_FAILURES):
        assert attempt(client, email, "wrong password again", address).status_code == 401


def test_a_stranger_failing_from_one_address_does_not_stop_the_nurse(client, make_staff, clock):
    nurse = make_staff()
    for _ in range(30):
        assert attempt(client, nurse.email, "guessing her password", ATTACKER).status_code in (
            401, 429)
        clock.advance(seconds=1)
    assert full_login(client, nurse, NURSE_DESK) == 200
    assert attempt(client, nurse.email, PASSWORD, ATTACKER).status_code == 429  # still throttled


def test_failures_from_one_address_meet_growing_delays(client, make_staff, clock):
    nurse = make_staff()
    use_free_failures(client, nurse.email, ATTACKER)
    for wait in (30, 60, 120, 240, 480, 900, 900):  # doubling, capped at 15 minutes
        assert attempt(client, nurse.email, "wrong password again", ATTACKER).status_code == 401
        r = attempt(client, nurse.email, "wrong password again", ATTACKER)
        assert r.status_code == 429 and r.json["error"]["code"] == "login_delayed"
        assert int(r.headers["Retry-After"]) >= 1
        clock.advance(seconds=wait - 1)
        assert attempt(client, nurse.email, PASSWORD, ATTACKER).status_code == 429  # not yet
        clock.advance(seconds=1)


def test_the_right_password_after_the_delay_signs_in_and_clears_it(client, make_staff, clock):
    nurse = make_staff()
    use_free_failures(client, nurse.email, NURSE_DESK)
    assert attempt(client, nurse.email, "one more typo here", NURSE_DESK).status_code == 401
    assert attempt(client, nurse.email, PASSWORD, NURSE_DESK).status_code == 429
    clock.advance(seconds=30)
    assert full_login(client, nurse, NURSE_DESK) == 200
    clock.advance(seconds=30)
    assert attempt(client, nurse.email, "a typo after success", NURSE_DESK).status_code == 401
    assert attempt(client, nurse.email, PASSWORD, NURSE_DESK).status_code == 200


def test_an_unknown_email_is_throttled_exactly_like_a_real_one(client, make_staff, clock):
    nurse = make_staff()
    for email in (nurse.email, "nobody-here@example.org"):
        statuses = [attempt(client, email, "wrong password again", ATTACKER).status_code
                    for _ in range(login_throttle.FREE_FAILURES + 2)]
        assert statuses == [401] * (login_throttle.FREE_FAILURES + 1) + [429], email


def test_an_admin_password_reset_clears_the_delay(staff_client, client, make_staff, clock):
    nurse = make_staff(handle="nurse-b")
    use_free_failures(client, nurse.email, NURSE_DESK)
    attempt(client, nurse.email, "wrong password again", NURSE_DESK)
    new = "a brand new passphrase 77"
    assert staff_client.patch(f"/api/v1/staff/admin/staff/{nurse.id}",
                              json={"password": new}).status_code == 200
    assert attempt(client, nurse.email, new, NURSE_DESK).status_code == 200


@pytest.fixture
def capped_app(app, database_url, tmp_path):
    """An app whose per-account cap is 6 failures, so the test needs few password checks."""
    return create_app(app_config(database_url, str(tmp_path / "capped"),
                                 LOGIN_ACCOUNT_FAILURE_CAP=6))


def test_the_account_cap_holds_back_new_addresses_but_not_known_good_ones(capped_app, make_staff,
                                                                         clock):
    client = capped_app.test_client()
    with capped_app.app_context():
        nurse = make_staff()
        assert full_login(client, nurse, NURSE_DESK) == 200  # the nurse's desk is known-good
        clock.advance(seconds=30)
        for i in range(3):  # a botnet: two failures from each of three addresses
            for _ in range(2):
                assert attempt(client, nurse.email, "botnet guess", f"192.0.2.{i}"
                               ).status_code == 401
        r = attempt(client, nurse.email, PASSWORD, "192.0.2.200")
        assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0
        assert full_login(client, nurse, NURSE_DESK) == 200
        clock.advance(seconds=login_throttle.ACCOUNT_COOL_OFF.total_seconds() - 1)
        assert attempt(client, nurse.email, PASSWORD, "192.0.2.200").status_code == 429
        clock.advance(seconds=1)
        assert attempt(client, nurse.email, PASSWORD, "192.0.2.200").status_code == 200
        db.session.remove()


def test_stale_failures_at_made_up_emails_are_dropped(client, make_staff, clock):
    from server.models import LoginThrottle

    for i in range(3):
        attempt(client, f"made-up-{i}@example.org", "wrong password again", ATTACKER)
    clock.advance(hours=25)
    attempt(client, "another@example.org", "wrong password again", ATTACKER)
    db.session.expire_all()
    assert db.session.execute(db.select(db.func.count(LoginThrottle.id))).scalar() == 1
