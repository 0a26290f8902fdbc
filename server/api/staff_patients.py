"""Staff: patients, caregivers, enrolment codes, devices and check-ins of their centre."""
from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from .. import policy as P
from ..audit import trail as audit
from ..auth.identity import current_staff, require_staff, staff_patient
from ..errors import ApiError
from ..extensions import db
from ..models import Caregiver, Device
from ..models.people import PRODUCTS
from ..services import checkins, enrolment, patients
from .schemas.checkins import CheckInOut, CheckInQuery
from .schemas.common import REASON_MAX
from .schemas.staff import (
    CaregiverIn,
    CaregiverOut,
    DeviceOut,
    EnrolmentCodeIn,
    EnrolmentCodeOut,
    PatientCorrectionIn,
    PatientIn,
    PatientOptionsOut,
    PatientOut,
    PatientPatch,
)

blp = Blueprint("staff_patients", __name__, url_prefix="/api/v1/staff",
                description="Centre staff: patients and their phones")


def _out(patient, reachable: set[int] | None = None) -> dict:
    """The patient's fields plus figures computed for display (dumped by PatientOut)."""
    data = {name: getattr(patient, name) for name in PatientOut().fields if name not in
            ("day", "caregiver_enrolled")}
    data.update(patients.patient_summary(patient, reachable))
    return data


@blp.route("/patients")
class Patients(MethodView):
    @require_staff()
    @blp.response(200, PatientOut(many=True))
    def get(self):
        """List the patients of the caller's centre."""
        rows = patients.list_patients(current_staff())
        reachable = patients.with_caregiver_phone([p.id for p in rows])
        return [_out(p, reachable) for p in rows], 200

    @require_staff()
    @blp.arguments(PatientIn)
    @blp.response(201, PatientOut)
    def post(self, data):
        """Enrol a patient at the caller's centre."""
        return _out(patients.create_patient(current_staff(), data)), 201


@blp.route("/patient-options")
class PatientOptions(MethodView):
    @require_staff()
    @blp.response(200, PatientOptionsOut)
    def get(self):
        """The products (with the policy's suggested window) and the centre's zone for the forms."""
        return {
            "products": [{"id": p, "suggested_window_days":
                          P.SUGGESTED_WINDOW_DAYS.get(p, P.DEFAULT_WINDOW_DAYS)}
                         for p in PRODUCTS],
            "timezone": current_staff().centre.timezone,
            "default_window_days": P.DEFAULT_WINDOW_DAYS, "max_window_days": P.MAX_WINDOW_DAYS,
            "default_baseline_ice": P.ICE_DEFAULT_BASELINE, "ice_max": P.ICE_MAX,
            "reason_max_length": REASON_MAX,
        }, 200


@blp.route("/patients/<int:patient_id>/correction")
class PatientCorrection(MethodView):
    @require_staff()
    @blp.arguments(PatientCorrectionIn)
    @blp.response(200, PatientOut)
    def post(self, changes, patient_id):
        """Correct infusion or enrolment date, product, zone or name, with a reason (audited)."""
        patient = staff_patient(patient_id)
        return _out(patients.correct_patient(patient, changes)), 200


@blp.route("/patients/<int:patient_id>")
class PatientById(MethodView):
    @require_staff()
    @blp.response(200, PatientOut)
    def get(self, patient_id):
        """Read one patient."""
        patient = staff_patient(patient_id)
        audit.record("patient.read", patient_id=patient.id)
        return _out(patient), 200

    @require_staff()
    @blp.arguments(PatientPatch)
    @blp.response(200, PatientOut)
    def patch(self, changes, patient_id):
        """Extend or end monitoring, change the ICE baseline, city or place of care."""
        patient = staff_patient(patient_id)
        return _out(patients.update_patient(patient, changes, current_staff())), 200


@blp.route("/patients/<int:patient_id>/caregivers")
class Caregivers(MethodView):
    @require_staff()
    @blp.response(200, CaregiverOut(many=True))
    def get(self, patient_id):
        """List a patient's caregivers."""
        patient = staff_patient(patient_id)
        audit.record("caregiver.list", patient_id=patient.id)
        return patient.caregivers, 200

    @require_staff()
    @blp.arguments(CaregiverIn)
    @blp.response(201, CaregiverOut)
    def post(self, data, patient_id):
        """Link a caregiver to a patient."""
        patient = staff_patient(patient_id)
        caregiver = patients.add_caregiver(patient, data["display_name"], data["language"])
        return caregiver, 201


@blp.route("/patients/<int:patient_id>/enrolment-codes")
class EnrolmentCodes(MethodView):
    @require_staff()
    @blp.arguments(EnrolmentCodeIn)
    @blp.response(201, EnrolmentCodeOut)
    def post(self, data, patient_id):
        """Issue a one-time enrolment code (text and QR) for a patient's or caregiver's phone."""
        patient = staff_patient(patient_id)
        caregiver = None
        if data["role"] == "caregiver":
            caregiver = db.session.get(Caregiver, data.get("caregiver_id") or 0)
            if caregiver is None or caregiver.patient_id != patient.id:
                raise ApiError(422, "validation_error", "Invalid input",
                               {"caregiver_id": ["must be a caregiver of this patient"]})
        elif data.get("caregiver_id") is not None:
            raise ApiError(422, "validation_error", "Invalid input",
                           {"caregiver_id": ["only for the caregiver role"]})
        body = enrolment.issue_code(patient, data["role"], caregiver, current_staff())
        return body, 201


@blp.route("/patients/<int:patient_id>/devices")
class Devices(MethodView):
    @require_staff()
    @blp.response(200, DeviceOut(many=True))
    def get(self, patient_id):
        """List a patient's enrolled phones."""
        patient = staff_patient(patient_id)
        audit.record("device.list", patient_id=patient.id)
        return patients.devices_of(patient), 200


@blp.route("/patients/<int:patient_id>/devices/<int:device_id>/revoke")
class RevokeDevice(MethodView):
    @require_staff()
    @blp.response(200, DeviceOut)
    def post(self, patient_id, device_id):
        """Revoke a phone: its token stops working on its next request."""
        patient = staff_patient(patient_id)
        device = db.session.get(Device, device_id)
        if device is None or device.patient_id != patient.id:
            raise ApiError(404, "not_found", "Not found")
        enrolment.revoke_device(device)
        return device, 200


@blp.route("/patients/<int:patient_id>/checkins")
class PatientCheckIns(MethodView):
    @require_staff()
    @blp.arguments(CheckInQuery, location="query")
    @blp.response(200, CheckInOut(many=True))
    def get(self, query, patient_id):
        """List a patient's check-ins, newest first."""
        patient = staff_patient(patient_id)
        rows = checkins.list_for_patient(patient.id, query["limit"], query["before_id"])
        audit.record("checkin.list", patient_id=patient.id)
        return [checkins.answer(row) for row in rows], 200
