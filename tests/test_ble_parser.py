"""The Bluetooth LE health-profile parser (pwa/app/js/ble/gatt.js) over byte vectors, in Node.

Each case is a characteristic value as a device sends it; a reading that cannot be decoded
must come back refused with its reason, never as a guessed number.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

RUNNER = Path(__file__).resolve().parent / "js" / "gatt_runner.mjs"
NODE = shutil.which("node")
pytestmark = pytest.mark.skipif(NODE is None, reason="node is not installed")

TEMP, BP, SPOT, CONT = 0x2A1C, 0x2A35, 0x2A5E, 0x2A5F


def run(*cases: tuple[str, list]) -> list[dict]:
    """Call gatt.js functions in Node; return their results in order."""
    payload = json.dumps([{"fn": fn, "args": args} for fn, args in cases])
    done = subprocess.run([NODE, str(RUNNER)], input=payload, capture_output=True, text=True,
                          check=True, timeout=60)
    out = json.loads(done.stdout)
    assert all("error" not in o for o in out), out
    return [o["result"] for o in out]


def parse(characteristic: int, hexbytes: str) -> dict:
    """Decode one characteristic value given as hex."""
    return run(("parse", [characteristic, list(bytes.fromhex(hexbytes))]))[0]


def reading(characteristic: int, hexbytes: str) -> dict:
    """A value that must decode."""
    result = parse(characteristic, hexbytes)
    assert result["ok"], result
    return result["reading"]


def refused(characteristic: int, hexbytes: str) -> str:
    """A value that must be refused: its reason code."""
    result = parse(characteristic, hexbytes)
    assert not result["ok"], result
    return result["code"]


@pytest.mark.parametrize("raw, value", [
    (0x0000, 0), (0x0001, 1), (0x07FD, 2045), (0x0FFF, -1),
    (0xF172, 37.0), (0xF184, 38.8), (0xF384, 90.0), (0xE3E8, 10.0), (0x2002, 200), (0xFF9C, -10.0),
])
def test_sfloat_mantissa_and_negative_exponent(raw, value):
    assert run(("sfloat", [raw]))[0] == {"value": value}


@pytest.mark.parametrize("raw, special", [
    (0x07FF, "nan"), (0x0800, "nres"), (0x07FE, "infinity"), (0x0802, "infinity"),
    (0x0801, "reserved"),
])
def test_sfloat_special_values(raw, special):
    assert run(("sfloat", [raw]))[0] == {"special": special}


@pytest.mark.parametrize("raw, value", [
    (0xFF000180, 38.4), (0xFE000E42, 36.5), (0x00000025, 37), (0xFD0186A0, 100.0),
    (0x01000004, 40), (0xFFFFFFFF, -0.1), (0x80000001, 1e-128),
])
def test_float_mantissa_and_exponent(raw, value):
    assert run(("float32", [raw]))[0]["value"] == pytest.approx(value)


@pytest.mark.parametrize("raw, special", [
    (0x007FFFFF, "nan"), (0x00800000, "nres"), (0x007FFFFE, "infinity"),
    (0x00800002, "infinity"), (0x00800001, "reserved"),
])
def test_float_special_values(raw, special):
    assert run(("float32", [raw]))[0] == {"special": special}


def test_thermometer_celsius_no_extras():
    assert reading(TEMP, "00800100ff") == {
        "kind": "temperature", "value": 38.4, "unit": "C", "timestamp": None, "type": None}


def test_thermometer_fahrenheit_with_timestamp_and_type():
    # flags F + timestamp + type; 1012 × 10^-1 = 101.2 °F; 2026-12-02 00:58:30; mouth (6)
    got = reading(TEMP, "07" + "f40300ff" + "ea070c02003a1e" + "06")
    assert got == {"kind": "temperature", "value": 101.2, "unit": "F",
                   "timestamp": "2026-12-02T00:58:30", "type": "mouth"}


def test_thermometer_unknown_date_is_no_timestamp():
    assert reading(TEMP, "02" + "800100ff" + "00000000000000")["timestamp"] is None


@pytest.mark.parametrize("hexbytes, code", [
    ("00ffff7f00", "special_nan"), ("0000008000", "special_nres"),
    ("00feff7f00", "special_infinity"), ("0002008000", "special_infinity"),
    ("0001008000", "special_reserved"),
    ("00800100", "truncated"), ("", "truncated"), ("02800100ffea070c02003a", "truncated"),
    ("04800100ff", "truncated"), ("04800100ff0a", "bad_type"),
    ("02800100ffea070d02003a1e", "bad_timestamp"), ("02800100ffea070c1e183a1e", "bad_timestamp"),
    ("02800100ffea0702 1e003a1e".replace(" ", ""), "bad_timestamp"),
])
def test_thermometer_refuses_what_it_cannot_decode(hexbytes, code):
    assert refused(TEMP, hexbytes) == code


def test_cuff_mmhg_with_pulse_and_timestamp():
    # flags timestamp + pulse; 85 / 55 / 65 mmHg; 2026-12-02 01:00:00; pulse 112
    got = reading(BP, "06" + "5500" + "3700" + "4100" + "ea070c02010000" + "7000")
    assert got == {"kind": "cuff", "systolic": 85, "diastolic": 55, "map": 65, "unit": "mmHg",
                   "pulse": 112, "timestamp": "2026-12-02T01:00:00", "user": None,
                   "status": []}


def test_cuff_kpa_is_converted_to_mmhg():
    # 16.0 kPa (0xF0A0 = 160 × 10^-1) = 120 mmHg; 10.7 kPa = 80 mmHg; MAP not measured (NaN)
    got = reading(BP, "01" + "a0f0" + "6bf0" + "ff07")
    assert (got["systolic"], got["diastolic"], got["map"], got["unit"]) == (120, 80, None, "kPa")


def test_cuff_user_and_measurement_status():
    got = reading(BP, "18" + "7800" + "5000" + "5d00" + "02" + "0600")
    assert got["user"] == 2 and got["status"] == ["cuff_loose", "irregular_pulse"]


@pytest.mark.parametrize("hexbytes, code", [
    ("00" + "ff07" + "5000" + "5d00", "special_nan"),  # systolic NaN: no reading at all
    ("00" + "0008" + "5000" + "5d00", "special_nres"),
    ("00" + "7800" + "fe07" + "5d00", "special_infinity"),
    ("00" + "7800" + "5000", "truncated"),
    ("04" + "7800" + "5000" + "5d00", "truncated"),
    ("02" + "7800" + "5000" + "5d00" + "ea070c", "truncated"),
])
def test_cuff_refuses_what_it_cannot_decode(hexbytes, code):
    assert refused(BP, hexbytes) == code


def test_spot_check_with_timestamp():
    got = reading(SPOT, "01" + "5a00" + "4800" + "ea070c02003b00")
    assert got == {"kind": "oximeter", "spo2": 90, "pulse": 72,
                   "timestamp": "2026-12-02T00:59:00"}


def test_spot_check_clock_not_set_drops_timestamp():
    got = reading(SPOT, "11" + "6100" + "4800" + "d0070101000000")
    assert got["spo2"] == 97 and got["timestamp"] is None


def test_spot_check_all_optional_fields():
    got = reading(SPOT, "0f" + "6000" + "ff07" + "ea070c02003b00" + "0000" + "000000" + "32f0")
    assert got["spo2"] == 96 and got["pulse"] is None


def test_continuous_with_fast_and_slow():
    got = reading(CONT, "03" + "5f00" + "5000" + "5e005100" + "60005200")
    assert got == {"kind": "oximeter", "spo2": 95, "pulse": 80, "timestamp": None}


@pytest.mark.parametrize("characteristic, hexbytes, code", [
    (SPOT, "00" + "ff07" + "4800", "special_nan"),
    (SPOT, "00" + "5a00", "truncated"),
    (SPOT, "01" + "5a00" + "4800" + "ea07", "truncated"),
    (SPOT, "00" + "5a00" + "0108", "special_reserved"),
    (CONT, "00" + "0008" + "4800", "special_nres"),
    (CONT, "01" + "5a00" + "4800" + "5a00", "truncated"),
    (0x2A37, "0048", "unknown_characteristic"),
])
def test_oximeter_refuses_what_it_cannot_decode(characteristic, hexbytes, code):
    assert refused(characteristic, hexbytes) == code


def test_full_uuid_string_and_hex_copy():
    full = "00002a1c-0000-1000-8000-00805f9b34fb"
    assert run(("parse", [full, [0, 0x80, 1, 0, 0xFF]]),
               ("toHex", [[0, 0x80, 1, 0, 0xFF]])) == [
        {"ok": True, "reading": {"kind": "temperature", "value": 38.4, "unit": "C",
                                 "timestamp": None, "type": None}},
        "00800100ff"]
