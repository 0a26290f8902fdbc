// Times shown in the patient's time zone (and converting a local wall time to UTC).

const formatters = new Map();

function formatter(tz, withZone = true) {
  const key = `${tz}|${withZone}`;
  if (!formatters.has(key)) {
    formatters.set(key, new Intl.DateTimeFormat('en-GB', {
      timeZone: tz, weekday: 'short', day: 'numeric', month: 'short',
      hour: '2-digit', minute: '2-digit', hour12: false,
      timeZoneName: withZone ? 'short' : undefined,
    }));
  }
  return formatters.get(key);
}

/** "Tue 10 Mar, 08:00 CET" for an ISO instant in a time zone. */
export function localTime(iso, tz) {
  if (!iso) return '—';
  return formatter(tz || 'UTC').format(new Date(iso));
}

/** "12 min ago", "3 h ago" relative to now (or a given instant). */
export function ago(iso, nowMs = Date.now()) {
  if (!iso) return '';
  const minutes = Math.round((nowMs - new Date(iso).getTime()) / 60000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min ago`;
  return `${Math.floor(hours / 24)} days ago`;
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
