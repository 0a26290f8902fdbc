"""Register backend-services clients: a client id, its centre, its public JWKS, its scopes.

Used by `flask fhir register-client` and the admin API. The JWKS must hold public RSA
(2048 bits or more) or EC P-384 keys only: a private key pasted by mistake is refused, not
stored.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import click
import jwt
from flask.cli import with_appcontext

from ..audit import trail as audit
from ..errors import field_error
from ..extensions import db
from ..models import Centre, FhirClient
from .common import PATIENT_TYPES

CLIENT_ID = re.compile(r"[A-Za-z0-9._-]{3,64}")
SCOPE = re.compile(r"system/(\*|" + "|".join(PATIENT_TYPES) + r")\.(read|rs)")
PRIVATE_PARTS = ("d", "p", "q", "dp", "dq", "qi", "k")


def check_jwks(jwks) -> dict:
    """A JWK set of public signing keys we can verify RS384 / ES384 with."""
    if isinstance(jwks, str):
        try:
            jwks = json.loads(jwks)
        except ValueError:
            raise field_error("jwks", "is not JSON") from None
    if not isinstance(jwks, dict) or not isinstance(jwks.get("keys"), list) or not jwks["keys"]:
        raise field_error("jwks", "must be a JWK set with at least one key")
    for key in jwks["keys"]:
        if not isinstance(key, dict) or any(part in key for part in PRIVATE_PARTS):
            raise field_error("jwks", "must hold public keys only")
        if key.get("kty") == "RSA":
            ok = len(_b64len(key.get("n", ""))) >= 256
        else:
            ok = key.get("kty") == "EC" and key.get("crv") == "P-384"
        if not ok:
            raise field_error("jwks", "keys must be RSA (2048 bits or more) or EC P-384")
    try:
        jwt.PyJWKSet.from_dict(jwks)
    except jwt.PyJWTError as exc:
        raise field_error("jwks", f"unusable: {exc}") from None
    return jwks


def _b64len(text: str) -> bytes:
    import base64

    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def register(centre_id: int, client_id: str, name: str, jwks, scopes: list[str]) -> FhirClient:
    """Create a client after checking every field (422 naming the field)."""
    if not isinstance(client_id, str) or not CLIENT_ID.fullmatch(client_id):
        raise field_error("client_id", "3–64 of A–Z a–z 0–9 . _ -")
    if db.session.execute(db.select(FhirClient.id).where(
            FhirClient.client_id == client_id)).first():
        raise field_error("client_id", "is already registered", 409)
    if db.session.get(Centre, centre_id) is None:
        raise field_error("centre_id", "no such centre")
    if not scopes or not all(isinstance(s, str) and SCOPE.fullmatch(s) for s in scopes):
        raise field_error("scopes", "each like system/Observation.read or system/*.read")
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 200:
        raise field_error("name", "1–200 characters")
    client = FhirClient(client_id=client_id, centre_id=centre_id, name=name.strip(),
                        jwks=check_jwks(jwks), scopes=list(dict.fromkeys(scopes)))
    db.session.add(client)
    db.session.flush()
    audit.record("fhir.client.create", detail={"client": client.id})
    return client


@click.group("fhir")
def fhir_cli() -> None:
    """FHIR API: backend-services clients."""


@fhir_cli.command("register-client")
@click.option("--client-id", required=True)
@click.option("--centre-id", type=int, required=True)
@click.option("--name", required=True)
@click.option("--jwks", "jwks_text", required=True,
              help="the client's public JWK set: inline JSON, or @FILE to read it from a file")
@click.option("--scope", "scopes", multiple=True, required=True,
              help="allowed scope, e.g. system/*.read (repeat for several)")
@with_appcontext
def register_client(client_id, centre_id, name, jwks_text, scopes) -> None:
    """Register an EHR or warehouse that will sign its token requests with these keys."""
    from ..errors import ApiError

    if jwks_text.startswith("@"):
        jwks_text = Path(jwks_text[1:]).read_text()
    try:
        client = register(centre_id, client_id, name, jwks_text, list(scopes))
    except ApiError as exc:
        raise click.BadParameter(json.dumps(exc.data.get("fields"))) from None
    db.session.commit()
    click.echo(f"registered {client.client_id} for centre {client.centre_id}: "
               + " ".join(client.scopes))
