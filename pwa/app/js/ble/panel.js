// "Read from my thermometer / oximeter / blood-pressure monitor": the buttons the temperature
// and vital-signs screens mount. They fill the screen's own fields, so the patient still sees
// and sends the value; a value still as the device gave it is sent with its device (model and
// raw bytes) and the device's own time. Without Web Bluetooth nothing is shown at all.
import { serverNow } from '../api.js';
import { h, t } from '../dom.js';
import { state } from '../state.js';
import { DeviceError, measure, remembered, supported } from './device.js';

const MODEL_MAX = 64; // the server's limit on a model name

/** The device's wall-clock time as an instant on this phone, or null when it gave none.
 * A time outside the policy's limits is refused, never replaced by "now". */
function observedAt(timestamp) {
  if (!timestamp) return null;
  const at = new Date(timestamp); // no zone: the device's clock is local time, like the phone's
  const bounds = state.context?.input_bounds || {};
  const past = (bounds.observed_max_past_hours ?? 72) * 3600000;
  const future = (bounds.observed_max_future_minutes ?? 5) * 60000;
  const current = serverNow().getTime();
  if (Number.isNaN(at.getTime()) || at.getTime() < current - past || at.getTime() > current + future) {
    throw new DeviceError('clock', timestamp);
  }
  return at.toISOString();
}

function model(name) {
  const clean = String(name || '').replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '').trim();
  return (clean || t('ble_unnamed')).slice(0, MODEL_MAX);
}

/** One button for one kind of device, with its status line; calls onReading(result). */
function deviceButton(kind, onReading) {
  const status = h('p.hint.ble-status', { role: 'status' });
  const read = h('button.secondary.ble-read', { type: 'button', dataset: { kind } }, t(`ble_read_${kind}`));
  const other = h('button.secondary.ble-other', { type: 'button', hidden: true }, t('ble_other_device'));
  const known = h('p.hint.ble-known', { hidden: true });
  remembered(kind).then((device) => {
    if (!device) return;
    known.textContent = t('ble_known', { name: model(device.name) });
    known.hidden = false;
    other.hidden = false;
  }).catch(() => {});
  const run = async (fresh) => {
    read.disabled = true;
    other.disabled = true;
    status.textContent = t('ble_waiting');
    try {
      const result = await measure(kind, { fresh });
      const reading = { ...result, model: model(result.model), observedAt: observedAt(result.reading.timestamp) };
      status.textContent = onReading(reading);
    } catch (err) {
      const code = err instanceof DeviceError ? err.code : 'unavailable';
      status.textContent = t(`ble_${code}`, { time: err?.detail || '' });
      if (!(err instanceof DeviceError)) console.error(err); // eslint-disable-line no-console
    } finally {
      read.disabled = false;
      other.disabled = false;
    }
  };
  read.addEventListener('click', () => run(false));
  other.addEventListener('click', () => run(true));
  return h('div.ble', { dataset: { kind } }, read, known, other, status);
}

/** For the temperature screen: {el (null without Web Bluetooth), source(value, unit),
 * observed(), fromDevice(value, unit)}. setUnit(u) switches the screen's unit. */
export function temperatureDevice(input, setUnit) {
  let last = null;
  const same = (value, unit) => last !== null && last.reading.value === value && last.reading.unit === unit;
  const el = supported() ? deviceButton('thermometer', (result) => {
    last = result;
    setUnit(result.reading.unit);
    input.value = String(result.reading.value);
    return t('ble_got_temperature', { model: result.model, value: result.reading.value, unit: result.reading.unit });
  }) : null;
  return {
    el,
    fromDevice: same,
    source: (value, unit) => (same(value, unit)
      ? { source: 'device', device: { model: last.model, raw: last.raw } } : {}),
    observed: (value, unit) => (same(value, unit) && last.observedAt ? { observed_at: last.observedAt } : {}),
  };
}

const VITALS_OF = {
  oximeter: (r) => ({ spo2: r.spo2, heart_rate: r.pulse }),
  cuff: (r) => ({ systolic_bp: r.systolic, heart_rate: r.pulse }),
};

/** For the vital-signs fields: {el (null without Web Bluetooth), devices(values),
 * observed(values), fromDevice(name, value)}; inputs maps a vital's name to its input. */
export function vitalsDevice(inputs) {
  const last = {}; // vital name -> {value, model, raw, observedAt}
  const onReading = (kind) => (result) => {
    for (const [name, value] of Object.entries(VITALS_OF[kind](result.reading))) {
      if (value === null || value === undefined || !inputs[name]) continue;
      inputs[name].value = String(value);
      last[name] = { value, model: result.model, raw: result.raw, observedAt: result.observedAt };
    }
    const r = result.reading;
    return kind === 'cuff'
      ? t('ble_got_cuff', { model: result.model, systolic: r.systolic, diastolic: r.diastolic ?? '–', pulse: r.pulse ?? '–' })
      : t('ble_got_oximeter', { model: result.model, spo2: r.spo2, pulse: r.pulse ?? '–' });
  };
  const fromDevice = (name, value) => last[name] !== undefined && last[name].value === value;
  const used = (values) => Object.keys(values).filter((name) => fromDevice(name, values[name]));
  const el = supported()
    ? h('div.ble-group', {}, deviceButton('oximeter', onReading('oximeter')), deviceButton('cuff', onReading('cuff')))
    : null;
  return {
    el,
    fromDevice,
    devices(values) {
      const names = used(values);
      if (!names.length) return {};
      return { devices: Object.fromEntries(names.map((n) => [n, { model: last[n].model, raw: last[n].raw }])) };
    },
    observed(values) {
      const times = used(values).map((n) => last[n].observedAt).filter(Boolean).sort();
      return times.length ? { observed_at: times[0] } : {};
    },
  };
}
