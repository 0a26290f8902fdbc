// Today's due checks in the patient's time zone, from the schedule the server publishes in
// the phone's context (GET /api/v1/device/me, clinical/POLICY.md): the app keeps no copy.

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
export function zonedInstant(year, month, day, hour, timeZone, minute = 0) {
  const guess = Date.UTC(year, month - 1, day, hour, minute);
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

/** Today's slots: [{at, hour, neuro, status, from, until}] with status
 *  done|due|missed|later|closed (`from`-`until`: the window an entry answers the slot in).
 *  Without a published schedule (a context stored by an older version) `unknown` is true. */
export function todaySlots(context, observedTimes, nowMs) {
  const tz = context.timezone;
  const day = dayNumber(context.infused_at, nowMs, tz);
  const schedule = context.schedule;
  if (!schedule?.periods) return { day, slots: [], unknown: true };
  const period = schedule.periods.find((p) => day >= p.first_day && day <= p.last_day);
  if (!period) return { day, slots: [] };
  const today = parts(nowMs, tz);
  const enrolled = Date.parse(context.enrolled_at);
  const slots = period.times.map((time) => {
    const [hour, minute] = time.split(':').map(Number);
    const at = zonedInstant(today.year, today.month, today.day, hour, tz, minute);
    const from = at - schedule.early_minutes * 60000;
    const until = at + period.missed_after_minutes * 60000;
    const done = observedTimes.some((t) => t >= from && t <= until);
    let status;
    if (done) status = 'done';
    else if (at < enrolled) status = 'closed';
    else if (nowMs < from) status = 'later';
    else if (nowMs <= until) status = 'due';
    else status = 'missed';
    return { at, hour, neuro: period.neuro_times.includes(time), status, from, until };
  });
  return { day, slots };
}

/** A local time of day for display, e.g. "08:00". */
export function localTime(ms, timeZone, lang, hourCycle = 'h23') {
  return new Intl.DateTimeFormat(lang, { timeZone, hourCycle, hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
}
