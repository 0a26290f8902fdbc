"""Who reads FHIR: a staff session (its own centre, every type) or a backend-services client
(its registered centre, the types its token's scopes name). Resolved once per request."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import g, request

from .. import transaction
from ..auth import identity
from . import smart
from .outcome import FhirError


@dataclass
class FhirActor:
    """The caller of a FHIR request, as the audit trail records it."""

    kind: str  # staff | fhir_client
    id: int
    centre_id: int
    scopes: list[str] = field(default_factory=list)
    staff: object | None = None

    def may_read(self, rtype: str) -> bool:
        """Staff read every type; a client needs system/<type>.read or system/*.read."""
        if self.kind == "staff":
            return True
        wanted = {f"system/{rtype}.read", "system/*.read", f"system/{rtype}.rs", "system/*.rs"}
        return bool(wanted & set(self.scopes))


def _refuse(status: int, issue: str, message: str, reason: str):
    transaction.refuse("fhir.refused", outcome="denied",
                     detail={"endpoint": request.endpoint, "reason": reason})
    headers = {"WWW-Authenticate": 'Bearer realm="fhir"'} if status == 401 else None
    raise FhirError(status, issue, message, headers=headers)


def load() -> FhirActor:
    """Resolve the caller from the bearer token or the staff session cookie, or refuse 401."""
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        found = smart.bearer(header[7:].strip())
        if found is None:
            g.actor = identity.Actor("anonymous")
            _refuse(401, "login", "Invalid or expired access token", "bad_token")
        client, scopes = found
        g.actor = FhirActor("fhir_client", client.id, client.centre_id, scopes)
        return g.actor
    identity.load_actor()
    actor = g.actor
    if actor.kind != "staff":
        _refuse(401, "login", "Authentication required", actor.problem or "none")
    if request.method not in identity.SAFE_METHODS:
        identity.check_csrf()
    g.actor = FhirActor("staff", actor.staff.id, actor.staff.centre_id, staff=actor.staff)
    g.staff_actor = actor
    return g.actor


def require_read(actor: FhirActor, rtype: str) -> None:
    """403 unless the caller's scopes cover this resource type."""
    if not actor.may_read(rtype):
        _refuse(403, "forbidden", f"scope does not allow reading {rtype}", "scope")
