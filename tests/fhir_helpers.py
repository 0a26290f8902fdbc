"""FHIR test helpers: an EHR's key pair and signed assertions, a registered client, a seeded
course (check-ins of every kind through the device API, an escalation, notifications)."""
from __future__ import annotations

import datetime as dt
import json
import uuid

import jwt
import numpy as np
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from measures_synth import handwriting, motion, random_holder, random_writer

from server.clock import now
from server.extensions import db
from server.fhir import clients
from server.models import NotificationIntent, Receipt, Staff

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


class Ehr:
    """A backend-services client: its private key, and the public JWKS it registers."""

    def __init__(self, alg: str = "RS384", kid: str | None = None):
        self.alg, self.kid = alg, kid or uuid.uuid4().hex[:8]
        if alg == "RS384":
            self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        else:
            self.key = ec.generate_private_key(ec.SECP384R1())
            jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "alg": alg, "use": "sig"})
        self.jwks = {"keys": [jwk]}
        self.client_id = f"ehr-{uuid.uuid4().hex[:8]}"

    def register(self, centre_id: int, scopes=("system/*.read",)):
        """Register this client for a centre (as `flask fhir register-client` does)."""
        client = clients.register(centre_id, self.client_id, "Test EHR", self.jwks, list(scopes))
        db.session.commit()
        return client

    def assertion(self, aud: str = "http://localhost/oauth/token", *, lifetime: int = 240,
                  jti: str | None = None, iss: str | None = None, key=None, at=None) -> str:
        """A signed client assertion (RFC 7523), valid for `lifetime` seconds from `at`."""
        start = at or now()
        claims = {"iss": iss or self.client_id, "sub": iss or self.client_id, "aud": aud,
                  "exp": int((start + dt.timedelta(seconds=lifetime)).timestamp()),
                  "jti": jti or uuid.uuid4().hex}
        return jwt.encode(claims, key or self.key, algorithm=self.alg,
                          headers={"kid": self.kid})

    def token_form(self, scope: str = "system/*.read", **kwargs) -> dict:
        """The form of a token request."""
        return {"grant_type": "client_credentials", "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": self.assertion(**kwargs), "scope": scope}

    def token(self, client, scope: str = "system/*.read") -> str:
        """Obtain a bearer token through the token endpoint."""
        r = client.post("/oauth/token", data=self.token_form(scope))
        assert r.status_code == 200, r.json
        return r.json["access_token"]


def post(client, headers, body):
    """Post one check-in from a phone."""
    r = client.post("/api/v1/checkins", json=body,
                    headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
    assert r.status_code == 201, r.json
    return r.json


def seed_course(client, clock, patient, enrol, make_staff) -> dict:
    """A patient's course: every kind of entry, one escalation, its notifications."""
    nurse = make_staff(handle=f"nurse-{uuid.uuid4().hex[:4]}", centre_id=patient.centre_id)
    me, carer = enrol(patient), enrol(patient, "caregiver")
    rng = np.random.default_rng(7)
    writer, holder = random_writer(rng), random_holder(rng)
    ids = {}
    ids["baseline"] = post(client, me, {
        "temperature": {"value": 36.8, "unit": "C"},
        "vitals": {"heart_rate": 72, "systolic_bp": 124, "spo2": 98, "respiratory_rate": 14},
        "ice": {"orientation": 4, "naming": 3, "commands": 1, "writing": 1, "attention": 1,
                "self": True},
        "handwriting": {"judgement": "same", "strokes": handwriting(writer, rng)},
        "tremor": {"rating": "none", "motion": motion(holder, rng)}})["id"]
    clock.advance(hours=6)
    ids["fahrenheit"] = post(client, carer, {
        "temperature": {"value": 99.5, "unit": "F"},
        "ice": {"orientation": 3, "naming": 3, "commands": 1, "writing": 1, "attention": 1},
        "symptoms": ["sleepy"], "antipyretic": False})["id"]
    clock.advance(hours=6)
    fever = post(client, carer, {"temperature": {"value": 38.6, "unit": "C"},
                                 "vitals": {"heart_rate": 118}, "symptoms": ["rigors"],
                                 "antipyretic": True, "antipyretic_kind": "paracetamol",
                                 "other": "feels cold <b>and</b> shivery"})
    ids["fever"], ids["escalation"] = fever["id"], fever["escalation"]["id"]
    clock.advance(minutes=3)
    intent = db.session.execute(db.select(NotificationIntent).where(
        NotificationIntent.recipient_kind == "staff",
        NotificationIntent.escalation_id == ids["escalation"])).scalars().first()
    assert intent is not None
    intent.state, intent.sent_at = "sent", now()
    db.session.add(Receipt(intent_id=intent.id, staff_id=nurse.id, event="shown", at=now()))
    db.session.commit()
    ids["intent"] = intent.id
    ids["nurse"] = nurse.id
    assert db.session.get(Staff, nurse.id) is not None
    return ids
