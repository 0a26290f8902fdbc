"""Brute force on login, TOTP and enrolment codes: limited and locked out across 2 workers."""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pyotp
import pytest

from bench.http import call
from bench.procs import gunicorn
from server.config import Config
from server.extensions import db
from server.models import Staff
from tests.conftest import PASSWORD, secure_passwords

pytestmark = pytest.mark.slow
REDIS = "redis://127.0.0.1:6379"


def _redis_up() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=1).ping())
    except Exception:  # noqa: BLE001 - any failure means no Redis here
        return False


needs_redis = pytest.mark.skipif(not _redis_up(), reason="no Redis on 127.0.0.1:6379")


def _env(database_url: str, tmp_path, limit: str) -> dict:
    return {"DATABASE_URL": database_url, "CARTWATCH_ENV": "production",
            "SECRET_KEY": "abuse-test", "SESSION_COOKIE_SECURE": "0",
            "RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_AUTH": limit,
            "RATELIMIT_KEY_PREFIX": "test-" + uuid.uuid4().hex, "LOG_LEVEL": "WARNING"}


def _many(fn, n: int, threads: int = 8) -> list:
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(fn, range(n)))


def test_production_refuses_per_process_limiter_memory():
    with pytest.raises(ValueError, match="memory://"):
        Config({"CARTWATCH_ENV": "production"})
    Config({"CARTWATCH_ENV": "production", "RATELIMIT_STORAGE_URI": REDIS})
    Config({"CARTWATCH_ENV": "development"})


@needs_redis
def test_the_limit_is_shared_by_both_workers(app, make_staff, database_url, tmp_path):
    staff = make_staff()
    email = staff.email
    with gunicorn(_env(database_url, tmp_path, "5 per minute"), log_dir=tmp_path) as server:
        def attempt(i):  # one guess per email: the per-address limiter alone answers 429
            return call("POST", server.url + "/api/v1/auth/login",
                        {"email": f"{i}-{email}", "password": f"wrong-{i}"})

        answers = _many(attempt, 24)
        pids = server.worker_pids()
    statuses = sorted(status for status, _, _ in answers)
    assert statuses.count(401) == 5 and statuses.count(429) == 19, statuses
    assert all(body["error"]["status"] == status for status, body, _ in answers)
    assert len(pids) == 2, "both workers must have served some of the attempts"


@needs_redis
@secure_passwords  # a full-cost verify keeps one worker busy, so both serve the guesses
def test_password_guessing_is_held_back_per_address_across_workers(app, make_staff,
                                                                   database_url, tmp_path):
    """Behind one trusted proxy: the guessing address waits, the nurse's address does not."""
    staff = make_staff()
    email = staff.email
    env = {**_env(database_url, tmp_path, "1000 per minute"), "TRUSTED_PROXIES": "1"}
    attacker, nurse = {"X-Forwarded-For": "203.0.113.66"}, {"X-Forwarded-For": "198.51.100.10"}
    with gunicorn(env, log_dir=tmp_path) as server:
        def guess(i):
            return call("POST", server.url + "/api/v1/auth/login",
                        {"email": email, "password": f"guess-{i}"}, headers=attacker)[0]

        statuses = _many(guess, 20)
        status, body, _ = call("POST", server.url + "/api/v1/auth/login",
                               {"email": staff.email, "password": PASSWORD}, headers=attacker)
        own, _, _ = call("POST", server.url + "/api/v1/auth/login",
                         {"email": staff.email, "password": PASSWORD}, headers=nurse)
        assert len(server.worker_pids()) == 2
    assert set(statuses) == {401, 429} and statuses.count(429) >= 10, statuses
    assert status == 429, "the right password must wait out the guessing address's delay"
    assert own == 200, "a stranger's guesses must not lock the nurse out"
    db.session.expire_all()
    assert db.session.get(Staff, staff.id).locked_until is None


@needs_redis
def test_totp_guessing_locks_the_account(app, make_staff, database_url, tmp_path):
    staff = make_staff()
    with gunicorn(_env(database_url, tmp_path, "1000 per minute"), log_dir=tmp_path) as server:
        status, _, headers = call("POST", server.url + "/api/v1/auth/login",
                                  {"email": staff.email, "password": PASSWORD})
        assert status == 200
        cookie = {"Cookie": headers["Set-Cookie"].split(";")[0]}
        right = pyotp.TOTP(staff.totp_secret).now()
        wrong = [f"{(int(right) + k) % 1_000_000:06d}" for k in range(1, 13)]

        def guess(i):
            return call("POST", server.url + "/api/v1/auth/totp", {"code": wrong[i]},
                        headers=cookie)[0]

        assert set(_many(guess, 12, threads=4)) == {401}
        status, _, _ = call("POST", server.url + "/api/v1/auth/totp", {"code": right},
                            headers=cookie)
    assert status == 401, "the right code must not open a locked account"


@needs_redis
def test_enrolment_code_guessing_is_limited_then_locked_out(app, make_patient, make_staff,
                                                             database_url, tmp_path):
    from server import transaction
    from server.services.enrolment import issue_code

    patient = make_patient()
    with transaction.job():  # committed before the gunicorn workers look for it
        code = issue_code(patient, "patient", None, make_staff())["code"]
    with gunicorn(_env(database_url, tmp_path, "5 per minute"), log_dir=tmp_path) as server:
        def guess(i):
            return call("POST", server.url + "/api/v1/enrol",
                        {"code": f"AAAA-AAAA-{i:04d}"})[0]

        statuses = sorted(_many(guess, 12))
        status, _, headers = call("POST", server.url + "/api/v1/enrol", {"code": code})
    assert statuses.count(400) == 5 and statuses.count(429) == 7, statuses
    assert status == 429 and int(headers["Retry-After"]) > 0
