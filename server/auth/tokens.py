"""Random secrets and their hashes: tokens are shown once and stored only as SHA-256."""
from __future__ import annotations

import hashlib
import hmac
import secrets

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: unambiguous when read aloud or typed from paper.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 12  # 12 symbols of 25 ≈ 55.7 bits; single use, 72 h, rate-limited


def new_token(nbytes: int = 32) -> str:
    """Return a URL-safe random token (32 bytes = 256 bits by default)."""
    return secrets.token_urlsafe(nbytes)


def hash_secret(value: str) -> str:
    """Hash a high-entropy secret for storage and lookup (no salt needed at this entropy)."""
    return hashlib.sha256(value.encode()).hexdigest()


def new_enrolment_code() -> str:
    """Return a code grouped for reading aloud, e.g. 'K7QX-M3TA-9RFC'."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(typed: str) -> str:
    """Canonicalise a typed code: case, spaces and dashes do not matter."""
    cleaned = "".join(ch for ch in typed.upper() if ch.isalnum())
    return "-".join(cleaned[i : i + 4] for i in range(0, len(cleaned), 4))


def constant_time_equal(a: str, b: str) -> bool:
    """Compare two secrets without leaking where they differ."""
    return hmac.compare_digest(a.encode(), b.encode())
