"""Staff sign-in: password + TOTP, one-time codes, cookies, session limits, CSRF, lockout."""
from __future__ import annotations

import datetime as dt

import pyotp
import pytest

from server.auth.passwords import password_problem
from server.extensions import db
from server.models import AuditEvent, StaffSession
from tests.conftest import PASSWORD, app_config, login


def password_login(client, staff, password=PASSWORD):
    return client.post("/api/v1/auth/login", json={"email": staff.email, "password": password})


def test_password_alone_never_yields_a_session(client, make_staff):
    staff = make_staff()
    r = password_login(client, staff)
    assert r.status_code == 200 and r.json["next"] == "totp"
    assert client.get("/api/v1/auth/me").status_code == 401
    assert client.get("/api/v1/staff/patients").status_code == 401


def test_password_and_totp_yield_a_session_with_a_new_id(client, make_staff):
    staff = make_staff()
    password_login(client, staff)
    half = client.get_cookie("cw_session").value
    login(client, staff)
    full = client.get_cookie("cw_session").value
    assert full != half
    me = client.get("/api/v1/auth/me")
    assert me.status_code == 200 and me.json["staff"]["handle"] == staff.handle


def test_a_totp_code_works_only_once(app, make_staff, clock):
    staff = make_staff()
    code = pyotp.TOTP(staff.totp_secret).at(clock())
    first, second = app.test_client(), app.test_client()
    for c in (first, second):
        password_login(c, staff)
    assert first.post("/api/v1/auth/totp", json={"code": code}).status_code == 200
    assert second.post("/api/v1/auth/totp", json={"code": code}).status_code == 401


def test_failures_do_not_say_which_part_was_wrong(client, make_staff, clock):
    staff = make_staff()
    wrong_password = password_login(client, staff, "not the password at all")
    unknown = client.post("/api/v1/auth/login",
                          json={"email": "nobody@example.org", "password": PASSWORD})
    password_login(client, staff)
    wrong_code = client.post("/api/v1/auth/totp", json={"code": "000000"})
    bodies = {r.status_code for r in (wrong_password, unknown, wrong_code)}
    messages = {r.json["error"]["message"] for r in (wrong_password, unknown, wrong_code)}
    assert bodies == {401} and len(messages) == 1


def test_first_login_enrols_totp(client, make_staff, clock):
    staff = make_staff(totp=False)
    r = password_login(client, staff)
    assert r.json["next"] == "totp_enrol" and r.json["totp_uri"].startswith("otpauth://totp/")
    code = pyotp.TOTP(r.json["totp_secret"]).at(clock())
    assert client.post("/api/v1/auth/totp", json={"code": code}).status_code == 200
    db.session.refresh(staff)
    assert staff.totp_enrolled_at is not None


def test_logout_ends_the_session_on_the_server(client, make_staff):
    staff = make_staff()
    csrf = login(client, staff)
    cookie = client.get_cookie("cw_session").value
    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    client.set_cookie("cw_session", cookie)  # a stolen copy of the cookie is now worthless
    assert client.get("/api/v1/auth/me").status_code == 401


def test_idle_logout_after_15_minutes(client, make_staff, clock):
    staff = make_staff()
    login(client, staff)
    clock.advance(minutes=14)
    assert client.get("/api/v1/auth/me").status_code == 200
    clock.advance(minutes=15, seconds=1)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_absolute_limit_of_12_hours(client, make_staff, clock):
    staff = make_staff()
    login(client, staff)
    started = clock()
    for _ in range(71):  # active every 10 minutes for 11 h 50 min
        clock.advance(minutes=10)
        assert client.get("/api/v1/auth/me").status_code == 200
    clock.advance(minutes=11)
    assert clock() - started > dt.timedelta(hours=12)
    assert client.get("/api/v1/auth/me").status_code == 401


def test_cookie_writes_need_the_csrf_token(client, make_staff):
    staff = make_staff()
    csrf = login(client, staff)
    body = {"display_name": "X", "timezone": "Europe/Berlin", "product": "axi-cel",
            "infused_at": "2026-03-01T10:00:00+01:00"}
    refused = client.post("/api/v1/staff/patients", json=body)
    assert refused.status_code == 403 and refused.json["error"]["code"] == "csrf_failed"
    ok = client.post("/api/v1/staff/patients", json=body, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 201


def test_secure_cookie_outside_development(database_url, _schema, tmp_path, make_staff, clock):
    from server import create_app

    app = create_app(app_config(database_url, str(tmp_path / "i2"), SESSION_COOKIE_SECURE=True))
    with app.app_context():
        staff = make_staff(handle="secure-nurse")
        client = app.test_client()
        r = client.post("/api/v1/auth/login", json={"email": staff.email, "password": PASSWORD},
                        base_url="https://localhost")
        header = r.headers["Set-Cookie"]
        assert header.startswith("__Host-cw_session=")
        for attribute in ("Secure", "HttpOnly", "SameSite=Lax", "Path=/"):
            assert attribute in header
        assert "Domain" not in header
        db.session.remove()
        db.engine.dispose()


def test_repeated_failures_hold_back_that_address(client, make_staff):
    staff = make_staff()
    for _ in range(10):
        password_login(client, staff, "wrong password again")
    assert password_login(client, staff).status_code == 429  # right password, delayed
    denied = db.session.execute(
        db.select(db.func.count(AuditEvent.id)).where(AuditEvent.outcome == "denied")
    ).scalar()
    assert denied >= 10


def test_login_is_rate_limited(database_url, _schema, tmp_path, make_staff):
    from server import create_app

    app = create_app(app_config(database_url, str(tmp_path / "i3"), RATELIMIT_AUTH="3 per minute"))
    client = app.test_client()
    codes = [client.post("/api/v1/auth/login",
                         json={"email": "x@example.org", "password": "y" * 12}).status_code
             for _ in range(5)]
    assert codes[:3] == [401, 401, 401] and codes[3:] == [429, 429]


@pytest.mark.parametrize(
    ("password", "ok"),
    [("short", False), ("a" * 11 + "b", False), ("password1234", False),
     ("correct horse battery staple", True), ("x" * 20 + "yz1!", True),
     ("é" * 3 + "ünïcode pass", True),
     ("Z" * 64 + "abc", True)],
)
def test_password_rules(password, ok):
    assert (password_problem(password) is None) is ok


def test_sessions_are_stored_as_hashes(client, make_staff):
    staff = make_staff()
    login(client, staff)
    cookie = client.get_cookie("cw_session").value
    ids = [s.id_hash for s in db.session.execute(db.select(StaffSession)).scalars()]
    assert cookie not in ids and len(ids[0]) == 64


def test_background_polls_do_not_keep_a_session_alive(client, make_staff, clock):
    staff = make_staff()
    login(client, staff)
    for _ in range(4):  # 16 minutes of polling the queue, nobody at the screen
        clock.advance(minutes=4)
        r = client.get("/api/v1/staff/queue", headers={"X-CW-Background": "1"})
    assert r.status_code == 401
