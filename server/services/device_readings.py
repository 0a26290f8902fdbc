"""Which values of a check-in were read from a Bluetooth LE device, and from which model."""
from __future__ import annotations


def stored(temperature: dict | None, vitals: dict | None) -> dict | None:
    """The check-in's device_readings column: {value name: {model, raw}}; None if all manual."""
    out = {}
    if temperature and temperature.get("source") == "device":
        out["temperature"] = temperature["device"]
    for name, reading in ((vitals or {}).get("devices") or {}).items():
        out[name] = reading
    return out or None


def models(readings: dict | None) -> dict[str, str]:
    """{value name: model} for staff: "from device (model)"; raw bytes stay in the row."""
    return {name: r["model"] for name, r in (readings or {}).items()}
