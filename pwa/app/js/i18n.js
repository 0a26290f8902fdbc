// The patient app's language: one language file at a time (English fills any gap), t(), and
// numbers and dates in that language. Every number a screen shows goes through t() or
// formatNumber(), every typed number through parseNumber(), so "36,9" works in de and es.
import { fill, lookup } from '/shared/i18n.js';
import en from '../i18n/en.js';

/** The languages shipped (pwa/app/i18n/<code>.js), as the server accepts them. */
export const LANGUAGES = ['en', 'de', 'es'];

/** The strings of the current language (a live binding: importers see a switch). */
export let strings = en;

/** The current language code. */
export const language = () => strings.lang;

/** A supported language for a code such as 'de-AT' (else null). */
export function supported(code) {
  const base = String(code || '').toLowerCase().split('-')[0];
  return LANGUAGES.includes(base) ? base : null;
}

/** Ask the service worker to keep this language file for offline use (it precaches English
 *  only); never waits, never fails the caller. */
export function keepOffline(path) {
  navigator.serviceWorker?.ready
    .then((reg) => reg.active?.postMessage({ type: 'keep-language', path }))
    .catch(() => {});
}

/** Load a language file (dynamic import: only the one in use is fetched); English on any
 *  failure. Sets <html lang>. Returns the language now in use. */
export async function setLanguage(code) {
  const lang = supported(code) || 'en';
  let next = en;
  if (lang !== 'en') {
    try {
      next = { ...en, ...(await import(`../i18n/${lang}.js`)).default };
      keepOffline(`/app/i18n/${lang}.js`);
    } catch {
      next = en; // not cached offline and no connection: English rather than keys
    }
  }
  strings = next;
  document.documentElement.lang = strings.lang;
  document.querySelector('meta[name="description"]')?.setAttribute('content', strings.appDescription);
  return strings.lang;
}

/** A number as the language writes it: 36.9 → "36,9" in German and Spanish (no grouping). */
export function formatNumber(value, maxDigits = 2) {
  if (typeof value !== 'number' || !Number.isFinite(value)) return String(value ?? '');
  return new Intl.NumberFormat(strings.lang, { maximumFractionDigits: maxDigits, useGrouping: false })
    .format(value);
}

/** Parse a typed number, accepting a decimal point or comma; NaN when not a number. */
export function parseNumber(text) {
  const clean = String(text).trim().replace(',', '.');
  return /^\d+(\.\d+)?$/.test(clean) ? Number(clean) : NaN;
}

/** Translate a key, filling {placeholders} from vars; numbers are formatted for the language. */
export function t(key, vars = {}) {
  return fill(lookup(key, strings, en), vars,
    (value) => (typeof value === 'number' ? formatNumber(value) : String(value ?? '')));
}

/** A date and time for display, in the given zone and the current language. */
export function formatDateTime(value, timeZone, options) {
  return new Intl.DateTimeFormat(strings.lang, { timeZone, hourCycle: strings.hourCycle, ...options })
    .format(value instanceof Date ? value : new Date(value));
}
