// Alerts in words (issue 15, finding 3): what was found with its value ("high temperature
// 38.6 °C"; reason codes -> found_<code> keys), shared by the result screen's "because" and
// the history, and the alert card on Home (patient and caregiver): what was found, what to do
// now, and where the alert stands (sent to the centre -> seen by the centre -> closed), from
// GET /api/v1/device/alerts, kept in IndexedDB so it shows offline as last known. An alarming
// entry still waiting in the outbox gets a card from the phone's own advice.
import { localInstruction } from './advice.js';
import * as api from './api.js';
import { h, t } from './dom.js';
import { localTime } from './schedule.js';
import { state } from './state.js';
import * as store from './store.js';

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
  const ice = body.ice ? { total: body.ice_total ?? ['orientation', 'naming', 'commands', 'writing',
    'attention'].reduce((a, k) => a + (body.ice[k] || 0), 0) } : null; // stored, or as sent
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

const KEY = 'device_alerts';

/** The alerts from the server, stored with the time they were read; offline the stored copy
 *  with `stale: true`. */
export async function loadAlerts() {
  try {
    const rows = await api.get('/api/v1/device/alerts');
    const kept = { at: api.serverNow().toISOString(), rows };
    await store.set(KEY, kept);
    return { ...kept, stale: false };
  } catch {
    const kept = (await store.get(KEY)) || { at: null, rows: [] };
    return { ...kept, stale: true };
  }
}

function tel(number) {
  return `tel:${String(number).replace(/[^\d+]/g, '')}`;
}

/** The instruction for a severity with its tap-to-call links (the result screen's words). */
function whatToDo(severity, phone) {
  const ctx = state.context || {};
  const parts = [h('p.todo', {}, t(`advice_${severity}`))];
  if (severity === 'emergency') {
    const number = ctx.emergency_number;
    parts.push(h('a.button.call.danger', { href: tel(number) }, t('callEmergencyNow', { number })));
    parts.push(h('a.button.call', { href: tel(ctx.centre_phone) }, t('callNow', { phone: ctx.centre_phone })));
  } else if (severity === 'urgent') {
    const number = phone || ctx.centre_phone;
    parts.push(h('a.button.call.danger', { href: tel(number) }, t('callNow', { phone: number })));
  }
  return parts;
}

function step(done, text) {
  return h(`li.${done ? 'done' : 'waiting'}`, {}, text);
}

/** One card for an alert the centre holds. `when` formats a time in the patient's zone. */
function serverCard(alert, when) {
  const closed = alert.state === 'resolved';
  const worse = [alert.raised_at, alert.worsened_at].filter(Boolean).sort().pop();
  const progress = [step(true, t('alertSent', { when: when(alert.opened_at) }))];
  if (worse) progress.push(step(true, t('alertWorse', { when: when(worse) })));
  progress.push(alert.acknowledged_at
    ? step(true, t('alertSeen', { when: when(alert.acknowledged_at) }))
    : step(closed, t(closed ? 'alertSeenClosed' : 'alertNotSeen')));
  progress.push(closed ? step(true, t('alertClosed', { when: when(alert.resolved_at) }))
    : step(false, t('alertNotClosed')));
  const found = alert.found?.length ? alert.found : (alert.reasons || []).map((reason) => ({ reason }));
  const parts = [
    h('h3', {}, t(closed ? 'alertTitleClosed' : `alertTitle_${alert.severity}`)),
    h('p.found', {}, t('alertFound', { list: foundList(found) })),
  ];
  if (!closed && alert.state === 'open' && alert.unanswered_at) {
    parts.push(h('p.unanswered', { role: 'alert' }, t('alertUnanswered')));
  }
  if (closed) parts.push(h('p', {}, t('alertClosedAdvice')));
  else parts.push(...whatToDo(alert.severity, alert.instruction?.phone));
  parts.push(h('ol.progress', { 'aria-label': t('alertProgress') }, progress));
  return h(`article.alert-card.${closed ? 'resolved' : alert.severity}`,
    { dataset: { id: alert.id, state: alert.state } }, ...parts);
}

/** A card for an alarming entry that has not reached the centre yet (offline advice). */
function pendingCard(entry, when) {
  const advice = localInstruction(entry.body, state.thresholds);
  if (!advice?.severity) return null;
  const found = foundOfEntry(advice.reasons, entry.body, state.context?.role);
  return h(`article.alert-card.${advice.severity}`, { dataset: { state: 'unsent' } },
    h('h3', {}, t(`alertTitle_${advice.severity}`)),
    h('p.found', {}, t('alertFound', { list: foundList(found) })),
    ...whatToDo(advice.severity, advice.phone),
    h('ol.progress', { 'aria-label': t('alertProgress') },
      step(false, t('alertUnsent', { when: when(entry.body.observed_at) }))));
}

/** The alerts section, or null when there is nothing to show and `always` is false. */
export function alertSection({ alerts, pending }, when, { always = false } = {}) {
  const cards = [
    ...pending.map((entry) => pendingCard(entry, when)).filter(Boolean),
    ...alerts.rows.map((alert) => serverCard(alert, when)),
  ];
  if (!cards.length && !always) return null;
  const parts = [h('h2', {}, t('alertsTitle'))];
  if (cards.length) parts.push(...cards);
  else parts.push(h('p', {}, t('noAlerts')));
  if (alerts.stale && alerts.at && alerts.rows.length) {
    parts.push(h('p.hint', {}, t('alertsStale', { when: when(alerts.at) })));
  }
  return h('section.card.alerts', {}, ...parts);
}
