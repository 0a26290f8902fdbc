"""Where a measured value came from: typed by hand, or read from a Bluetooth LE device.

A device reading carries the device's model name and the characteristic's raw bytes (hex),
so an audit can decode the value again. Both come from a phone and are hostile input: the
name is short printable text, the bytes a bounded even-length hex string.
"""
from __future__ import annotations

import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate

MODEL_MAX = 64  # a GAP device name is usually under 30 characters
RAW_MAX_BYTES = 64  # the longest health-profile value read here is 19 bytes
SOURCES = ("manual", "device")
HEX = re.compile(r"(?:[0-9a-fA-F]{2})+")
# no C0/C1 controls, no line or paragraph separators: a name is one line of text
NOT_A_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


class ModelName(fields.String):
    """The device's advertised name, trimmed; one line of printable text."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if not 1 <= len(text) <= MODEL_MAX:
            raise ValidationError(f"must be 1 to {MODEL_MAX} characters")
        if NOT_A_NAME.search(text):
            raise ValidationError("must not contain control characters")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("must be valid Unicode text") from None
        return text


class RawBytes(fields.String):
    """The characteristic value as hex, stored lower-case."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > 2 * RAW_MAX_BYTES:
            raise ValidationError(f"at most {RAW_MAX_BYTES} bytes ({2 * RAW_MAX_BYTES} hex digits)")
        if not HEX.fullmatch(text):
            raise ValidationError("must be an even number of hex digits (0-9, a-f)")
        return text.lower()


class DeviceReadingSchema(Schema):
    """One value's device: {"model": "...", "raw": "00800100ff"}."""

    class Meta:
        unknown = RAISE

    model = ModelName(required=True)
    raw = RawBytes(required=True)


def source_field():
    """`source`: manual (the default) or device."""
    return fields.String(load_default="manual", validate=validate.OneOf(SOURCES))


def check_source(data: dict, device: dict | None, field: str = "device") -> None:
    """A device reading names its device, a manual one does not."""
    if data.get("source") == "device" and not device:
        raise ValidationError("required when source is device", field)
    if data.get("source") != "device" and device:
        raise ValidationError("only with source: device", field)


class VitalsDevicesField(fields.Dict):
    """Per vital sign its device: {"spo2": {...}, "heart_rate": {...}} (a pulse oximeter and a
    cuff can both be read for one check-in)."""

    def __init__(self, names: tuple[str, ...], **kwargs):
        super().__init__(keys=fields.String(validate=validate.OneOf(names)),
                         values=fields.Nested(DeviceReadingSchema), **kwargs)


def check_vitals_devices(data: dict) -> None:
    """Each device entry belongs to a vital sign given in the same block."""
    devices = data.get("devices") or {}
    missing = sorted(name for name in devices if data.get(name) is None)
    if missing:
        raise ValidationError(f"no value given for {', '.join(missing)}", "devices")

