"""Configuration from environment variables, with explicit converters and safe defaults."""
from __future__ import annotations

import os
from pathlib import Path

from .sqlite_writer import WriterLockedConnection


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(value: str | None, default: int) -> int:
    return default if value in (None, "") else int(value)


def _optional_int(value: str | None) -> int | None:
    return None if value in (None, "") else int(value)


class Config:
    """Every setting CARTwatch reads; the README lists each with its default."""

    def __init__(self, environ: dict[str, str] | None = None, instance_path: str = "instance"):
        env = os.environ if environ is None else environ
        self.ENV_NAME = env.get("CARTWATCH_ENV", "development")
        self.DEVELOPMENT = self.ENV_NAME == "development"
        default_db = "sqlite:///" + str(Path(instance_path).resolve() / "cartwatch.sqlite3")
        self.SQLALCHEMY_DATABASE_URI = normalise_db_url(env.get("DATABASE_URL") or default_db)
        self.SECRET_KEY = env.get("SECRET_KEY")  # read from instance/ when absent
        self.AUDIT_HMAC_KEY = env.get("AUDIT_HMAC_KEY")  # read from instance/ when absent
        self.AUDIT_CHECKPOINT_DIR = env.get("AUDIT_CHECKPOINT_DIR")  # instance/audit-checkpoints
        self.AUDIT_CHECKPOINT_MINUTES = _int(env.get("AUDIT_CHECKPOINT_MINUTES"), 60)
        if self.AUDIT_CHECKPOINT_MINUTES < 1:  # no "off": the checkpoints are what show a cut
            raise ValueError("AUDIT_CHECKPOINT_MINUTES must be at least 1")
        self.SESSION_COOKIE_SECURE = _bool(env.get("SESSION_COOKIE_SECURE"), not self.DEVELOPMENT)
        self.STAFF_IDLE_MINUTES = _int(env.get("STAFF_IDLE_MINUTES"), 15)
        self.STAFF_ABSOLUTE_HOURS = _int(env.get("STAFF_ABSOLUTE_HOURS"), 12)
        self.ENROLMENT_CODE_HOURS = _int(env.get("ENROLMENT_CODE_HOURS"), 72)
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory://")
        if not self.DEVELOPMENT and self.RATELIMIT_STORAGE_URI.startswith("memory://"):
            # per-process counters: each gunicorn worker would allow the full limit again
            raise ValueError("RATELIMIT_STORAGE_URI=memory:// is for development only; set "
                             "redis://host:6379 so every worker shares the limiter counters")
        self.RATELIMIT_KEY_PREFIX = env.get("RATELIMIT_KEY_PREFIX", "cartwatch")
        self.RATELIMIT_HEADERS_ENABLED = True
        self.RATELIMIT_AUTH = env.get("RATELIMIT_AUTH", "10 per minute;50 per hour")
        # wrong passwords for one account from all addresses (last 24 h) after which addresses
        # that never signed in to it wait an hour (NIST SP 800-63B: at most 100)
        self.LOGIN_ACCOUNT_FAILURE_CAP = _int(env.get("LOGIN_ACCOUNT_FAILURE_CAP"), 100)
        # reverse proxies in front of us that append X-Forwarded-For / -Proto; 0 = trust none,
        # so a client cannot choose its own address (and rate-limit bucket) by sending them
        self.TRUSTED_PROXIES = _int(env.get("TRUSTED_PROXIES"), 0)
        # argon2id cost of new staff password hashes (auth/passwords.py): the library's
        # recommended values when unset; lower values are refused unless TESTING
        self.PASSWORD_HASH_TIME_COST = _optional_int(env.get("PASSWORD_HASH_TIME_COST"))
        self.PASSWORD_HASH_MEMORY_COST = _optional_int(env.get("PASSWORD_HASH_MEMORY_COST"))
        self.PASSWORD_HASH_PARALLELISM = _optional_int(env.get("PASSWORD_HASH_PARALLELISM"))
        from .auth.passwords import check_cost

        check_cost(vars(self), testing=False)
        self.MAX_CONTENT_LENGTH = _int(env.get("MAX_CONTENT_LENGTH"), 1_000_000)
        self.NOTIFICATIONS_VAPID_PRIVATE_KEY = env.get("NOTIFICATIONS_VAPID_PRIVATE_KEY")
        self.NOTIFICATIONS_VAPID_SUB = env.get(
            "NOTIFICATIONS_VAPID_SUB", "mailto:cartwatch-admin@example.org"
        )
        self.NOTIFICATIONS_TTL_SECONDS = _int(env.get("NOTIFICATIONS_TTL_SECONDS"), 3600)
        self.NOTIFICATIONS_TIMEOUT_SECONDS = _int(env.get("NOTIFICATIONS_TIMEOUT_SECONDS"), 10)
        self.WORKER_INTERVAL_SECONDS = _int(env.get("WORKER_INTERVAL_SECONDS"), 5)
        # rotas: admins are warned this many hours before a tier is left with nobody on duty
        # (POLICY.md names no number; services/rota_notices.py)
        self.ROTA_COVERAGE_WARNING_HOURS = _int(env.get("ROTA_COVERAGE_WARNING_HOURS"), 2)
        immediate = env.get("NOTIFICATIONS_IMMEDIATE")  # unset: on, except tests and replays
        self.NOTIFICATIONS_IMMEDIATE = None if not immediate else _bool(immediate, True)
        self.NOTIFICATIONS_SEND_THREADS = _int(env.get("NOTIFICATIONS_SEND_THREADS"), 1)
        # host suffixes of a private push service, beside the browsers' (notifications/
        # endpoints.py); NOTIFICATIONS_ALLOW_HTTP_LOOPBACK is for tests: create_app(config)
        self.NOTIFICATIONS_EXTRA_PUSH_HOSTS = env.get("NOTIFICATIONS_EXTRA_PUSH_HOSTS", "")
        self.NOTIFICATIONS_QUARANTINE_AFTER = _int(env.get("NOTIFICATIONS_QUARANTINE_AFTER"), 3)
        self.PUBLIC_URL = env.get("PUBLIC_URL", "http://127.0.0.1:5000")
        # channels beyond Web Push (notifications/channels/): all off until configured
        self.CHANNELS_TWILIO_BASE_URL = env.get("CHANNELS_TWILIO_BASE_URL",
                                                "https://api.twilio.com")
        self.CHANNELS_TWILIO_ACCOUNT_SID = env.get("CHANNELS_TWILIO_ACCOUNT_SID", "")
        self.CHANNELS_TWILIO_AUTH_TOKEN = env.get("CHANNELS_TWILIO_AUTH_TOKEN", "")  # secret
        self.CHANNELS_TWILIO_FROM = env.get("CHANNELS_TWILIO_FROM", "")
        self.CHANNELS_PAGERDUTY_URL = env.get("CHANNELS_PAGERDUTY_URL",
                                              "https://events.pagerduty.com/v2/enqueue")
        self.CHANNELS_WEBHOOK_ALLOW_PRIVATE = _bool(env.get("CHANNELS_WEBHOOK_ALLOW_PRIVATE"),
                                                    False)
        # SQLite: BEGIN IMMEDIATE outside requests too (jobs, CLI); tests switch it off
        self.SQLITE_IMMEDIATE_OUTSIDE_REQUESTS = _bool(
            env.get("SQLITE_IMMEDIATE_OUTSIDE_REQUESTS"), True)
        self.LOG_LEVEL = env.get("LOG_LEVEL", "INFO")
        # FHIR: lifetime of a backend-services bearer token (SMART recommends at most 5 min)
        self.FHIR_TOKEN_SECONDS = _int(env.get("FHIR_TOKEN_SECONDS"), 300)
        if not 30 <= self.FHIR_TOKEN_SECONDS <= 3600:
            raise ValueError("FHIR_TOKEN_SECONDS must be between 30 and 3600")
        self.API_TITLE = "CARTwatch API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.TESTING = False

    def as_dict(self) -> dict:
        """Return the settings as a mapping for app.config.from_mapping."""
        return {k: v for k, v in vars(self).items() if k.isupper()}


def normalise_db_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs written the common way."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def engine_options(url: str) -> dict:
    """Pool settings: PostgreSQL recovers from restarts (pre-ping) and commits synchronously."""
    if url.startswith("postgresql"):
        return {
            "pool_pre_ping": True,
            "pool_size": 10,
            "max_overflow": 20,
            "connect_args": {"options": "-c synchronous_commit=on", "connect_timeout": 5},
        }
    return {"connect_args": {"timeout": 30, "factory": WriterLockedConnection}}  # queue writers
