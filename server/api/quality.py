"""Centre quality page: alarm burden and responsiveness, and the threshold what-if.

Admins and physicians of a centre only (nurses work the queue; tuning is a lead's job),
always their own centre, every read audited. Thin views: the figures are in
services/quality.py, the replay in services/whatif.py.
"""
from __future__ import annotations

import datetime as dt

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from .. import policy as P
from ..audit import trail as audit
from ..auth.identity import current_staff, require_staff
from ..clinical import rules
from ..clock import now
from ..errors import ApiError
from ..services import quality, quality_csv, whatif
from .schemas.quality import QualityOut, QualityQuery, WhatIfIn, WhatIfOut

blp = Blueprint("quality", __name__, url_prefix="/api/v1/staff/quality",
                description="Centre quality page: alarm burden, response times, what-if")
ROLES = ("admin", "physician")
DEFAULT_DAYS = 30


def _period(query: dict) -> quality.Period:
    centre = current_staff().centre
    today = now().astimezone(quality.zone(centre.timezone)).date()
    last = query.get("to") or today
    first = query.get("from_") or last - dt.timedelta(days=DEFAULT_DAYS - 1)
    if first > today:
        raise ApiError(422, "validation_error", "Invalid input",
                       {"from": ["must not be in the future"]})
    return quality.period(first, last, centre.timezone, now())


@blp.route("")
class Figures(MethodView):
    @require_staff(*ROLES)
    @blp.arguments(QualityQuery, location="query")
    @blp.response(200, QualityOut)
    def get(self, query):
        """The centre's figures for a period (`?format=csv` for the CSV download, returned
        as it is: the schema types the JSON)."""
        staff = current_staff()
        per = _period(query)
        figures = quality.figures(staff.centre, per)
        shown = sorted({row["patient_id"] for row in figures["adherence"]})
        audit.record("quality.read", detail={"from": per.first.isoformat(),
                                             "to": per.last.isoformat(),
                                             "format": query["format"], "count": len(shown),
                                             "patients": shown})
        if query["format"] == "csv":
            name = f"cartwatch-quality-{figures['from']}-{figures['to']}.csv"
            return Response(quality_csv.to_csv(figures), mimetype="text/csv", headers={
                "Content-Disposition": f'attachment; filename="{name}"'})
        bounds = {k: {"min": low, "max": high} for k, (low, high) in P.THRESHOLD_BOUNDS.items()}
        return {**figures, "thresholds": rules.effective_thresholds(staff.centre),
                "threshold_bounds": bounds}


@blp.route("/whatif")
class WhatIf(MethodView):
    @require_staff(*ROLES)
    @blp.arguments(WhatIfIn)
    @blp.response(200, WhatIfOut)
    def post(self, body):
        """Replay the period's check-ins with a proposed override: nothing written or sent."""
        problems = rules.validate_overrides(body["overrides"])
        if problems:
            raise ApiError(422, "validation_error", "Invalid input",
                           {f"overrides.{k}": [v] for k, v in problems.items()})
        staff = current_staff()
        per = _period(body)
        result = whatif.replay(staff.centre, per, body["overrides"])
        shown = sorted({row["patient_id"] for key in ("opened", "closed", "changed", "checkins")
                        for row in result[key]})
        audit.record("quality.whatif", detail={"from": per.first.isoformat(),
                                               "to": per.last.isoformat(),
                                               "overrides": body["overrides"],
                                               "counts": result["counts"], "count": len(shown),
                                               "patients": shown})
        return result
