"""Staff passwords: argon2id hashes, length rules and a refused-password list (NIST 800-63B)."""
from __future__ import annotations

from functools import lru_cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context

MIN_LENGTH = 12
MAX_LENGTH = 128

# argon2id with the library's current recommended parameters (RFC 9106, low-memory profile);
# config may raise them, and lower them only under TESTING (PASSWORD_HASH_* in config.py)
_SECURE = PasswordHasher()
SECURE_COST = {"PASSWORD_HASH_TIME_COST": _SECURE.time_cost,
               "PASSWORD_HASH_MEMORY_COST": _SECURE.memory_cost,
               "PASSWORD_HASH_PARALLELISM": _SECURE.parallelism}


def check_cost(settings, testing: bool) -> None:
    """Refuse argon2 parameters below the secure defaults unless the app is under test."""
    if testing:
        return
    for key, floor in SECURE_COST.items():
        value = settings.get(key)
        if value is not None and int(value) < floor:
            raise ValueError(f"{key} must be at least {floor} (lower only with TESTING)")


@lru_cache(maxsize=8)
def _hasher_for(time_cost: int, memory_cost: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism)


def _hasher() -> PasswordHasher:
    """The hasher for the current app's parameters (the secure defaults outside an app)."""
    if not has_app_context():
        return _SECURE
    config = current_app.config
    check_cost(config, bool(config.get("TESTING")))
    cost = [int(config.get(key) or floor) for key, floor in SECURE_COST.items()]
    return _hasher_for(*cost)


@lru_cache(maxsize=8)
def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash to verify against when there is no account; made on first use, not at import,
    with the same parameters as real hashes so that both take the same time."""
    return hasher.hash("cartwatch-dummy-password-for-timing")


@lru_cache(maxsize=1)
def _refused() -> frozenset[str]:
    text = resources.files("server.auth").joinpath("refused_passwords.txt").read_text()
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip())


def password_problem(password: str) -> str | None:
    """Say why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters"
    if password.lower() in _refused() or len(set(password)) < 4:
        return "is too common or appears in a breached-password list"
    return None


def hash_password(password: str) -> str:
    """Return an argon2id hash of the password."""
    return _hasher().hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password; spends the same time when there is no account, to hide which.
    A stored hash carries its own parameters, so hashes made with other costs still verify."""
    hasher = _hasher()
    try:
        return (hasher.verify(stored_hash or _dummy_hash(hasher), password)
                and stored_hash is not None)
    except (VerificationError, InvalidHashError):
        return False
