"""Centre admins: staff accounts, tiers and duty, the centre's numbers, the audit log."""
from __future__ import annotations

from flask import g
from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.identity import current_staff, require_staff, staff_patient
from ..services import staff_admin
from .schemas.staff_admin import (
    AuditPage,
    AuditQuery,
    CentreOut,
    CentrePatch,
    StaffAdminOut,
    StaffCreateIn,
    StaffPatch,
)

blp = Blueprint("staff_admin", __name__, url_prefix="/api/v1/staff/admin",
                description="Centre admins: staff, centre settings, audit log")


@blp.route("/staff")
class StaffList(MethodView):
    @require_staff("admin")
    @blp.response(200, StaffAdminOut(many=True))
    def get(self):
        """List the centre's staff with role, tier and duty."""
        return staff_admin.list_staff(current_staff()), 200

    @require_staff("admin")
    @blp.arguments(StaffCreateIn)
    @blp.response(201, StaffAdminOut)
    def post(self, data):
        """Create a staff account with an initial password (checked against the refused list)."""
        return staff_admin.create_staff(current_staff(), data), 201


@blp.route("/staff/<int:staff_id>")
class StaffById(MethodView):
    @require_staff("admin")
    @blp.arguments(StaffPatch)
    @blp.response(200, StaffAdminOut)
    def patch(self, changes, staff_id):
        """Change a member's details, role, tier, duty, active flag, password or TOTP."""
        admin = current_staff()
        staff = staff_admin.centre_staff(admin, staff_id)
        return (staff_admin.update_staff(admin, staff, changes, keep=g.actor.session),
                200)


@blp.route("/centre")
class CentreSettings(MethodView):
    @require_staff("admin")
    @blp.response(200, CentreOut)
    def get(self):
        """Read the centre's numbers, time zone and threshold overrides."""
        return staff_admin.read_centre(current_staff()), 200

    @require_staff("admin")
    @blp.arguments(CentrePatch)
    @blp.response(200, CentreOut)
    def patch(self, changes):
        """Change the centre's numbers or threshold overrides (within the engine's bounds)."""
        return staff_admin.update_centre(current_staff(), changes), 200


@blp.route("/audit")
class AuditLog(MethodView):
    @require_staff("admin")
    @blp.arguments(AuditQuery, location="query")
    @blp.response(200, AuditPage)
    def get(self, query):
        """Page through the centre's audit log, newest first, by patient or member of staff."""
        admin = current_staff()
        patient = staff_patient(query["patient_id"]) if query["patient_id"] else None
        staff = staff_admin.centre_staff(admin, query["staff_id"]) if query["staff_id"] else None
        body = staff_admin.audit_page(admin, patient, staff, query["page"], query["per_page"])
        return body, 200
