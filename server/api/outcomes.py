"""Admins: the registry export of their centre's outcomes per period, as CSV or JSON.

Admin role only, always the caller's own centre, every export audited as a list read with
the patient ids it returned. The columns are defined in services/outcomes_export.py and the
README ("Outcomes export").
"""
from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from ..audit import trail as audit
from ..auth.identity import current_staff, require_staff
from ..services import outcomes_export
from .quality import _period
from .schemas.outcomes import RegistryOut
from .schemas.quality import PeriodIn

blp = Blueprint("outcomes", __name__, url_prefix="/api/v1/staff/admin",
                description="Admins: registry outcomes export (CSV, JSON)")


def _export(query: dict, fmt: str):
    """The cohort's rows for the period, audited with the patients returned."""
    staff = current_staff()
    per = _period(query)
    ids, table = outcomes_export.rows(staff.centre_id, per)
    audit.record("outcomes.export", detail={
        "from": per.first.isoformat(), "to": per.last.isoformat(), "format": fmt,
        "count": len(ids), "patients": sorted(ids)})
    return per, table


@blp.route("/outcomes.json")
class OutcomesJson(MethodView):
    @require_staff("admin")
    @blp.arguments(PeriodIn, location="query", unknown=RAISE)  # a stray centre_id: 422
    @blp.response(200, RegistryOut)
    def get(self, query):
        """Per patient infused in the period: grades, treatments, first alert days, acks."""
        per, table = _export(query, "json")
        return {"from": per.first, "to": per.last,  # dates: RegistryOut writes them
                "columns": list(outcomes_export.COLUMNS), "patients": table}


@blp.route("/outcomes.csv")
class OutcomesCsv(MethodView):
    @require_staff("admin")
    @blp.arguments(PeriodIn, location="query", unknown=RAISE)  # a stray centre_id: 422
    def get(self, query):
        """The same rows as CSV (one line per patient, the documented columns)."""
        per, table = _export(query, "csv")
        name = f"cartwatch-outcomes-{per.first.isoformat()}-{per.last.isoformat()}.csv"
        return Response(outcomes_export.to_csv(table), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="{name}"'})
