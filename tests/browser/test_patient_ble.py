"""Readings straight from Bluetooth LE health devices (issue 19), end to end in Chromium.

Chromium's CDP BluetoothEmulation domain plays the device: a preconnected peripheral with
the profile's service, a measurement characteristic (read + indicate) and its 0x2902
descriptor; DeviceAccess answers the chooser. The emulator cannot push an unprompted
value, so each answer is the reply to the page's read, which Chromium also hands to the
characteristic's value-changed handler.
"""
from __future__ import annotations

import base64
import datetime as dt
import time
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from .conftest import CHROMIUM, CHROMIUM_ARGS
from .patient_steps import PHONE, enrol, open_check
from .test_patient_a11y import serious

pytestmark = pytest.mark.browser

CCCD = "00002902-0000-1000-8000-00805f9b34fb"
ADDRESS = "09:09:09:09:09:09"


def uuid16(n: int) -> str:
    return f"0000{n:04x}-0000-1000-8000-00805f9b34fb"


def date_time(at: dt.datetime) -> bytes:
    """The GATT Date Time characteristic: year (LE), month, day, hours, minutes, seconds."""
    return at.year.to_bytes(2, "little") + bytes([at.month, at.day, at.hour, at.minute,
                                                   at.second])


class EmulatedDevice:
    """One emulated peripheral answering the page through CDP; `value` is what a read gets
    (None: the read is never answered)."""

    def __init__(self, browser_cdp, page_cdp, page):
        self.browser_cdp, self.page_cdp, self.page = browser_cdp, page_cdp, page
        self.events: list[tuple[str, dict]] = []
        self.prompts: set[str] = set()
        self.value: bytes | None = None
        self.reads = 0  # read requests the page made
        self.subscribed = 0  # subscriptions to indications
        self.log: list[str] = []  # what was answered, for a failure's message
        for name in ("gattOperationReceived", "characteristicOperationReceived",
                     "descriptorOperationReceived"):
            browser_cdp.on(f"BluetoothEmulation.{name}",
                           lambda event, name=name: self.events.append((name, event)))
        page_cdp.on("DeviceAccess.deviceRequestPrompted",
                    lambda event: self.events.append(("prompt", event)))

    def add(self, name: str, service: int, characteristic: int, read: bool = True) -> None:
        """A device advertising `service` with one indicating (and readable) characteristic."""
        self.browser_cdp.send("BluetoothEmulation.simulatePreconnectedPeripheral", {
            "address": ADDRESS, "name": name, "manufacturerData": [],
            "knownServiceUuids": [uuid16(service)]})
        service_id = self.browser_cdp.send("BluetoothEmulation.addService", {
            "address": ADDRESS, "serviceUuid": uuid16(service)})["serviceId"]
        char_id = self.browser_cdp.send("BluetoothEmulation.addCharacteristic", {
            "serviceId": service_id, "characteristicUuid": uuid16(characteristic),
            "properties": {"read": read, "indicate": True}})["characteristicId"]
        self.browser_cdp.send("BluetoothEmulation.addDescriptor", {
            "characteristicId": char_id, "descriptorUuid": CCCD})

    def pump(self, until, timeout: float = 10.0) -> None:
        """Answer the page's Bluetooth requests until `until()` holds."""
        deadline = time.monotonic() + timeout
        while not until():
            assert time.monotonic() < deadline, (
                f"timed out; answered: {self.log}; page says: "
                f"{self.page.locator('.ble [role=status]').all_text_contents()}")
            self.page.wait_for_timeout(50)  # lets Playwright deliver the CDP events
            while self.events:
                self._answer(*self.events.pop(0))

    def _answer(self, name: str, event: dict) -> None:
        send = self.browser_cdp.send
        self.log.append(f"{name} {event.get('type', '')}")
        if name == "prompt":
            if event["id"] not in self.prompts and event["devices"]:
                self.prompts.add(event["id"])
                self.page_cdp.send("DeviceAccess.selectPrompt", {
                    "id": event["id"], "deviceId": event["devices"][0]["id"]})
        elif name == "gattOperationReceived":
            send("BluetoothEmulation.simulateGATTOperationResponse", {
                "address": event["address"], "type": event["type"], "code": 0})
        elif name == "descriptorOperationReceived":
            send("BluetoothEmulation.simulateDescriptorOperationResponse", {
                "descriptorId": event["descriptorId"], "type": event["type"], "code": 0})
        elif event["type"] == "read":
            self.reads += 1
            if self.value is not None:
                send("BluetoothEmulation.simulateCharacteristicOperationResponse", {
                    "characteristicId": event["characteristicId"], "type": "read", "code": 0,
                    "data": base64.b64encode(self.value).decode()})
        else:  # (un)subscribe, write
            self.subscribed += event["type"] == "subscribe-to-notifications"
            send("BluetoothEmulation.simulateCharacteristicOperationResponse", {
                "characteristicId": event["characteristicId"], "type": event["type"],
                "code": 0})


@pytest.fixture(scope="module")
def ble_browser(playwright_instance):
    """Chromium with Web Bluetooth on (headless Linux has it off by default)."""
    browser = playwright_instance.chromium.launch(
        executable_path=CHROMIUM, headless=True,
        args=[*CHROMIUM_ARGS,  # getDevices() (one-tap reads) is behind the second feature
              "--enable-features=WebBluetooth,WebBluetoothNewPermissionsBackend"])
    yield browser
    browser.close()


@pytest.fixture
def ble_page(ble_browser, live_server):
    """A phone page whose Bluetooth is an emulated adapter; skipped without the domain."""
    context = ble_browser.new_context(base_url=live_server.url, **PHONE)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    browser_cdp = ble_browser.new_browser_cdp_session()
    try:
        browser_cdp.send("BluetoothEmulation.enable", {"state": "powered-on",
                                                        "leSupported": True})
    except PlaywrightError as exc:
        context.close()
        pytest.skip(f"this Chromium has no CDP BluetoothEmulation domain: {exc}")
    page_cdp = context.new_cdp_session(page)
    page_cdp.send("DeviceAccess.enable")
    yield EmulatedDevice(browser_cdp, page_cdp, page)
    browser_cdp.send("BluetoothEmulation.disable")
    browser_cdp.detach()
    context.close()
    assert not errors, errors


def _status(page, kind):
    return page.locator(f'.ble[data-kind="{kind}"] [role="status"]')


def _berlin_minutes_ago(minutes: int) -> dt.datetime:
    return (dt.datetime.now(ZoneInfo("Europe/Berlin")) - dt.timedelta(minutes=minutes)).replace(
        microsecond=0)


def test_thermometer_at_38_4_calls_the_centre_and_stores_the_device_reading(ble_page,
                                                                           live_server):
    page, device = ble_page.page, ble_page
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Temperature")
    device.add("TempPro 200", 0x1809, 0x2A1C)
    measured = _berlin_minutes_ago(3)
    # flags: timestamp present; 384 × 10^-1 °C; the device's own (local) time
    device.value = bytes.fromhex("02800100ff") + date_time(measured)
    page.get_by_role("button", name="Read from my thermometer").click()
    device.pump(lambda: page.get_by_label("Temperature in °C").input_value() != "")
    expect(_status(page, "thermometer")).to_have_text(
        "From TempPro 200: 38.4 °C. Check it, then send.")
    expect(page.get_by_label("Temperature in °C")).to_have_value("38.4")
    assert serious(page) == []  # the device buttons and their status pass axe-core
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call the centre now.")
    [row] = live_server.checkins(patient)
    assert row.temperature_c == 38.4 and row.temperature_unit == "C"
    assert row.device_readings == {"temperature": {
        "model": "TempPro 200", "raw": (bytes.fromhex("02800100ff") + date_time(measured)).hex()}}
    assert row.observed_at == measured.astimezone(dt.UTC)


def test_fahrenheit_thermometer_switches_the_unit(ble_page, live_server):
    page, device = ble_page.page, ble_page
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Temperature")
    device.add("Thermo F", 0x1809, 0x2A1C)
    device.value = bytes.fromhex("01f40300ff")  # 101.2 °F, no timestamp
    page.get_by_role("button", name="Read from my thermometer").click()
    device.pump(lambda: page.get_by_label("Temperature in °F").count() == 1
                and page.get_by_label("Temperature in °F").input_value() != "")
    expect(page.get_by_label("Temperature in °F")).to_have_value("101.2")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Call the centre now.")
    [row] = live_server.checkins(patient)
    assert (row.temperature_value, row.temperature_unit, row.temperature_c) == (101.2, "F", 38.44)
    assert row.device_readings["temperature"]["model"] == "Thermo F"


def test_oximeter_at_90_percent_is_an_emergency(ble_page, live_server):
    page, device = ble_page.page, ble_page
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Symptoms and vital signs")
    device.add("OxiSmart", 0x1822, 0x2A5E)
    measured = _berlin_minutes_ago(1)
    device.value = bytes.fromhex("01" + "5a00" + "4800") + date_time(measured)
    page.get_by_role("button", name="Read from my oximeter").click()
    device.pump(lambda: page.get_by_label("Oxygen saturation SpO2 (%)").input_value() != "")
    expect(_status(page, "oximeter")).to_contain_text("From OxiSmart: oxygen 90 %, pulse 72")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Call emergency services now, then the centre.")
    [row] = live_server.checkins(patient)
    assert (row.spo2, row.heart_rate) == (90, 72)
    assert set(row.device_readings) == {"spo2", "heart_rate"}
    assert row.device_readings["spo2"]["model"] == "OxiSmart"
    assert row.observed_at == measured.astimezone(dt.UTC)


def test_cuff_at_85_systolic_gives_the_hypotension_advice(ble_page, live_server):
    page, device = ble_page.page, ble_page
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Symptoms and vital signs")
    device.add("BP Cuff 7", 0x1810, 0x2A35)
    device.value = bytes.fromhex("04" + "5500" + "3700" + "4100" + "7000")  # 85/55, pulse 112
    page.get_by_role("button", name="Read from my blood-pressure monitor").click()
    device.pump(lambda: page.get_by_label("Blood pressure, upper number (mmHg)")
                .input_value() != "")
    expect(_status(page, "cuff")).to_contain_text("blood pressure 85/55 mmHg, pulse 112")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Call emergency services now, then the centre.")
    [row] = live_server.checkins(patient)
    assert (row.systolic_bp, row.heart_rate) == (85, 112)
    assert row.device_readings["systolic_bp"] == {"model": "BP Cuff 7",
                                                  "raw": "04550037004100" + "7000"}
    with live_server.app.app_context():
        from server.extensions import db
        from server.models import Finding
        rules = {f.rule_id for f in db.session.execute(
            db.select(Finding).where(Finding.checkin_id == row.id)).scalars()}
    assert "R-HYPOTENSION" in rules


def test_a_malformed_value_is_refused_with_a_message(ble_page, live_server):
    page, device = ble_page.page, ble_page
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Temperature")
    device.add("TempPro 200", 0x1809, 0x2A1C)
    device.value = bytes.fromhex("00ffff7f00")  # the FLOAT NaN: no measurement
    page.get_by_role("button", name="Read from my thermometer").click()
    status = _status(page, "thermometer")
    device.pump(lambda: "cannot read" in (status.text_content() or ""))
    expect(status).to_have_text("The device sent a value this app cannot read, so it was not "
                                "used. Measure again, or type the value.")
    expect(page.get_by_label("Temperature in °C")).to_have_value("")
    assert live_server.checkins(patient) == []


def test_a_device_that_never_answers_times_out(ble_page, live_server):
    page, device = ble_page.page, ble_page
    page.clock.install()  # the minute's wait, fast-forwarded
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Temperature")
    device.add("Silent", 0x1809, 0x2A1C)
    device.value = None
    page.get_by_role("button", name="Read from my thermometer").click()
    status = _status(page, "thermometer")
    device.pump(lambda: device.reads > 0)  # connected, subscribed, its read unanswered
    page.clock.fast_forward(61_000)
    device.pump(lambda: "Nothing arrived" in (status.text_content() or ""))
    expect(status).to_have_text("Nothing arrived from the device. Check it is switched on and "
                                "near the phone and try again, or type the value.")
    expect(page.get_by_role("button", name="Read from my thermometer")).to_be_enabled()
    assert live_server.checkins(patient) == []


def test_the_paired_device_is_remembered_for_a_one_tap_read(ble_page, live_server):
    page, device = ble_page.page, ble_page
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Temperature")
    device.add("TempPro 200", 0x1809, 0x2A1C)
    device.value = bytes.fromhex("00720100ff")  # 370 × 10^-1 = 37 °C
    page.get_by_role("button", name="Read from my thermometer").click()
    device.pump(lambda: page.get_by_label("Temperature in °C").input_value() == "37")
    assert len(device.prompts) == 1
    page.goto("/app/#/")
    open_check(page, "Temperature")
    expect(page.locator('.ble[data-kind="thermometer"] .ble-known')).to_have_text(
        "Uses TempPro 200.")
    device.value = bytes.fromhex("00800100ff")
    page.get_by_role("button", name="Read from my thermometer").click()  # no chooser now
    device.pump(lambda: page.get_by_label("Temperature in °C").input_value() == "38.4")
    assert len(device.prompts) == 1
    expect(page.get_by_role("button", name="Use a different device")).to_be_visible()


def test_a_device_clock_days_off_is_refused_not_replaced(ble_page, live_server):
    page, device = ble_page.page, ble_page
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Temperature")
    device.add("TempPro 200", 0x1809, 0x2A1C)
    device.value = bytes.fromhex("02800100ff") + date_time(_berlin_minutes_ago(4 * 24 * 60))
    page.get_by_role("button", name="Read from my thermometer").click()
    status = _status(page, "thermometer")
    device.pump(lambda: "dates this reading" in (status.text_content() or ""))
    expect(status).to_contain_text("too long ago or ahead, so it was not used")
    expect(page.get_by_label("Temperature in °C")).to_have_value("")


def test_a_disconnect_before_any_value_says_so(ble_page, live_server):
    page, device = ble_page.page, ble_page
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Symptoms and vital signs")
    device.add("BP Cuff 7", 0x1810, 0x2A35, read=False)  # as real cuffs: indications only
    page.get_by_role("button", name="Read from my blood-pressure monitor").click()
    device.pump(lambda: device.subscribed > 0)
    device.browser_cdp.send("BluetoothEmulation.simulateGATTDisconnection",
                            {"address": ADDRESS})
    status = _status(page, "cuff")
    device.pump(lambda: "disconnected" in (status.text_content() or ""))
    expect(status).to_have_text("The device disconnected before it sent a measurement. Try "
                                "again, or type the value.")
    assert live_server.checkins(patient) == []


def test_without_web_bluetooth_the_buttons_are_absent(page, live_server):
    """The suite's usual Chromium has no navigator.bluetooth: manual entry only."""
    assert page.evaluate("() => 'bluetooth' in navigator") is False
    patient = live_server.patient()
    enrol(page, live_server, patient)
    open_check(page, "Temperature")
    expect(page.get_by_label("Temperature in °C")).to_be_visible()
    expect(page.locator(".ble")).to_have_count(0)
    page.goto("/app/#/symptoms")
    expect(page.get_by_label("Oxygen saturation SpO2 (%)")).to_be_visible()
    expect(page.locator(".ble")).to_have_count(0)
