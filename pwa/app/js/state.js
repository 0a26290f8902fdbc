// What the app knows about this phone: its context, thresholds and settings (kept in IndexedDB).
import * as api from './api.js';
import * as store from './store.js';

export const state = {
  context: null, // GET /api/v1/device/me
  thresholds: null, // GET /api/v1/device/thresholds
  online: navigator.onLine,
  flow: null, // the guided due check: {steps: [...], index}
  lastSentence: null, // strokes written in this session, reused by the confusion check
};

/** Load what was stored on the phone. */
export async function load() {
  state.context = (await store.get('context')) ?? null;
  state.thresholds = (await store.get('thresholds')) ?? null;
}

/** Refresh the context and thresholds from the server; throws ApiError (401 = revoked,
 * 410 = monitoring ended). */
export async function refresh() {
  const context = await api.get('/api/v1/device/me');
  state.context = context;
  await store.set('context', context);
  try {
    state.thresholds = await api.get('/api/v1/device/thresholds');
    await store.set('thresholds', state.thresholds);
  } catch (err) {
    if (err.status === 401 || err.status === 410) throw err; // otherwise keep the copy we have
  }
  return context;
}

/** Store the enrolment answer: token and context. */
export async function enrolled(answer) {
  const { device_token: token, ...context } = answer;
  await store.set('device_token', token);
  await store.set('context', context);
  api.setToken(token);
  state.context = context;
}

/** The centre's handwriting sentence (null: the app's own, in the patient's language). */
export const handwritingSentence = () => state.context?.handwriting_sentence || null;

/** The remembered temperature unit ('C' or 'F'). */
export const unit = async () => (await store.get('unit')) || 'C';
/** Remember the temperature unit. */
export const setUnit = (value) => store.set('unit', value);
