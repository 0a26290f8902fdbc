// Web Bluetooth: find the patient's health device, take one measurement from it, and let go.
// Feature-detected (Chrome / Edge on Android and desktop; not iOS Safari, not Firefox); the
// paired device is remembered per phone so the next read is one tap.
import * as store from '../store.js';
import { parse, PROFILES, toHex } from './gatt.js';

/** How long to wait for a measurement after connecting: a cuff inflates and measures first. */
export const WAIT_MS = { thermometer: 60000, oximeter: 60000, cuff: 120000 };

const RELEASE_MS = 2000;

/** A failed read: a code the screen translates (timeout, cancelled, unavailable...). */
export class DeviceError extends Error {
  constructor(code, detail = '') {
    super(`${code}${detail ? `: ${detail}` : ''}`);
    this.code = code;
    this.detail = detail;
  }
}

/** Web Bluetooth is there (the button is shown only then). */
export function supported() {
  return typeof navigator !== 'undefined' && Boolean(navigator.bluetooth)
    && typeof navigator.bluetooth.requestDevice === 'function';
}

const key = (kind) => `ble_device_${kind}`;

/** The device remembered for this kind ({id, name}) or null. */
export async function remembered(kind) {
  return (await store.get(key(kind))) || null;
}

/** Forget the remembered device (the next read opens the chooser). */
export const forget = (kind) => store.set(key(kind), null);

/** The remembered device itself, when the browser still grants it (getDevices). */
async function grantedDevice(kind) {
  const known = await remembered(kind);
  if (!known || typeof navigator.bluetooth.getDevices !== 'function') return null;
  try {
    return (await navigator.bluetooth.getDevices()).find((d) => d.id === known.id) || null;
  } catch {
    return null;
  }
}

async function chooseDevice(kind, fresh) {
  const found = fresh ? null : await grantedDevice(kind);
  if (found) return found;
  try {
    return await navigator.bluetooth.requestDevice({ filters: [{ services: [PROFILES[kind].service] }] });
  } catch (err) {
    // Chromium says NotFoundError both for a closed chooser and for Bluetooth switched off
    if (err?.name === 'NotFoundError' && !/adapter/i.test(err.message || '')) {
      throw new DeviceError('cancelled', err.message);
    }
    throw new DeviceError('unavailable', err?.message || String(err));
  }
}

async function firstCharacteristic(server, kind) {
  const { service, characteristics } = PROFILES[kind];
  let primary;
  try {
    primary = await server.getPrimaryService(service);
  } catch (err) {
    throw new DeviceError('no_service', err?.message || '');
  }
  for (const uuid of characteristics) {
    try {
      return await primary.getCharacteristic(uuid);
    } catch { /* the next one: an oximeter may have only the continuous measurement */ }
  }
  throw new DeviceError('no_service', 'no measurement characteristic');
}

/** The first value the characteristic gives (indication, notification or read), or a
 * DeviceError on time-out or disconnection. */
function firstValue(device, characteristic, waitMs) {
  return new Promise((resolve, reject) => {
    const done = (fn, arg) => {
      clearTimeout(timer);
      characteristic.removeEventListener('characteristicvaluechanged', onValue);
      device.removeEventListener('gattserverdisconnected', onGone);
      fn(arg);
    };
    const onValue = (event) => done(resolve, event.target.value);
    const onGone = () => done(reject, new DeviceError('disconnected'));
    const timer = setTimeout(() => done(reject, new DeviceError('timeout')), waitMs);
    characteristic.addEventListener('characteristicvaluechanged', onValue);
    device.addEventListener('gattserverdisconnected', onGone);
    const { properties } = characteristic;
    (async () => {
      if (properties.indicate || properties.notify) await characteristic.startNotifications();
      if (properties.read) onValue({ target: { value: await characteristic.readValue() } });
    })().catch((err) => done(reject, new DeviceError('unavailable', err?.message || String(err))));
  });
}

/** Unsubscribe (waited for, briefly: a device that hangs must not keep the button disabled)
 * and disconnect, so the next read starts clean. */
async function release(device, characteristic) {
  if (device.gatt?.connected && (characteristic?.properties?.indicate || characteristic?.properties?.notify)) {
    await Promise.race([characteristic.stopNotifications().catch(() => {}),
      new Promise((resolve) => { setTimeout(resolve, RELEASE_MS); })]);
  }
  if (device.gatt?.connected) device.gatt.disconnect();
}

/** Take one measurement: {reading, raw (hex), model}, or throw DeviceError (a value that
 * cannot be decoded: code 'refused' with the parser's reason in detail). */
export async function measure(kind, { fresh = false, waitMs = WAIT_MS[kind] } = {}) {
  if (!supported()) throw new DeviceError('unsupported');
  const device = await chooseDevice(kind, fresh);
  let characteristic = null;
  try {
    let server;
    try {
      server = await device.gatt.connect();
    } catch (err) {
      throw new DeviceError('connect', err?.message || '');
    }
    await store.set(key(kind), { id: device.id, name: device.name || '' });
    characteristic = await firstCharacteristic(server, kind);
    const value = await firstValue(device, characteristic, waitMs);
    const result = parse(characteristic.uuid, value);
    if (!result.ok) throw new DeviceError('refused', result.code);
    return { reading: result.reading, raw: toHex(value), model: device.name || '' };
  } finally {
    await release(device, characteristic);
  }
}
