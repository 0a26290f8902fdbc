"""Rotas: admins edit a centre's rotas and overrides and see who is on call; every member of
staff sees the coverage banner (a tier with nobody on duty now or soon)."""
from __future__ import annotations

import datetime as dt

from flask.views import MethodView
from flask_smorest import Blueprint

from ..auth.identity import current_staff, require_staff
from ..clock import now
from ..services import rotas
from .schemas.rotas import (
    CoverageOut,
    OncallOut,
    OncallQuery,
    OverrideIn,
    OverrideOut,
    RotaIn,
    RotaOut,
    RotaPatch,
)

blp = Blueprint("rotas", __name__, url_prefix="/api/v1/staff",
                description="Rotas, overrides, who is on call, the coverage banner")


def _utc(value: dt.datetime | None) -> dt.datetime:
    return now() if value is None else value.astimezone(dt.UTC)


@blp.route("/admin/rotas")
class RotaList(MethodView):
    @require_staff("admin")
    @blp.response(200, RotaOut(many=True))
    def get(self):
        """List the centre's rotas with their overrides."""
        return rotas.list_rotas(current_staff()), 200

    @require_staff("admin")
    @blp.arguments(RotaIn)
    @blp.response(201, RotaOut)
    def post(self, data):
        """Create a tier's rota: pattern, handoff times, start date, people in turn."""
        return rotas.create_rota(current_staff(), data), 201


@blp.route("/admin/rotas/<int:rota_id>")
class RotaById(MethodView):
    @require_staff("admin")
    @blp.arguments(RotaPatch)
    @blp.response(200, RotaOut)
    def patch(self, changes, rota_id):
        """Change a rota's pattern, handoff times, weekday, start date or people."""
        admin = current_staff()
        return rotas.update_rota(admin, rotas.centre_rota(admin, rota_id), changes), 200

    @require_staff("admin")
    @blp.response(204)
    def delete(self, rota_id):
        """Delete a rota (the tier goes back to the manual on-duty toggle)."""
        admin = current_staff()
        rotas.delete_rota(admin, rotas.centre_rota(admin, rota_id))
        return "", 204


@blp.route("/admin/rotas/<int:rota_id>/overrides")
class OverrideList(MethodView):
    @require_staff("admin")
    @blp.response(200, OverrideOut(many=True))
    def get(self, rota_id):
        """List a rota's overrides."""
        admin = current_staff()
        rota = rotas.centre_rota(admin, rota_id)
        return rotas.list_overrides(admin, rota), 200

    @require_staff("admin")
    @blp.arguments(OverrideIn)
    @blp.response(201, OverrideOut)
    def post(self, data, rota_id):
        """Add a swap (one shift), a cover or an absence (an interval) to a rota."""
        admin = current_staff()
        return rotas.create_override(admin, rotas.centre_rota(admin, rota_id), data), 201


@blp.route("/admin/rotas/<int:rota_id>/overrides/<int:override_id>")
class OverrideById(MethodView):
    @require_staff("admin")
    @blp.response(204)
    def delete(self, rota_id, override_id):
        """Delete an override."""
        admin = current_staff()
        rotas.delete_override(admin, rotas.centre_rota(admin, rota_id), override_id)
        return "", 204


@blp.route("/admin/oncall")
class Oncall(MethodView):
    @require_staff("admin")
    @blp.arguments(OncallQuery, location="query")
    @blp.response(200, OncallOut)
    def get(self, query):
        """Who is on duty at `at` (default now) per tier, and each rota over the next 48 h."""
        return rotas.oncall_view(current_staff(), _utc(query["at"]), query["hours"]), 200


@blp.route("/coverage")
class Coverage(MethodView):
    @require_staff()
    @blp.response(200, CoverageOut)
    def get(self):
        """Rota tiers with nobody on duty now or within the warning lead (the queue banner)."""
        return rotas.coverage(current_staff(), now()), 200
