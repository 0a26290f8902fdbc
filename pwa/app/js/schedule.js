// Today's due checks from the schedule of clinical/POLICY.md, in the patient's time zone.

// POLICY.md "Check-in schedule": [first day, last day, slot hours, neuro hours, grace hours]
// where grace is how long after the slot a check still counts (the missed-check-in time).
const SCHEDULE = [
  [0, 14, [8, 14, 20], [8, 20], 2],
  [15, 30, [8, 20], [8, 20], 4],
  [31, 100, [8], [8], 4],
];
const EARLY_MS = 60 * 60 * 1000; // a check counts from 60 min before the slot

function parts(ms, timeZone) {
  const fmt = new Intl.DateTimeFormat('en-GB', {
    timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
    hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const out = {};
  for (const p of fmt.formatToParts(new Date(ms))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

function offsetMs(ms, timeZone) {
  const p = parts(ms, timeZone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(ms / 1000) * 1000;
}

/** The instant of a local wall-clock time in a time zone. */
export function zonedInstant(year, month, day, hour, timeZone) {
  const guess = Date.UTC(year, month - 1, day, hour);
  let ms = guess - offsetMs(guess, timeZone);
  ms = guess - offsetMs(ms, timeZone); // second pass settles DST edges
  return ms;
}

/** Calendar days since infusion in the patient's zone (infusion day is day 0). */
export function dayNumber(infusedAt, nowMs, timeZone) {
  const a = parts(Date.parse(infusedAt), timeZone);
  const b = parts(nowMs, timeZone);
  return Math.round((Date.UTC(b.year, b.month - 1, b.day) - Date.UTC(a.year, a.month - 1, a.day)) / 86400000);
}

/** Today's slots: [{at, hour, neuro, status}] with status done|due|missed|later|closed. */
export function todaySlots(context, observedTimes, nowMs) {
  const tz = context.timezone;
  const day = dayNumber(context.infused_at, nowMs, tz);
  if (day < 0 || day > context.window_days) return { day, slots: [] };
  const row = SCHEDULE.find(([first, last]) => day >= first && day <= last);
  if (!row) return { day, slots: [] };
  const [, , hours, neuroHours, graceHours] = row;
  const today = parts(nowMs, tz);
  const enrolled = Date.parse(context.enrolled_at);
  const slots = hours.map((hour) => {
    const at = zonedInstant(today.year, today.month, today.day, hour, tz);
    const from = at - EARLY_MS;
    const until = at + graceHours * 3600000;
    const done = observedTimes.some((t) => t >= from && t <= until);
    let status;
    if (done) status = 'done';
    else if (at < enrolled) status = 'closed';
    else if (nowMs < from) status = 'later';
    else if (nowMs <= until) status = 'due';
    else status = 'missed';
    return { at, hour, neuro: neuroHours.includes(hour), status };
  });
  return { day, slots };
}

/** A local time of day for display, e.g. "08:00". */
export function localTime(ms, timeZone, lang, hourCycle = 'h23') {
  return new Intl.DateTimeFormat(lang, { timeZone, hourCycle, hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
}
