"""Secrets created on first start in instance/ (never committed): secret, audit and VAPID keys."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def secret_key(instance: Path, name: str = "secret_key") -> str:
    """Read instance/<name> (secret_key), creating it with 256 random bits when absent."""
    path = instance / name
    if not path.exists():
        try:
            _write_private(path, secrets.token_hex(32).encode())
        except FileExistsError:
            pass  # another worker made it first
    return path.read_text().strip()


def audit_hmac_key(instance: Path) -> str:
    """Read instance/audit_hmac_key, the audit chain's key, creating it when absent.

    Kept apart from SECRET_KEY so either can be rotated or moved without the other, and
    never in the database: whoever can write the audit table must not hold it.
    """
    return secret_key(instance, "audit_hmac_key")


def vapid_private_pem(instance: Path) -> str:
    """Read instance/vapid_private.pem, creating a P-256 key when absent."""
    path = instance / "vapid_private.pem"
    if not path.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        try:
            _write_private(path, pem)
        except FileExistsError:
            pass
    return path.read_text()
