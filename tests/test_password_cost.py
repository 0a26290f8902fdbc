"""Argon2 cost settings: the tests' cheap parameters are refused outside TESTING, and a hash
keeps its own parameters, so one made at another cost still verifies."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from server.auth.passwords import hash_password, verify_password
from server.config import Config


def test_config_refuses_a_cost_below_the_secure_default():
    with pytest.raises(ValueError, match="PASSWORD_HASH_MEMORY_COST"):
        Config({"PASSWORD_HASH_MEMORY_COST": "1024"})
    assert Config({"PASSWORD_HASH_TIME_COST": "4"}).PASSWORD_HASH_TIME_COST == 4
    assert Config({}).PASSWORD_HASH_TIME_COST is None  # the library's default


def test_cheap_parameters_only_under_testing(app):
    assert "$m=8,t=1,p=1$" in hash_password("a long enough password")
    app.config["TESTING"] = False
    with pytest.raises(ValueError, match="PASSWORD_HASH_TIME_COST"):
        hash_password("a long enough password")


def test_hashes_made_at_another_cost_still_verify(app):
    secure = PasswordHasher().hash("made at full cost")
    assert verify_password(secure, "made at full cost")
    assert not verify_password(secure, "another password")
    assert not verify_password(None, "made at full cost")


def test_outside_an_app_the_secure_defaults_apply():
    default = PasswordHasher()
    assert f"$m={default.memory_cost},t={default.time_cost},p={default.parallelism}$" in (
        hash_password("a long enough password"))
