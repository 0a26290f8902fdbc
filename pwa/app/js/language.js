// Which language this phone shows, and telling the server when the person changes it, so
// the pushes and instructions they receive follow (PUT /api/v1/device/language).
//
// The server's value (set by staff at enrolment, in the context) is the person's language;
// a change made here offline is kept as `language_pending` and wins until it is sent.
// Before enrolment: the language named by the enrolment link (`#enrol=TOKEN&lang=de`, the
// centre's choice), else the language kept with the closing screen (monitoring ended), else
// the browser's preferred language when the app has it.
import * as api from './api.js';
import { language, setLanguage, supported } from './i18n.js';
import { refresh, state } from './state.js';
import * as store from './store.js';

/** The language to show now. */
async function wanted() {
  const pending = await store.get('language_pending').catch(() => null);
  if (supported(pending)) return pending;
  if (state.context) return supported(state.context.language) || 'en';
  const linked = supported(/[#&]lang=([a-z]{2})\b/.exec(location.hash)?.[1]);
  if (linked) return linked;
  const ended = await store.get('monitoring_ended').catch(() => null); // the closing screen
  if (supported(ended?.language)) return ended.language;
  return (navigator.languages || [navigator.language]).map(supported).find(Boolean) || 'en';
}

/** Load the wanted language; true when it changed (the caller re-renders). */
export async function apply() {
  const before = language();
  return (await setLanguage(await wanted())) !== before;
}

/** Send a pending choice to the server (true when sent); kept for the next refresh when
 *  offline. */
export async function sync() {
  const pending = await store.get('language_pending').catch(() => null);
  if (!supported(pending) || !state.context) return false;
  try {
    await api.request('PUT', '/api/v1/device/language', { body: { language: pending } });
  } catch {
    return false; // kept: sent on the next refresh
  }
  state.context = { ...state.context, language: pending };
  await store.set('context', state.context);
  await store.set('language_pending', null);
  return true;
}

/** The person chose a language in Settings: show it now, and tell the server; then fetch
 *  the offline advice texts again, in the new language. */
export async function choose(code) {
  await store.set('language_pending', supported(code) || 'en');
  await apply();
  if (await sync()) await refresh().catch(() => {}); // offline: the next refresh does it
}
