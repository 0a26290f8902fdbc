// Decoding the public Bluetooth LE health profiles (pure functions, no DOM, no Bluetooth):
// IEEE-11073 FLOAT / SFLOAT and the Health Thermometer, Blood Pressure and Pulse Oximeter
// measurement characteristics. A value that cannot be decoded is refused with a reason code
// (never guessed), so a typo-free reading is also a trustworthy one.

/** Assigned numbers (Bluetooth SIG) of the services and characteristics read here. */
export const PROFILES = {
  thermometer: { service: 0x1809, characteristics: [0x2a1c] },
  oximeter: { service: 0x1822, characteristics: [0x2a5e, 0x2a5f] },
  cuff: { service: 0x1810, characteristics: [0x2a35] },
};

const KPA_TO_MMHG = 7.50062; // 1 kPa in mmHg (the BP profile's alternative unit)

/** A refused reading: a code the app translates and a technical detail for the log. */
export class GattError extends Error {
  constructor(code, detail = '') {
    super(`${code}${detail ? `: ${detail}` : ''}`);
    this.code = code;
    this.detail = detail;
  }
}

// IEEE 11073-20601 special values, by their raw bit pattern (exponent 0).
const SFLOAT_SPECIAL = { 0x07ff: 'nan', 0x0800: 'nres', 0x07fe: 'infinity', 0x0802: 'infinity', 0x0801: 'reserved' };
const FLOAT_SPECIAL = {
  0x007fffff: 'nan', 0x00800000: 'nres', 0x007ffffe: 'infinity', 0x00800002: 'infinity',
  0x00800001: 'reserved',
};

/** mantissa × 10^exponent, rounded to the exponent's decimals (384e-1 is 38.4, not 38.400000001). */
function scaled(mantissa, exponent) {
  if (exponent >= 0) return mantissa * 10 ** exponent;
  return Number((mantissa / 10 ** -exponent).toFixed(Math.min(-exponent, 20)));
}

/** Decode a 16-bit SFLOAT; a special value is returned as {special} (the caller decides). */
export function sfloat(raw) {
  if (raw in SFLOAT_SPECIAL) return { special: SFLOAT_SPECIAL[raw] };
  let mantissa = raw & 0x0fff;
  if (mantissa >= 0x0800) mantissa -= 0x1000;
  let exponent = raw >> 12;
  if (exponent >= 0x8) exponent -= 0x10;
  return { value: scaled(mantissa, exponent) };
}

/** Decode a 32-bit FLOAT; a special value is returned as {special}. */
export function float32(raw) {
  const bits = raw >>> 0;
  const low = bits & 0x00ffffff;
  if ((bits >>> 24) === 0 && low in FLOAT_SPECIAL) return { special: FLOAT_SPECIAL[low] };
  const mantissa = low >= 0x800000 ? low - 0x1000000 : low;
  let exponent = bits >>> 24;
  if (exponent >= 0x80) exponent -= 0x100;
  return { value: scaled(mantissa, exponent) };
}

/** A reader over the bytes that refuses to run past their end. */
function reader(bytes, what) {
  const data = bytes instanceof DataView ? bytes : new DataView(Uint8Array.from(bytes).buffer);
  let at = 0;
  const need = (n) => {
    if (at + n > data.byteLength) {
      throw new GattError('truncated', `${what}: ${data.byteLength} bytes, needs at least ${at + n}`);
    }
  };
  return {
    u8() { need(1); at += 1; return data.getUint8(at - 1); },
    u16() { need(2); at += 2; return data.getUint16(at - 2, true); },
    u24() { need(3); at += 3; return data.getUint16(at - 3, true) | (data.getUint8(at - 1) << 16); },
    u32() { need(4); at += 4; return data.getUint32(at - 4, true); },
    skip(n) { need(n); at += n; },
  };
}

/** A number that must be there: NaN, NRes, ±INFINITY and reserved values are refused. */
function required(decoded, name) {
  if (decoded.special) throw new GattError(`special_${decoded.special}`, name);
  return decoded.value;
}

/** A number that may be absent (NaN = not measured); any other special value is refused. */
function optional(decoded, name) {
  if (decoded.special === 'nan') return null;
  return required(decoded, name);
}

const pad = (n, width = 2) => String(n).padStart(width, '0');

/** The 7-byte Date Time: a local wall-clock time (the device has no zone), or null when
 * the device says it does not know the date (year, month or day 0). */
function dateTime(r) {
  const year = r.u16(); const month = r.u8(); const day = r.u8();
  const hours = r.u8(); const minutes = r.u8(); const seconds = r.u8();
  if (year === 0 || month === 0 || day === 0) return null;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (year < 1582 || year > 9999 || month > 12 || day > last || hours > 23 || minutes > 59
      || seconds > 59) {
    throw new GattError('bad_timestamp', `${year}-${month}-${day} ${hours}:${minutes}:${seconds}`);
  }
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hours)}:${pad(minutes)}:${pad(seconds)}`;
}

const TEMPERATURE_TYPES = ['', 'armpit', 'body', 'ear', 'finger', 'gut', 'mouth', 'rectum', 'toe', 'tympanum'];

/** Health Thermometer, Temperature Measurement (0x2A1C). */
export function parseTemperature(bytes) {
  const r = reader(bytes, 'temperature');
  const flags = r.u8();
  const value = required(float32(r.u32()), 'temperature');
  const timestamp = flags & 0x02 ? dateTime(r) : null;
  let type = null;
  if (flags & 0x04) {
    const code = r.u8();
    type = TEMPERATURE_TYPES[code] || null;
    if (!type) throw new GattError('bad_type', `temperature type ${code}`);
  }
  return { kind: 'temperature', value, unit: flags & 0x01 ? 'F' : 'C', timestamp, type };
}

/** Blood Pressure Measurement (0x2A35): systolic, diastolic, MAP (mmHg; kPa converted). */
export function parseBloodPressure(bytes) {
  const r = reader(bytes, 'blood pressure');
  const flags = r.u8();
  const kpa = Boolean(flags & 0x01);
  const toMmHg = (v) => (v === null ? null : Math.round(kpa ? v * KPA_TO_MMHG : v));
  const systolic = toMmHg(required(sfloat(r.u16()), 'systolic'));
  const diastolic = toMmHg(optional(sfloat(r.u16()), 'diastolic'));
  const map = toMmHg(optional(sfloat(r.u16()), 'mean arterial pressure'));
  const timestamp = flags & 0x02 ? dateTime(r) : null;
  const pulse = flags & 0x04 ? optional(sfloat(r.u16()), 'pulse') : null;
  const user = flags & 0x08 ? r.u8() : null;
  const status = [];
  if (flags & 0x10) {
    const bits = r.u16();
    if (bits & 0x01) status.push('body_movement');
    if (bits & 0x02) status.push('cuff_loose');
    if (bits & 0x04) status.push('irregular_pulse');
    if ((bits >> 3) & 0x03) status.push('pulse_range');
    if (bits & 0x20) status.push('improper_position');
  }
  return {
    kind: 'cuff', systolic, diastolic, map, unit: kpa ? 'kPa' : 'mmHg',
    pulse: pulse === null ? null : Math.round(pulse), timestamp, user,
    status,
  };
}

/** PLX Spot-Check Measurement (0x2A5E): SpO2 %, pulse /min, optional timestamp. */
export function parseSpotCheck(bytes) {
  const r = reader(bytes, 'spot-check');
  const flags = r.u8();
  const spo2 = required(sfloat(r.u16()), 'SpO2');
  const pulse = optional(sfloat(r.u16()), 'pulse');
  let timestamp = flags & 0x01 ? dateTime(r) : null;
  if (flags & 0x10) timestamp = null; // "device clock is not set": its time means nothing
  if (flags & 0x02) r.skip(2); // measurement status
  if (flags & 0x04) r.skip(3); // device and sensor status
  if (flags & 0x08) optional(sfloat(r.u16()), 'pulse amplitude index');
  return { kind: 'oximeter', spo2: Math.round(spo2), pulse: pulse === null ? null : Math.round(pulse), timestamp };
}

/** PLX Continuous Measurement (0x2A5F): the normal SpO2 / pulse pair, no timestamp. */
export function parseContinuous(bytes) {
  const r = reader(bytes, 'continuous');
  const flags = r.u8();
  const spo2 = required(sfloat(r.u16()), 'SpO2');
  const pulse = optional(sfloat(r.u16()), 'pulse');
  if (flags & 0x01) r.skip(4); // SpO2PR-Fast
  if (flags & 0x02) r.skip(4); // SpO2PR-Slow
  if (flags & 0x04) r.skip(2); // measurement status
  if (flags & 0x08) r.skip(3); // device and sensor status
  if (flags & 0x10) r.skip(2); // pulse amplitude index
  return { kind: 'oximeter', spo2: Math.round(spo2), pulse: pulse === null ? null : Math.round(pulse), timestamp: null };
}

const PARSERS = { 0x2a1c: parseTemperature, 0x2a35: parseBloodPressure, 0x2a5e: parseSpotCheck, 0x2a5f: parseContinuous };

/** Decode a characteristic's value by its UUID (16-bit number or full UUID string):
 * {ok: true, reading} or {ok: false, code, detail}. */
export function parse(characteristic, bytes) {
  const id = typeof characteristic === 'number' ? characteristic
    : parseInt(String(characteristic).slice(4, 8), 16);
  const parser = PARSERS[id];
  if (!parser) return { ok: false, code: 'unknown_characteristic', detail: String(characteristic) };
  try {
    return { ok: true, reading: parser(bytes) };
  } catch (err) {
    if (err instanceof GattError) return { ok: false, code: err.code, detail: err.detail };
    throw err;
  }
}

/** Bytes as lower-case hex, for the audit copy sent with the check-in. */
export function toHex(bytes) {
  const data = bytes instanceof DataView
    ? new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) : Uint8Array.from(bytes);
  return Array.from(data, (b) => b.toString(16).padStart(2, '0')).join('');
}
