"""VAPID keys: load the private key (configuration or instance/), derive the public key."""
from __future__ import annotations

import base64
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid


def b64url(data: bytes) -> str:
    """Unpadded base64url, as Web Push uses everywhere."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    """Decode base64url with or without padding."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_private_key(value: str | None, instance: Path) -> ec.EllipticCurvePrivateKey:
    """The VAPID key from configuration (PEM, or raw 32-byte base64url) or instance/."""
    if not value:
        from server.instance_secrets import vapid_private_pem

        value = vapid_private_pem(instance)
    value = value.strip()
    if value.startswith("-----BEGIN"):
        key = serialization.load_pem_private_key(value.encode(), password=None)
    else:
        raw = b64url_decode(value)
        if len(raw) == 32:
            key = ec.derive_private_key(int.from_bytes(raw, "big"), ec.SECP256R1())
        else:
            key = serialization.load_der_private_key(raw, password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or key.curve.name != "secp256r1":
        raise ValueError("the VAPID key must be an EC P-256 private key")
    return key


def public_key_b64(key: ec.EllipticCurvePrivateKey) -> str:
    """The applicationServerKey browsers need: the uncompressed P-256 point, base64url."""
    point = key.public_key().public_bytes(serialization.Encoding.X962,
                                          serialization.PublicFormat.UncompressedPoint)
    return b64url(point)


def signer(key: ec.EllipticCurvePrivateKey) -> Vapid:
    """A py_vapid signer over the key (pywebpush accepts it in place of a PEM path)."""
    return Vapid(key)
