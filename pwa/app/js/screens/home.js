// Home: day since infusion, today's due checks, the last entry, alerts and messages.
import * as api from '../api.js';
import { h, navigation, show, t, update } from '../dom.js';
import { formatDateTime } from '../i18n.js';
import * as outbox from '../outbox.js';
import { alertSection, loadAlerts } from '../alerts.js';
import { localTime, todaySlots } from '../schedule.js';
import {
  flowSteps, limitLines, nextCheckText, nothingNewTimes, partsOf, slotProgress,
} from '../today.js';
import { state } from '../state.js';
import * as store from '../store.js';
import { notifyBlock } from './notify.js';
import * as push from '../push.js';

const CHECKS = ['temperature', 'ice', 'tremor', 'handwriting', 'symptoms'];

export { flowSteps };

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
  if (entry.symptoms?.length) {
    parts.push(t('summary_symptom_list', { list: entry.symptoms.map((s) => t(`sym_${s}`)).join(', ') }));
  }
  if (entry.vitals) parts.push(t('summary_vitals'));
  if (entry.antipyretic) parts.push(t('summary_antipyretic'));
  if (entry.other) parts.push(t('summary_other'));
  return parts.join(', ');
}

/** A date and time for display in the patient's zone. */
export function when(iso) {
  return formatDateTime(iso, state.context?.timezone, { weekday: 'short', hour: '2-digit', minute: '2-digit' });
}

/** Timed entries [{at, parts}] of the server's rows and the outbox, for slot progress. */
function timedEntries(rows, pending) {
  return [...rows.map((r) => ({ at: Date.parse(r.observed_at), parts: partsOf(r) })),
    ...pending.map((p) => ({ at: Date.parse(p.body.observed_at), parts: partsOf(p.body) }))];
}

/** Today's slots with their progress; `current` is the slot to start or continue now. */
function slotsNow(context, entries, nothingNew, nowMs) {
  const { day, slots, unknown } = todaySlots(context, entries.map((e) => e.at), nowMs);
  const shown = slots.filter((slot) => slot.status !== 'closed') // before enrolment: not ours
    .map((slot) => ({ ...slot, progress: slotProgress(slot, entries, nothingNew) }));
  const current = shown.find((s) => s.status === 'due')
    || shown.find((s) => s.status === 'done' && s.progress.missing.length && nowMs <= s.until);
  return { day, slots: shown, unknown, current };
}

function slotBadge(slot) {
  const { done, steps } = slot.progress;
  if (slot.status === 'done' && done.length < steps.length) {
    return t('slotPartsDone', { done: done.length, total: steps.length });
  }
  return t(`status_${slot.status}`);
}

function slotList(context, entries, nothingNew) {
  const nowMs = api.serverNow().getTime();
  const { day, slots, unknown, current } = slotsNow(context, entries, nothingNew, nowMs);
  const dayText = day > context.window_days ? t('dayOutside', { day }) : t('dayLabel', { day });
  const items = slots.map((slot) => {
    const partial = slot.status === 'done' && slot.progress.missing.length ? '.partial' : '';
    return h(`li.slot.${slot.status}${partial}`, {},
      h('span.time', {}, localTime(slot.at, context.timezone, t('lang'), t('hourCycle'))),
      h('span.what', {}, t(slot.neuro ? 'slotNeuro' : 'slotTemp')),
      h('span.badge', {}, slotBadge(slot)));
  });
  const due = current?.status === 'due' ? current : null;
  return { day: dayText, list: items.length ? h('ul.slots', {}, items) : null, due, current, unknown,
    next: nextCheckText(context, nowMs), limits: limitLines(context, nowMs) };
}

let renders = 0; // a live re-render started later supersedes one still loading

/** Render the home screen. */
export async function showHome({ quiet = false } = {}) {
  const at = navigation();
  const mine = ++renders;
  const context = state.context;
  const caregiver = context.role === 'caregiver';
  const [rows, pending, messages, alertsNow, nothingNew] = await Promise.all([
    recentCheckins(), outbox.pending(), store.messagesAll().catch(() => []), loadAlerts(),
    nothingNewTimes().catch(() => []),
  ]);
  const slots = slotList(context, timedEntries(rows, pending), nothingNew);
  const parts = [h('h1', {}, t('homeTitle')), h('p.day', {}, slots.day)];
  if (pending.length) {
    parts.push(h('p.pending', {}, h('a', { href: '#/entries' }, t('pendingCount', { n: pending.length }))));
  }
  // one card per alert, first on the screen: what was found, what to do, where it stands
  const alertBox = alertSection({ alerts: alertsNow, pending }, when, { always: caregiver });
  if (alertBox) parts.push(alertBox);
  const due = h('section.card', {}, h('h2', {}, t('dueTitle')));
  if (slots.list) due.append(slots.list);
  if (slots.due) {
    due.append(h('a.button.primary', { href: '#/check', dataset: { neuro: slots.due.neuro ? '1' : '' } }, t('startDue')));
  } else if (slots.current) {
    const { done, steps } = slots.current.progress;
    due.append(h('a.button.primary', { href: '#/check' }, t('slotContinue', { done: done.length, total: steps.length })));
  } else {
    due.append(h('p', {}, t(slots.unknown ? 'scheduleUnknown' : 'noDueNow')));
  }
  if (slots.next) due.append(h('p.next', {}, slots.next));
  parts.push(due);
  if (slots.limits.length) {
    parts.push(h('section.card.limits', {}, h('h2', {}, t('limitsTitle')),
      h('ul.plain', {}, slots.limits.map((l) => h(`li.${l.kind}`, {}, l.text)))));
  }
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
  if (mine !== renders) return slots; // a newer render (the outbox emptied meanwhile) wins
  (quiet ? update : show)(h('section.home', {}, ...parts));
  return slots;
}

/** Start (or continue) the guided check for the slot due now (the target of reminder
 *  notifications): the steps of the slot, beginning at the first part not yet in. */
export async function startDueCheck() {
  const context = state.context;
  const rows = (await store.get('recent_checkins')) || [];
  const pending = await outbox.pending().catch(() => []);
  const nothingNew = await nothingNewTimes().catch(() => []);
  const nowMs = api.serverNow().getTime();
  const entries = timedEntries(rows, pending);
  const { slots, current } = slotsNow(context, entries, nothingNew, nowMs);
  const slot = current || slots.find((s) => s.status === 'missed');
  const steps = flowSteps(slot ? slot.neuro : true);
  const done = current ? current.progress.done : [];
  const index = Math.max(0, steps.findIndex((s) => !done.includes(s)));
  state.flow = { steps, index, done };
  return state.flow.steps[index];
}
