// When the next check is ("next: tomorrow 08:00") and until when the patient stays near the
// centre and does not drive (POLICY.md v2 "Time"), in the patient's zone, for Home.
import { t } from './dom.js';
import { localTime, todaySlots } from './schedule.js';

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
