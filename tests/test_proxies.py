"""TRUSTED_PROXIES: behind a reverse proxy each client has its own rate-limit bucket."""
from __future__ import annotations

import uuid

import pytest

from server import create_app
from server.config import Config
from tests.conftest import app_config


def _login_statuses(app, forwarded_for: str, n: int) -> list[int]:
    client = app.test_client()
    return [client.post("/api/v1/auth/login", json={"email": "x@example.org", "password": "no"},
                        headers={"X-Forwarded-For": forwarded_for}).status_code
            for _ in range(n)]


@pytest.fixture
def proxied_app(app, database_url, tmp_path):
    """Factory: an app whose login limit is 2 per minute, with n trusted proxies."""

    def make(n: int):
        return create_app(app_config(database_url, str(tmp_path / f"i{n}"),
                                     RATELIMIT_AUTH="2 per minute", TRUSTED_PROXIES=n,
                                     RATELIMIT_KEY_PREFIX=uuid.uuid4().hex))

    return make


def test_one_trusted_proxy_gives_each_forwarded_address_its_bucket(proxied_app):
    app = proxied_app(1)
    assert _login_statuses(app, "198.51.100.7", 3) == [401, 401, 429]
    assert _login_statuses(app, "203.0.113.9", 2) == [401, 401]


def test_without_trusted_proxies_the_header_is_ignored(proxied_app):
    app = proxied_app(0)
    assert _login_statuses(app, "198.51.100.7", 2) == [401, 401]
    assert _login_statuses(app, "203.0.113.9", 1) == [429]  # a client cannot pick its bucket


def test_only_the_trusted_hop_is_believed(proxied_app):
    """A client's own X-Forwarded-For entry in front of the proxy's is not a new bucket."""
    app = proxied_app(1)
    assert _login_statuses(app, "6.6.6.1, 198.51.100.7", 2) == [401, 401]
    assert _login_statuses(app, "6.6.6.2, 198.51.100.7", 1) == [429]


def test_trusted_proxies_reads_the_environment():
    assert Config({}).TRUSTED_PROXIES == 0
    assert Config({"TRUSTED_PROXIES": "2"}).TRUSTED_PROXIES == 2
