// The offline outbox: every entry is stored first, then sent with its Idempotency-Key.
import * as api from './api.js';
import * as store from './store.js';
import { CHANNEL_NAME, refused, remember, retryable as mayRetry } from '/shared/outbox.js';

const RETRY_MS = 30000;
const listeners = new Set();
let flushing = null;
let rerun = false;
let retryTimer = null;

/** Call fn() whenever the outbox changes. */
export function onChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// Other tabs and the service worker's Background Sync change the same IndexedDB outbox:
// they say so on this channel, so Home's count follows whoever sent the entries.
const CHANNEL = 'BroadcastChannel' in self ? new BroadcastChannel(CHANNEL_NAME) : null;
if (CHANNEL) CHANNEL.onmessage = () => { for (const fn of listeners) fn(); };

function changed() {
  for (const fn of listeners) fn();
  CHANNEL?.postMessage('changed');
}

/** Store a check-in in the outbox; resolves with the entry once it is durably saved. */
export async function enqueue(body, kind) {
  const entry = {
    id: crypto.randomUUID(),
    kind,
    body: { ...body, observed_at: body.observed_at || api.serverNow().toISOString() }, // ble: a device's own time
    created_at: new Date().toISOString(),
    status: 'queued',
    error: null,
  };
  await store.outboxPut(entry);
  changed();
  return entry;
}

/** Entries still waiting (or refused), oldest first. */
export const pending = () => store.outboxAll();

/** Recently sent entries with the server's answers, newest first. */
export async function sent() {
  return (await store.get('sent')) || [];
}

/** Drop an entry the server refused (the user chose to discard it). */
export async function discard(id) {
  await store.outboxDelete(id);
  changed();
}

async function sendOne(entry) {
  try {
    const response = await api.post('/api/v1/checkins', entry.body, { 'Idempotency-Key': entry.id });
    await store.outboxDelete(entry.id); // only a 2xx removes an entry
    await remember(entry, response);
    return { entry, ok: true, response };
  } catch (err) {
    if (!(err instanceof api.ApiError)) throw err;
    if (err.status === 410 && err.body?.error?.code === 'monitoring_ended') {
      document.dispatchEvent(new CustomEvent('cartwatch:ended', { detail: err })); // main.js
    }
    const retryable = mayRetry(err.status);
    const updated = retryable ? { ...entry, status: 'queued', error: null }
      : refused(entry, err.status, err.refusal, err.body);
    await store.outboxPut(updated);
    return { entry: updated, ok: false, retryable, status: err.status };
  }
}

async function flushOnce() {
  const results = [];
  for (const entry of await store.outboxAll()) {
    if (entry.status === 'error') continue; // waits for the user to fix or discard it
    const result = await sendOne(entry);
    results.push(result);
    changed();
    if (!result.ok && result.retryable) break; // offline or server trouble: try later
  }
  return results;
}

function scheduleRetry() {
  clearTimeout(retryTimer);
  retryTimer = null;
  store.outboxAll().then((rows) => {
    if (!rows.some((r) => r.status === 'queued')) return;
    retryTimer = setTimeout(flush, RETRY_MS);
    // Background Sync sends them even if the app is closed before the connection returns
    if ('serviceWorker' in navigator && 'SyncManager' in window) {
      navigator.serviceWorker.ready.then((reg) => reg.sync.register('outbox')).catch(() => {});
    }
  });
}

/** The outbox entry with this id (null once it was sent). */
export const find = async (id) => (await store.outboxAll()).find((e) => e.id === id) || null;

/** Send what is waiting, one flush at a time (also across tabs and the service worker). */
export function flush() {
  if (flushing) {
    rerun = true; // an entry added meanwhile is sent by one more pass of the same flush
    return flushing;
  }
  const pass = () => (navigator.locks
    ? navigator.locks.request(CHANNEL_NAME, flushOnce)
    : flushOnce());
  flushing = (async () => {
    const results = [];
    do {
      rerun = false;
      results.push(...await pass());
    } while (rerun);
    return results;
  })().finally(() => {
    flushing = null;
    scheduleRetry();
    changed();
  });
  return flushing;
}
