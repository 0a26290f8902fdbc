// The values behind an escalation's reasons (the server's `evidence`): the reading, who
// recorded it, when it was observed and received. A reason code alone hides the 39.2 °C.

import { deviceLine } from './devices.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { localTime } from './time.js';

const VITALS = [['heart_rate', 'ev_heart_rate'], ['systolic_bp', 'ev_systolic'],
  ['spo2', 'ev_spo2'], ['respiratory_rate', 'respiratory_rate_short']];
const NEWS2_PARTS = ['heart_rate', 'systolic_bp', 'spo2', 'respiratory_rate', 'temperature_c',
  'consciousness'];

function temperatureText(temp) {
  const celsius = Number(temp.celsius).toFixed(1);
  return temp.unit === 'F' ? t('ev_temperature_f', { value: temp.value, celsius })
    : t('ev_temperature_c', { celsius });
}

function readingsText(r) {
  if (!r.readings || r.readings < 2 || r.shown === 'latest') return null;
  return t(`ev_readings_${r.shown}`, { count: r.readings });
}

/** "HR 112/min · systolic 92 mmHg": the vital signs measured, in a fixed order. */
export function vitalsText(vitals) {
  return VITALS.filter(([name]) => vitals && vitals[name] !== null && vitals[name] !== undefined)
    .map(([name, key]) => t(key, { value: vitals[name] })).join(' · ');
}

/** "NEWS2 6: temperature 2, pulse 2, systolic 2": the score with its non-zero parts. */
export function news2Text(news2) {
  const parts = NEWS2_PARTS.filter((name) => (news2.parts || {})[name] > 0)
    .map((name) => t(`news2_part_${name}`, { score: news2.parts[name] }));
  return parts.length ? t('ev_news2', { total: news2.total, parts: parts.join(', ') })
    : t('ev_news2_zero', { total: news2.total });
}

/** "recorded by a caregiver · observed …, received … — late". */
function sourceLine(source, tz) {
  if (!source) return null;
  return h('span', { class: `ev-source${source.late ? ' late' : ''}` },
    t(`ev_by_${source.recorded_by}`), ' · ',
    t('ev_times', { observed: localTime(source.observed_at, tz),
      received: localTime(source.received_at, tz) }),
    source.late ? [' — ', t('ev_late')] : null,
    source.devices && deviceLine(source.devices) ? [' · ', deviceLine(source.devices)] : null); // ble
}

/** The values shown under one reason, or null when the reason has none to show. */
export function reasonValues(r, tz) {
  if (!r) return null;
  const values = [];
  if (r.temperature) values.push(temperatureText(r.temperature));
  if (r.ice) values.push(t('ev_ice', r.ice));
  if (r.news2) values.push(news2Text(r.news2));
  if (r.vitals) values.push(vitalsText(r.vitals));
  const readings = readingsText(r);
  if (readings && values.length) values[0] = `${values[0]} (${readings})`;
  const slots = (r.slots || []).map((at) => localTime(at, tz));
  return h('span', { class: 'ev', dataset: { rule: r.rule_id } },
    values.length ? h('span', { class: 'ev-values' }, values.join(' · ')) : null,
    values.length && r.source ? ' · ' : null,
    sourceLine(r.source, tz),
    slots.length ? h('span', { class: 'ev-slots' }, t('ev_slots', { slots: slots.join(', ') }))
      : null);
}

/** The latest vital signs behind the escalation, when no reason already shows them. */
export function latestVitals(evidence, tz) {
  const latest = evidence && evidence.vitals;
  if (!latest || (evidence.reasons || []).some((r) => r.vitals)) return null;
  return h('p', { class: 'ev-vitals' }, h('strong', {}, `${t('ev_latest_vitals')}: `),
    vitalsText(latest.vitals),
    latest.news2 ? [' · ', news2Text(latest.news2)] : null, ' · ',
    sourceLine(latest.source, tz));
}
