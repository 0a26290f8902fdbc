"""All models, imported so that metadata and migrations see every table."""
from ..audit.model import AuditEvent
from .baselines import BaselineChange
from .channels import ChannelAttempt, ContactChannel
from .checkin import CheckIn
from .clinical import Escalation, EscalationEvent, Finding, ScheduledStep
from .fhir import FhirAssertionUse, FhirClient, FhirExport, FhirToken
from .login import LoginThrottle
from .outbox import NotificationIntent
from .outcomes import EscalationOutcome
from .people import Caregiver, Centre, Device, EnrolmentCode, Patient, Staff, StaffSession
from .push import DeliveryAttempt, PushSubscription, Receipt
from .rota import Rota, RotaOverride

__all__ = [
    "AuditEvent",
    "BaselineChange",
    "Caregiver",
    "Centre",
    "ChannelAttempt",
    "CheckIn",
    "ContactChannel",
    "DeliveryAttempt",
    "Device",
    "EnrolmentCode",
    "Escalation",
    "EscalationEvent",
    "EscalationOutcome",
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
    "Rota",
    "RotaOverride",
    "ScheduledStep",
    "Staff",
    "StaffSession",
]
