"""SMART Backend Services: a client's signed JWT assertion exchanged for a short-lived token.

The client_credentials grant with `client_assertion_type` jwt-bearer (RFC 7523): the
assertion must be signed RS384 or ES384 by a key of the client's registered JWKS, with
iss = sub = client_id, aud = our token URL, an exp at most 5 minutes ahead, and a jti never
used before (kept until the assertion expires). Time is our injected clock, not PyJWT's, so
PyJWT checks the signature and claims' presence and we check the times.
PyJWT (with cryptography) because it is the maintained, small library the project needs for
exactly this: RS384/ES384 verification against a JWK set, nothing more.
"""
from __future__ import annotations

import datetime as dt

import jwt
from flask import current_app
from sqlalchemy.exc import IntegrityError

from ..auth.tokens import hash_secret, new_token
from ..clock import now
from ..extensions import db
from ..models import FhirAssertionUse, FhirClient, FhirToken

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALGORITHMS = ["RS384", "ES384"]
MAX_ASSERTION_SECONDS = 300
SKEW = dt.timedelta(seconds=60)


class OAuthError(Exception):
    """An RFC 6749 §5.2 error: `invalid_client`, `invalid_scope`, `invalid_request`…"""

    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def token_url() -> str:
    """The token endpoint's URL: the `aud` every assertion must carry."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/oauth/token"


def _client_of(assertion: str) -> FhirClient:
    try:
        unverified = jwt.decode(assertion, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise OAuthError("invalid_client", "client_assertion is not a JWT") from None
    client_id = unverified.get("iss")
    client = db.session.execute(db.select(FhirClient).where(
        FhirClient.client_id == str(client_id))).scalar_one_or_none() if client_id else None
    if client is None or client.revoked_at is not None:
        raise OAuthError("invalid_client", "unknown client", 401)
    return client


def _verify(client: FhirClient, assertion: str) -> dict:
    header = jwt.get_unverified_header(assertion)
    if header.get("alg") not in ALGORITHMS:
        raise OAuthError("invalid_client", "assertion must be signed RS384 or ES384", 401)
    keys = [k for k in jwt.PyJWKSet.from_dict(client.jwks).keys
            if header.get("kid") in (None, k.key_id)]
    for key in keys:
        try:
            return jwt.decode(assertion, key.key, algorithms=ALGORITHMS, audience=token_url(),
                              issuer=client.client_id,
                              options={"require": ["iss", "sub", "aud", "exp", "jti"],
                                       "verify_exp": False, "verify_iat": False,
                                       "verify_nbf": False})
        except jwt.InvalidSignatureError:
            continue
        except jwt.PyJWTError as exc:
            raise OAuthError("invalid_client", f"assertion refused: {exc}", 401) from None
    raise OAuthError("invalid_client", "assertion not signed by a registered key", 401)


def _check_times_and_jti(client: FhirClient, claims: dict) -> None:
    current = now()
    if claims["sub"] != client.client_id:
        raise OAuthError("invalid_client", "sub must equal iss (the client_id)", 401)
    exp = claims["exp"]
    if not isinstance(exp, int | float):
        raise OAuthError("invalid_client", "exp must be a number", 401)
    expires = dt.datetime.fromtimestamp(exp, dt.UTC)
    if expires <= current - SKEW:
        raise OAuthError("invalid_client", "assertion expired", 401)
    if expires > current + dt.timedelta(seconds=MAX_ASSERTION_SECONDS) + SKEW:
        raise OAuthError("invalid_client", "exp more than 5 minutes ahead", 401)
    jti = str(claims["jti"])
    if not jti or len(jti) > 255:
        raise OAuthError("invalid_client", "jti missing or too long", 401)
    db.session.execute(db.delete(FhirAssertionUse).where(FhirAssertionUse.expires_at < current
                                                         - SKEW))
    try:
        with db.session.begin_nested():
            db.session.add(FhirAssertionUse(client_pk=client.id, jti=jti,
                                            expires_at=expires + SKEW))
    except IntegrityError:
        raise OAuthError("invalid_client", "jti already used", 401) from None


def granted_scopes(client: FhirClient, requested: str) -> list[str]:
    """The requested scopes, each of which the client must be registered for."""
    asked = [s for s in (requested or "").split() if s]
    if not asked:
        raise OAuthError("invalid_scope", "scope is required")
    refused = [s for s in asked if s not in client.scopes]
    if refused:
        raise OAuthError("invalid_scope", "not registered for: " + " ".join(refused))
    return asked


def issue(form) -> tuple[dict, FhirClient]:
    """Handle a token request; return the token response and client, or raise OAuthError."""
    if form.get("grant_type") != "client_credentials":
        raise OAuthError("unsupported_grant_type", "grant_type must be client_credentials")
    if form.get("client_assertion_type") != ASSERTION_TYPE or not form.get("client_assertion"):
        raise OAuthError("invalid_request", "a jwt-bearer client_assertion is required")
    assertion = form["client_assertion"]
    client = _client_of(assertion)
    claims = _verify(client, assertion)
    _check_times_and_jti(client, claims)
    scopes = granted_scopes(client, form.get("scope", ""))
    token = new_token()
    lifetime = int(current_app.config["FHIR_TOKEN_SECONDS"])
    db.session.execute(db.delete(FhirToken).where(FhirToken.expires_at < now()))
    db.session.add(FhirToken(token_hash=hash_secret(token), client_pk=client.id, scopes=scopes,
                             issued_at=now(), expires_at=now() + dt.timedelta(seconds=lifetime)))
    return {"access_token": token, "token_type": "bearer", "expires_in": lifetime,
            "scope": " ".join(scopes)}, client


def bearer(token: str) -> tuple[FhirClient, list[str]] | None:
    """The client and scopes of a live bearer token, or None."""
    row = db.session.get(FhirToken, hash_secret(token))
    if row is None or row.expires_at <= now():
        return None
    client = db.session.get(FhirClient, row.client_pk)
    if client is None or client.revoked_at is not None:
        return None
    return client, list(row.scopes)
