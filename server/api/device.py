"""Phones: redeem a code, read their context and open alerts, record and list check-ins."""
from __future__ import annotations

import datetime as dt

from flask import current_app, request
from flask.views import MethodView
from flask_smorest import Blueprint

from .. import policy as P
from .. import transaction
from ..audit import trail as audit
from ..auth.identity import current_device, require_device
from ..calendar import day_number, local_date
from ..clinical import schedule, self_check
from ..clock import now
from ..extensions import limiter
from ..outbox import immediate
from ..services import checkins, device_alerts, enrolment, escalation_read, patients
from .schemas.checkins import CheckInOut, CheckInQuery, CheckInSchema
from .schemas.device import (
    DeviceAlertOut,
    DeviceContextOut,
    DeviceEscalationOut,
    LanguageIn,
    RedeemIn,
    RedeemOut,
)

# One instance for every request: given the class, webargs builds the schema (and its
# nested field schemas) again on each check-in, about 0.1 ms of the hot path.
CHECKIN_SCHEMA = CheckInSchema()

blp = Blueprint("device", __name__, url_prefix="/api/v1",
                description="Patient and caregiver phones")


# What the phone checks before sending (the server refuses the rest with 422): published so
# the PWA keeps no copy of POLICY.md's "Input bounds".
INPUT_BOUNDS = {
    "temperature": {"C": [P.TEMPERATURE_C_MIN, P.TEMPERATURE_C_MAX],
                    "F": [P.TEMPERATURE_F_MIN, P.TEMPERATURE_F_MAX]},
    "heart_rate": [P.HEART_RATE_MIN, P.HEART_RATE_MAX],
    "systolic_bp": [P.SYSTOLIC_BP_MIN, P.SYSTOLIC_BP_MAX],
    "spo2": [P.SPO2_MIN, P.SPO2_MAX],
    "respiratory_rate": [P.RESPIRATORY_RATE_MIN, P.RESPIRATORY_RATE_MAX],
    "other_max_length": P.OTHER_TEXT_MAX,
    "observed_max_past_hours": P.OBSERVED_MAX_PAST_HOURS,  # ble: a device's own clock
    "observed_max_future_minutes": P.OBSERVED_MAX_FUTURE_MINUTES,
}


def _fahrenheit(celsius: float) -> float:
    return round(celsius * 9.0 / 5.0 + 32.0, 1)


# Outside the usual range the app asks "Is this right?" and sends the confirmed value: the
# question is the phone's, the API accepts everything within INPUT_BOUNDS (POLICY.md v2).
_LOW_C, _HIGH_C = P.USUAL_RANGE["temperature_c"]
USUAL_RANGE = {
    "temperature": {"C": [_LOW_C, _HIGH_C], "F": [_fahrenheit(_LOW_C), _fahrenheit(_HIGH_C)]},
    **{name: list(P.USUAL_RANGE[name])
       for name in ("heart_rate", "systolic_bp", "spo2", "respiratory_rate")},
}


def limits(patient) -> dict:
    """POLICY.md "Time" (v2): the centre's days near it and without driving, and their ends.

    An end date is the local calendar date of day N (the infusion day is day 0).
    """
    centre = patient.centre
    day0 = local_date(patient.infused_at, patient.timezone)
    return {"proximity_days": centre.proximity_days, "driving_days": centre.driving_days,
            "stay_near_until": day0 + dt.timedelta(days=centre.proximity_days),
            "no_driving_until": day0 + dt.timedelta(days=centre.driving_days)}


def device_context(device) -> dict:
    """The patient calendar and centre contacts a phone shows."""
    patient = device.patient
    centre = patient.centre
    return {
        "device_id": device.id, "role": device.role, "patient_code": patient.code,
        "timezone": patient.timezone, "infused_at": patient.infused_at,
        "enrolled_at": patient.enrolled_at, "window_days": patient.window_days,
        "day": day_number(patient.infused_at, now(), patient.timezone),
        "city": patient.city, "place_of_care": patient.place_of_care,
        "language": patients.person_of(device).language,
        "centre_name": centre.name, "centre_phone": centre.phone_24h,
        "emergency_number": centre.emergency_number,
        "schedule": schedule.published(patient.window_days, centre),
        "input_bounds": INPUT_BOUNDS, "usual_range": USUAL_RANGE, **limits(patient),
        "self_check": self_check.choices(patient),
        "handwriting_sentence": centre.handwriting_sentence,
    }


@blp.route("/enrol")
class Enrol(MethodView):
    decorators = [limiter.limit(lambda: current_app.config["RATELIMIT_AUTH"])]

    @blp.arguments(RedeemIn)
    @blp.response(201, RedeemOut, headers=None)
    def post(self, data):
        """Trade a one-time enrolment code (or QR token) for this phone's bearer token."""
        token, device = enrolment.redeem(data.get("code"), data.get("token"))
        return {**device_context(device), "device_token": token}, 201


@blp.route("/device/me")
class DeviceMe(MethodView):
    @require_device
    @blp.response(200, DeviceContextOut)
    def get(self):
        """Return this phone's role, patient calendar and centre numbers."""
        device = current_device()
        audit.record("device.context", patient_id=device.patient_id)
        return device_context(device), 200


@blp.route("/device/language")
class DeviceLanguage(MethodView):
    @require_device
    @blp.arguments(LanguageIn)
    @blp.response(200, LanguageIn)
    def put(self, data):
        """Set the language of this phone's person (patient or caregiver); pushes follow it."""
        language = patients.set_language(current_device(), data["language"])
        return {"language": language}, 200


@blp.route("/device/escalations")
class DeviceEscalations(MethodView):
    @require_device
    @blp.response(200, DeviceEscalationOut(many=True))
    def get(self):
        """List this phone's patient's unresolved escalations, newest first."""
        device = current_device()
        rows = escalation_read.unresolved_for_patient(device.patient_id)
        audit.record("escalation.device_list", patient_id=device.patient_id,
                     detail={"count": len(rows)})
        return rows, 200


@blp.route("/device/alerts")
class DeviceAlerts(MethodView):
    @require_device
    @blp.response(200, DeviceAlertOut(many=True))
    def get(self):
        """List this phone's patient's alerts (open, and closed in the last 24 h) in words."""
        device = current_device()
        rows = device_alerts.for_patient(device.patient)
        audit.record("escalation.device_alerts", patient_id=device.patient_id,
                     detail={"count": len(rows)})
        return rows, 200


@blp.route("/checkins")
class CheckIns(MethodView):
    @require_device
    @blp.arguments(CHECKIN_SCHEMA)
    @blp.response(201, CheckInOut)
    def post(self, data):
        """Record a check-in; a retry with the same Idempotency-Key returns the first answer."""
        key = checkins.valid_idempotency_key(request.headers.get("Idempotency-Key"))
        fingerprint = checkins.request_fingerprint(request.get_json(silent=True))
        body, status, urgent = checkins.record_checkin(current_device(), data, key, fingerprint)
        if urgent:
            # urgent notices go once committed; the worker's pass is the safety net
            transaction.after_commit(immediate.kick)
        return body, status

    @require_device
    @blp.arguments(CheckInQuery, location="query")
    @blp.response(200, CheckInOut(many=True))
    def get(self, query):
        """List this phone's patient's check-ins, newest first."""
        device = current_device()
        rows = checkins.list_for_patient(device.patient_id, query["limit"], query["before_id"])
        audit.record("checkin.list", patient_id=device.patient_id)
        return [checkins.answer(row) for row in rows], 200
