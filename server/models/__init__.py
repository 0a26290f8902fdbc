"""All models, imported so that metadata and migrations see every table."""
from .audit import AuditEvent
from .baselines import BaselineChange
from .checkin import CheckIn
from .clinical import Escalation, EscalationEvent, Finding, ScheduledStep
from .fhir import FhirAssertionUse, FhirClient, FhirExport, FhirToken
from .login import LoginThrottle
from .outbox import NotificationIntent
from .people import Caregiver, Centre, Device, EnrolmentCode, Patient, Staff, StaffSession
from .push import DeliveryAttempt, PushSubscription, Receipt

__all__ = [
    "AuditEvent",
    "BaselineChange",
    "Caregiver",
    "Centre",
    "CheckIn",
    "DeliveryAttempt",
    "Device",
    "EnrolmentCode",
    "Escalation",
    "EscalationEvent",
    "FhirAssertionUse",
    "FhirClient",
    "FhirExport",
    "FhirToken",
    "Finding",
    "LoginThrottle",
    "NotificationIntent",
    "Patient",
    "PushSubscription",
    "Receipt",
    "ScheduledStep",
    "Staff",
    "StaffSession",
]
