// Every time the staff app shows, in one format: the centre's clock (24 h unless the centre
// chose 12 h, admin → Centre) and a zone (the centre's unless a patient's is given), so
// "Updated …", the audit log, charts and cards never mix "8:33:32 PM" with "21:28 CET".

import { t } from './i18n.js';

const settings = { timezone: 'UTC', hour12: false };
const formatters = new Map();

/** Take the centre's zone and clock from /api/v1/auth/me (`centre`). */
export function configureTime(centre) {
  settings.timezone = (centre && centre.timezone) || 'UTC';
  settings.hour12 = Boolean(centre && centre.time_format === '12h');
  formatters.clear();
}

/** The centre's time zone (the default zone of every helper here). */
export function centreZone() {
  return settings.timezone;
}

const SHAPES = {
  full: { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
  clock: { hour: '2-digit', minute: '2-digit', second: '2-digit' },
  tick: { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
  date: { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' },
};

function formatter(tz, shape, withZone) {
  const key = `${tz}|${shape}|${withZone}|${settings.hour12}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.DateTimeFormat('en-GB', {
      timeZone: tz, ...SHAPES[shape],
      ...(shape === 'date' ? {} : { hourCycle: settings.hour12 ? 'h12' : 'h23' }),
      timeZoneName: withZone ? 'short' : undefined,
    }));
  }
  return formatters.get(key);
}

function format(value, tz, shape, withZone = true) {
  if (value === null || value === undefined || value === '') return '—';
  return formatter(tz || settings.timezone, shape, withZone).format(new Date(value));
}

/** "Tue 10 Mar, 08:00 CET" for an instant, in tz (default: the centre's zone). */
export function localTime(iso, tz) {
  return format(iso, tz, 'full');
}

/** "21:28:05 CET": a clock time with seconds (the queue's "Updated …"). */
export function clockTime(value, tz) {
  return format(value, tz, 'clock');
}

/** "10 Mar, 08:00": a chart axis tick, no zone (the chart title names it). */
export function tickTime(value, tz) {
  return format(value, tz, 'tick', false);
}

/** "Tue 10 Mar 2026": a calendar day (date range filters). */
export function dayText(value, tz) {
  return format(value, tz, 'date', false);
}

/** "12 min ago", "3 h 5 min ago" relative to now (or a given instant), from i18n.js. */
export function ago(iso, nowMs = Date.now()) {
  if (!iso) return '';
  const minutes = Math.round((nowMs - new Date(iso).getTime()) / 60000);
  if (minutes < 1) return t('ago_now');
  if (minutes < 60) return t('ago_minutes', { minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return t('ago_hours', { hours, minutes: minutes % 60 });
  return t('ago_days', { days: Math.floor(hours / 24) });
}

function offsetMinutes(utcMs, tz) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit',
    hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const get = (type) => Number(parts.find((p) => p.type === type).value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'),
    get('second'));
  return (asUtc - utcMs) / 60000;
}

/** Convert "2026-03-10T08:00" (a wall time in tz) to an ISO UTC instant. */
export function zonedToUtc(local, tz) {
  const [date, time = '00:00'] = local.split('T');
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  let guess = wall - offsetMinutes(wall, tz) * 60000;
  guess = wall - offsetMinutes(guess, tz) * 60000;
  return new Date(guess).toISOString();
}

/** The current wall time in tz as a datetime-local value. */
export function nowLocalValue(tz) {
  const ms = Date.now() + offsetMinutes(Date.now(), tz) * 60000;
  return new Date(ms).toISOString().slice(0, 16);
}
