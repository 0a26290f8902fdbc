"""Centre admins register and revoke FHIR backend-services clients of their own centre."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from ..audit import trail as audit
from ..auth.identity import current_staff, require_staff
from ..clock import now
from ..errors import ApiError
from ..extensions import db
from ..fhir import clients
from ..models import FhirClient
from .schemas.fhir_clients import FhirClientIn, FhirClientOut

blp = Blueprint("fhir_clients", __name__, url_prefix="/api/v1/staff/admin/fhir-clients",
                description="Centre admins: FHIR backend-services clients")


def _own(fhir_client_id: int) -> FhirClient:
    row = db.session.get(FhirClient, fhir_client_id)
    if row is None or row.centre_id != current_staff().centre_id:
        raise ApiError(404, "not_found", "Not found")
    return row


@blp.route("")
class FhirClients(MethodView):
    @require_staff("admin")
    @blp.response(200, FhirClientOut(many=True))
    def get(self):
        """List the centre's FHIR clients."""
        rows = db.session.scalars(db.select(FhirClient).where(
            FhirClient.centre_id == current_staff().centre_id).order_by(FhirClient.id)).all()
        return rows, 200

    @require_staff("admin")
    @blp.arguments(FhirClientIn)
    @blp.response(201, FhirClientOut)
    def post(self, data):
        """Register a client for this centre: its id, name, public JWKS and allowed scopes."""
        row = clients.register(current_staff().centre_id, data["client_id"], data["name"],
                               data["jwks"], data["scopes"])
        return row, 201


@blp.route("/<int:fhir_client_id>/revoke")
class FhirClientRevoke(MethodView):
    @require_staff("admin")
    @blp.response(200, FhirClientOut)
    def post(self, fhir_client_id):
        """Revoke a client: its tokens stop working at once, new ones are refused."""
        row = _own(fhir_client_id)
        row.revoked_at = row.revoked_at or now()
        audit.record("fhir.client.revoke", detail={"client": row.id})
        return row, 200
