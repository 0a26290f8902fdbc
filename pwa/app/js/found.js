// What an alert found, in plain words with its value ("high temperature 38.6 °C"): one piece
// shared by the alert card, the result screen's "because" and the history. The server sends
// reason codes and values (GET /api/v1/device/alerts); the words are in the i18n files.
import { t } from './dom.js';
import { localTime } from './schedule.js';
import { state } from './state.js';

// Which value stands behind a reason (the rest are things seen or reported, without a number).
const VITAL_OF = {
  hypotension: 'systolic_bp', hypoxia: 'spo2', low_spo2: 'spo2', tachycardia: 'heart_rate',
  bradycardia: 'heart_rate', tachypnoea: 'respiratory_rate', bradypnoea: 'respiratory_rate',
};
const TEMPERATURE = new Set(['fever', 'hypothermia', 'antipyretic']);
const ICE = new Set(['ice_low', 'ice_severe']);

function valueOf(item) {
  const code = item.reason;
  if (TEMPERATURE.has(code) && item.temperature) {
    return t('summary_temperature', item.temperature);
  }
  if (VITAL_OF[code] && item.vitals?.[VITAL_OF[code]] != null) {
    return t(`unit_${VITAL_OF[code]}`, { value: item.vitals[VITAL_OF[code]] });
  }
  if (ICE.has(code) && item.ice?.total != null) return t('foundIceScore', { score: item.ice.total });
  if (code === 'news2' && item.news2 != null) return t('foundNews2', { score: item.news2 });
  if (code.startsWith('missed_checkin') && item.slots?.length) {
    const ctx = state.context || {};
    return item.slots.map((s) => localTime(Date.parse(s), ctx.timezone, t('lang'), t('hourCycle'))).join(', ');
  }
  return '';
}

/** One finding in words: "high temperature 38.6 °C", "a seizure, reported by the caregiver". */
export function foundText(item) {
  const what = t(`found_${item.reason}`);
  const value = valueOf(item);
  const text = value ? t('foundValue', { what, value }) : what;
  return item.recorded_by && item.recorded_by !== 'patient'
    ? t(`foundBy_${item.recorded_by}`, { what: text }) : text;
}

/** The findings of one entry worked out on the phone (reason codes) with the entry's values. */
export function foundOfEntry(reasons, body, role) {
  const ice = body.ice ? { total: ['orientation', 'naming', 'commands', 'writing', 'attention']
    .reduce((a, k) => a + (body.ice[k] || 0), 0) } : null;
  return (reasons || []).map((reason) => ({
    reason, temperature: body.temperature || null, vitals: body.vitals || null, ice,
    recorded_by: role || null,
  }));
}

/** Several findings as one line. */
export const foundList = (items) => items.map(foundText).join('; ');

/** The reason code of a rule id, from the published rule table (R-FEVER -> fever). */
export function reasonOf(ruleId) {
  const rule = state.thresholds?.rules?.find((r) => r.id === ruleId);
  return rule?.reason || String(ruleId).replace(/^R-/, '').toLowerCase().replace(/-/g, '_');
}
