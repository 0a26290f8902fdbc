// Home's day (issue 15, findings 2, 4, 7): which parts of a due slot are in ("1 of 5 done —
// continue"; the server's missed check-in rule is unchanged: any entry answers the slot
// there), when the next check is ("next: tomorrow 08:00"), and until when the patient stays
// near the centre and does not drive (POLICY.md v2 "Time"), in the patient's zone.
import { t } from './dom.js';
import { localTime, todaySlots } from './schedule.js';
import * as store from './store.js';

const MARKS_KEY = 'nothing_new'; // "No new symptoms" taps: nothing is sent, the part is in
const MARKS_KEEP = 20;

/** Steps of a guided check: temperature, plus the neuro checks when due. */
export function flowSteps(neuro) {
  return neuro ? ['temperature', 'handwriting', 'ice', 'tremor', 'symptoms'] : ['temperature', 'symptoms'];
}

/** The parts one entry (a check-in body or a stored check-in) covers. */
export function partsOf(entry) {
  const parts = [];
  if (entry.temperature) parts.push('temperature');
  if (entry.ice) parts.push('ice');
  if (entry.tremor) parts.push('tremor');
  // the confusion check's writing item sends strokes too; the handwriting check is its own part
  if (entry.handwriting && (entry.handwriting.judgement || !entry.ice)) parts.push('handwriting');
  if (entry.symptoms?.length || entry.vitals || entry.other) parts.push('symptoms');
  return parts;
}

/** Remember that "No new symptoms" was answered now (the symptoms part of this slot is in). */
export async function markNothingNew(atIso) {
  const marks = (await store.get(MARKS_KEY)) || [];
  await store.set(MARKS_KEY, [atIso, ...marks].slice(0, MARKS_KEEP));
}

/** The kept "No new symptoms" times (ms). */
export async function nothingNewTimes() {
  return ((await store.get(MARKS_KEY)) || []).map((iso) => Date.parse(iso));
}

/** {steps, done: [parts in], missing: [parts still to do]} of a slot, from timed entries
 *  [{at, parts}] and the "No new symptoms" times. */
export function slotProgress(slot, entries, nothingNew = []) {
  const steps = flowSteps(slot.neuro);
  const inside = (t) => t >= slot.from && t <= slot.until;
  const got = new Set(entries.filter((e) => inside(e.at)).flatMap((e) => e.parts));
  if (nothingNew.some(inside)) got.add('symptoms');
  const done = steps.filter((s) => got.has(s));
  return { steps, done, missing: steps.filter((s) => !got.has(s)) };
}

const DAY_MS = 86400000;

function localDate(ms, timeZone) {
  // en-CA formats as YYYY-MM-DD, the same form as the server's dates
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date(ms));
}

/** The next slot still ahead ({at, neuro, tomorrow}), or null (none published / window over). */
export function nextCheck(context, nowMs) {
  for (const [offset, tomorrow] of [[0, false], [DAY_MS, true]]) {
    const { slots } = todaySlots(context, [], nowMs + offset);
    const ahead = slots.find((s) => s.from > nowMs);
    if (ahead) return { at: ahead.at, neuro: ahead.neuro, tomorrow };
  }
  return null;
}

/** "Next check: tomorrow 08:00" (or today), or '' without one. */
export function nextCheckText(context, nowMs) {
  const next = nextCheck(context, nowMs);
  if (!next) return '';
  const time = localTime(next.at, context.timezone, t('lang'), t('hourCycle'));
  return t(next.tomorrow ? 'nextTomorrow' : 'nextToday', { time });
}

function dateWords(iso) {
  const [y, m, d] = iso.split('-').map(Number);
  return new Intl.DateTimeFormat(t('lang'), { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'long' })
    .format(new Date(Date.UTC(y, m - 1, d, 12)));
}

/** The lines "Stay near the centre until Tue 15 December" and "No driving until …" while
 *  they apply (the dates are the last days, inclusive, as the server publishes them). */
export function limitLines(context, nowMs) {
  const today = localDate(nowMs, context.timezone);
  const lines = [];
  if (context.stay_near_until && today <= context.stay_near_until) {
    lines.push({ kind: 'near', text: t('stayNearUntil', { date: dateWords(context.stay_near_until) }) });
  }
  if (context.no_driving_until && today <= context.no_driving_until) {
    lines.push({ kind: 'driving', text: t('noDrivingUntil', { date: dateWords(context.no_driving_until) }) });
  }
  return lines;
}
