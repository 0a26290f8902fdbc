// Home: day since infusion, today's due checks, the last entry, alerts and messages.
import * as api from '../api.js';
import { h, navigation, show, t, update } from '../dom.js';
import { formatDateTime } from '../i18n.js';
import * as outbox from '../outbox.js';
import { localTime, todaySlots } from '../schedule.js';
import { state } from '../state.js';
import * as store from '../store.js';
import { notifyBlock } from './notify.js';
import * as push from '../push.js';

const CHECKS = ['temperature', 'ice', 'tremor', 'handwriting', 'symptoms'];

/** Steps of a guided check: temperature, plus the neuro checks when due. */
export function flowSteps(neuro) {
  return neuro ? ['temperature', 'handwriting', 'ice', 'tremor', 'symptoms'] : ['temperature', 'symptoms'];
}

/** A list from the server, kept on the phone; offline (or on any error), the kept copy. */
async function keptList(path, key) {
  try {
    const rows = await api.get(path);
    await store.set(key, rows);
    return rows;
  } catch {
    return (await store.get(key)) || [];
  }
}

/** The recent check-ins of the patient. */
export const recentCheckins = () => keptList('/api/v1/checkins?limit=20', 'recent_checkins');

/** The patient's unresolved escalations as the centre holds them. A check-in's answer is a
 *  snapshot (it still says "open" after staff close the alert) and a missed check-in has no
 *  check-in at all, so the alert card reads these instead. */
const openEscalations = () => keptList('/api/v1/device/escalations', 'open_escalations');

/** A short summary of a check-in for lists. */
export function summary(entry) {
  const parts = [];
  if (entry.temperature) parts.push(t('summary_temperature', entry.temperature));
  if (entry.ice_total != null) parts.push(t('summary_ice', { score: entry.ice_total }));
  else if (entry.ice) {
    const score = Object.values(entry.ice).filter(Number.isInteger).reduce((a, b) => a + b, 0);
    parts.push(t('summary_ice', { score })); // items only: `self` is a flag, not points
  }
  if (entry.tremor) parts.push(t('summary_tremor', { rating: t(`tremor_${entry.tremor.rating}`) }));
  if (entry.handwriting?.judgement) parts.push(t('summary_handwriting', { judgement: t(`hw_${entry.handwriting.judgement}`) }));
  if (entry.symptoms?.length) parts.push(t('summary_symptoms', { n: entry.symptoms.length }));
  if (entry.vitals) parts.push(t('summary_vitals'));
  if (entry.antipyretic) parts.push(t('summary_antipyretic'));
  if (entry.other) parts.push(t('summary_other'));
  return parts.join(', ');
}

/** A date and time for display in the patient's zone. */
export function when(iso) {
  return formatDateTime(iso, state.context?.timezone, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

function slotList(context, observed) {
  const { day, slots, unknown } = todaySlots(context, observed, api.serverNow().getTime());
  const dayText = day > context.window_days ? t('dayOutside', { day }) : t('dayLabel', { day });
  const items = slots.map((slot) => h(`li.slot.${slot.status}`, {},
    h('span.time', {}, localTime(slot.at, context.timezone, t('lang'), t('hourCycle'))),
    h('span.what', {}, t(slot.neuro ? 'slotNeuro' : 'slotTemp')),
    h('span.badge', {}, t(`status_${slot.status}`))));
  const due = slots.find((s) => s.status === 'due');
  return { day: dayText, list: items.length ? h('ul.slots', {}, items) : null, due, unknown };
}

function alerts(open) {
  return h('section.card', {}, h('h2', {}, t('openAlerts')),
    open.length
      ? h('ul.plain', {}, open.map((e) => h(`li.alert.${e.severity}`, {},
        t('alertLine', { severity: t(`severity_${e.severity}`), state: t(`state_${e.state}`) }))))
      : h('p', {}, t('noAlerts')));
}

/** Render the home screen. */
export async function showHome({ quiet = false } = {}) {
  const at = navigation();
  const context = state.context;
  const caregiver = context.role === 'caregiver';
  const [rows, pending, messages, open] = await Promise.all([
    recentCheckins(), outbox.pending(), store.messagesAll().catch(() => []),
    caregiver ? openEscalations() : [],
  ]);
  const observed = [...rows.map((r) => Date.parse(r.observed_at)),
    ...pending.map((p) => Date.parse(p.body.observed_at))];
  const slots = slotList(context, observed);
  const parts = [h('h1', {}, t('homeTitle')), h('p.day', {}, slots.day)];
  if (pending.length) {
    parts.push(h('p.pending', {}, h('a', { href: '#/entries' }, t('pendingCount', { n: pending.length }))));
  }
  if (caregiver) parts.push(alerts(open)); // alerts first for the carer
  const due = h('section.card', {}, h('h2', {}, t('dueTitle')));
  if (slots.list) due.append(slots.list);
  if (slots.due) {
    due.append(h('a.button.primary', { href: '#/check', dataset: { neuro: slots.due.neuro ? '1' : '' } }, t('startDue')));
  } else {
    due.append(h('p', {}, t(slots.unknown ? 'scheduleUnknown' : 'noDueNow')));
  }
  parts.push(due);
  const last = rows[0];
  parts.push(h('section.card', {}, h('h2', {}, t('lastResult')),
    h('p', {}, last ? t('lastAt', { when: when(last.observed_at), what: summary(last) }) : t('lastNone'))));
  if (caregiver) {
    parts.push(h('section.card', {}, h('h2', {}, t('patientEntries')),
      rows.length
        ? h('ul.plain.entries', {}, rows.slice(0, 10).map((r) => h('li', {},
          `${when(r.observed_at)} — ${summary(r)} (${t(`by_${r.recorded_by}`)})`)))
        : h('p', {}, t('lastNone'))));
  }
  if (messages.length) {
    parts.push(h('section.card', {}, h('h2', {}, t('messagesTitle')),
      h('ul.plain', {}, messages.slice(0, 5).map((m) => h('li', {}, `${when(m.at)} — ${m.title}: ${m.body}`)))));
  }
  parts.push(h('nav.card', { 'aria-label': t('otherChecks') }, h('h2', {}, t('otherChecks')),
    h('ul.checks', {}, CHECKS.map((c) => h('li', {}, h('a.button.secondary', { href: `#/${c}` }, t(`check_${c}`)))))));
  if (push.permission() !== 'granted') parts.push(notifyBlock());
  parts.push(h('p.links', {}, h('a', { href: '#/entries' }, t('entriesLink')), ' · ',
    h('a', { href: '#/settings' }, t('settingsLink'))));
  if (navigation() !== at) return slots; // the user moved on while this loaded
  (quiet ? update : show)(h('section.home', {}, ...parts));
  return slots;
}

/** Start the guided check for the slot due now (the target of reminder notifications). */
export async function startDueCheck() {
  const context = state.context;
  const rows = (await store.get('recent_checkins')) || [];
  const { slots } = todaySlots(context, rows.map((r) => Date.parse(r.observed_at)), api.serverNow().getTime());
  const slot = slots.find((s) => s.status === 'due') || slots.find((s) => s.status === 'missed');
  const neuro = slot ? slot.neuro : true;
  state.flow = { steps: flowSteps(neuro), index: 0 };
  return state.flow.steps[0];
}
