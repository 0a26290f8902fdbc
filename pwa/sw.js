/* CARTwatch service worker: one worker at scope "/" for the patient app and the staff app.
   Offline shell for /app/, push notifications, notification clicks, outbox Background Sync.
   /api responses are never cached. */
import { outboxAll, run } from '/shared/idb.js';
import { readBody, refusalText, result, send } from '/shared/http.js';
import { CHANNEL_NAME, refused, remember, retryable } from '/shared/outbox.js';

const VERSION = '2026-12-03.3';
const CACHE_NAME = `cartwatch-shell-${VERSION}`;
const RUNTIME_CACHE = `cartwatch-runtime-${VERSION}`;
const SHELL = [
  '/app/',
  '/app/app.css',
  '/app/manifest.webmanifest',
  '/app/i18n/en.js',
  '/app/icons/icon-192.png',
  '/app/icons/icon-512.png',
  '/app/js/main.js',
  '/app/js/dom.js',
  '/app/js/i18n.js',
  '/app/js/language.js',
  '/app/js/store.js',
  '/app/js/api.js',
  '/app/js/outbox.js',
  '/app/js/state.js',
  '/app/js/schedule.js',
  '/app/js/advice.js',
  '/app/js/rules.js',
  '/app/js/bounds.js',
  '/app/js/unusual.js',
  '/app/js/push.js',
  '/app/js/pad.js',
  '/app/js/result.js',
  '/app/js/alerts.js',
  '/app/js/today.js',
  '/app/js/checknav.js',
  '/app/js/screens/enrol.js',
  '/app/js/screens/notify.js',
  '/app/js/screens/home.js',
  '/app/js/screens/temperature.js',
  '/app/js/screens/ice.js',
  // --- selfcheck: the self-check, who asks, the picture bank ---
  '/app/js/screens/ice_self.js',
  '/app/js/who.js',
  '/app/js/pictures.js',
  '/app/img/ice/p01.svg',
  '/app/img/ice/p02.svg',
  '/app/img/ice/p03.svg',
  '/app/img/ice/p04.svg',
  '/app/img/ice/p05.svg',
  '/app/img/ice/p06.svg',
  '/app/img/ice/p07.svg',
  '/app/img/ice/p08.svg',
  '/app/img/ice/p09.svg',
  '/app/img/ice/p10.svg',
  '/app/img/ice/p11.svg',
  '/app/img/ice/p12.svg',
  '/app/img/ice/p13.svg',
  '/app/img/ice/p14.svg',
  '/app/js/screens/tremor.js',
  '/app/js/screens/handwriting.js',
  '/app/js/screens/symptoms.js',
  '/app/js/screens/entries.js',
  '/app/js/screens/settings.js',
  '/app/js/screens/ended.js',
  '/app/js/ble/gatt.js',
  '/app/js/ble/device.js',
  '/app/js/ble/panel.js',
  '/shared/dom.js',
  '/shared/http.js',
  '/shared/i18n.js',
  '/shared/idb.js',
  '/shared/outbox.js',
];
const DEFAULT_ACK_TITLE = 'Acknowledge'; // used only when the payload names no actions
const MESSAGES_KEEP = 20;
const DUE_CHECK_KINDS = ['reminder', 'missed_checkin'];

// ---- install / activate ----------------------------------------------------------------
self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    // An update revalidates every file ('no-cache': the HTTP cache may hold the previous
    // version). The first install takes what the page has just loaded from the HTTP cache
    // ('force-cache': nothing older can be there), sparing a 304 per file on first load.
    const first = !(await caches.keys()).some((name) => name.startsWith('cartwatch-shell-'));
    const cache = await caches.open(CACHE_NAME);
    const mode = first ? 'force-cache' : 'no-cache';
    await cache.addAll(SHELL.map((url) => new Request(url, { cache: mode })));
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    const keep = new Set([CACHE_NAME, RUNTIME_CACHE]);
    for (const name of await caches.keys()) {
      if (name.startsWith('cartwatch-') && !keep.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

// ---- the page's own language file: kept on request, not precached ----------------------
// Precaching German and Spanish for everybody would weigh on every first load; the page
// asks for the one it uses (i18n.js) and it is cached beside the shell.
const LANGUAGE_FILES = ['/app/i18n/de.js', '/app/i18n/es.js'];
self.addEventListener('message', (event) => {
  const msg = event.data || {};
  if (msg.type !== 'keep-language' || !LANGUAGE_FILES.includes(msg.path)) return;
  event.waitUntil(caches.open(CACHE_NAME).then((cache) => cache.add(msg.path)).catch(() => {}));
});

// ---- fetch: shell from cache (refreshed in the background); /api always to the network ---
self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) return; // never cached, never answered from here
  if (request.mode === 'navigate' && url.pathname.startsWith('/app')) {
    event.respondWith(shellPage(request));
  } else if (url.pathname.startsWith('/app/') || url.pathname.startsWith('/shared/')) {
    event.respondWith(staleWhileRevalidate(request, event));
  } else if (url.pathname.startsWith('/staff/')) {
    event.respondWith(networkFirst(request));
  }
});

async function shellPage(request) {
  try {
    const response = await fetch(request);
    if (response.ok) (await caches.open(CACHE_NAME)).put('/app/', response.clone());
    return response;
  } catch (err) {
    const cached = await caches.match('/app/', { cacheName: CACHE_NAME });
    if (cached) return cached;
    throw err;
  }
}

async function staleWhileRevalidate(request, event) {
  const cache = await caches.open(CACHE_NAME);
  const cached = await cache.match(request, { ignoreSearch: true });
  const fresh = fetch(request).then((response) => {
    if (response.ok) cache.put(request, response.clone());
    return response;
  });
  if (cached) {
    event.waitUntil(fresh.catch(() => undefined));
    return cached;
  }
  return fresh;
}

async function networkFirst(request) {
  const cache = await caches.open(RUNTIME_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) cache.put(request, response.clone());
    return response;
  } catch (err) {
    const cached = await cache.match(request);
    if (cached) return cached;
    throw err;
  }
}

/** The patient phone's bearer token header (none on a staff browser). */
async function authHeaders() {
  const token = await run('kv', 'readonly', (s) => s.get('device_token')).catch(() => null);
  return token ? { Authorization: `Bearer ${token}` } : {};
}

/** POST JSON as the pages do (shared/http.js send): the raw answer; no connection throws. */
async function postJson(path, body, extra = {}) {
  return send(path, { method: 'POST', credentials: 'same-origin', body,
    headers: { ...(await authHeaders()), ...extra } });
}

// ---- push ------------------------------------------------------------------------------
/** Parse a Declarative Web Push message (web_push 8030) into title and options. */
function parsePush(data) {
  let msg = {};
  try {
    msg = data ? data.json() : {};
  } catch {
    msg = { notification: { title: 'CARTwatch', body: data ? data.text() : '' } };
  }
  const n = msg.notification || {};
  const extra = { ...(n.data || {}), ...(msg.data || {}) };
  let url = n.navigate || extra.url || '/app/';
  const target = new URL(url, self.location.origin);
  if (DUE_CHECK_KINDS.includes(msg.kind) && /^\/app\/?$/.test(target.pathname) && !target.hash) {
    url = new URL('/app/#/check', target).href; // a reminder opens the due check
  }
  const urgent = msg.severity === 'urgent' || msg.severity === 'emergency';
  let actions = Array.isArray(n.actions) ? n.actions.map((a) => ({ action: a.action, title: a.title })) : [];
  if (!actions.length && extra.ack_token) actions = [{ action: 'acknowledge', title: DEFAULT_ACK_TITLE }];
  const options = {
    body: n.body || '',
    tag: n.tag || undefined,
    renotify: Boolean(n.tag),
    silent: Boolean(n.silent),
    requireInteraction: urgent,
    icon: '/app/icons/icon-192.png',
    badge: '/app/icons/icon-192.png',
    lang: n.lang || undefined,
    dir: n.dir || undefined,
    actions,
    data: { ...extra, url, kind: msg.kind || null, severity: msg.severity || null },
  };
  return { title: n.title || 'CARTwatch', options };
}

/** Report a notification shown or clicked. Staff notifications carry a receipt token, so the
 *  report counts even when the staff session has idled out (the phone did show it). */
async function receipt(data, eventName) {
  if (!data?.intent_id) return;
  const body = { intent_id: data.intent_id, event: eventName };
  if (data.receipt_token) body.token = data.receipt_token;
  try {
    await postJson('/api/v1/push/receipts', body);
  } catch { /* offline: the server treats a missing receipt as not shown */ }
}

async function keepMessage(title, options) {
  const token = await run('kv', 'readonly', (s) => s.get('device_token')).catch(() => null);
  if (!token) return; // staff browsers keep no messages here
  await run('messages', 'readwrite', (s) => s.add({
    at: new Date().toISOString(), title, body: options.body, kind: options.data.kind,
  }));
  const keys = await run('messages', 'readonly', (s) => s.getAllKeys());
  for (const key of keys.slice(0, Math.max(0, keys.length - MESSAGES_KEEP))) {
    await run('messages', 'readwrite', (s) => s.delete(key));
  }
}

async function handlePush(data) {
  const { title, options } = parsePush(data);
  await self.registration.showNotification(title, options);
  await Promise.all([
    receipt(options.data, 'shown'),
    keepMessage(title, options).catch(() => undefined),
  ]);
  for (const client of await self.clients.matchAll({ type: 'window' })) {
    client.postMessage({ type: 'message' });
  }
}

self.addEventListener('push', (event) => {
  event.waitUntil(handlePush(event.data));
});

// ---- notification click ----------------------------------------------------------------
/** Focus an open window of the right app and send it to url, or open one. */
async function openUrl(url) {
  const target = new URL(url || '/app/', self.location.origin);
  const prefix = target.pathname.startsWith('/staff') ? '/staff' : '/app';
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  const client = windows.find((c) => new URL(c.url).pathname.startsWith(prefix));
  if (client) {
    client.postMessage({ type: 'navigate', url: target.href });
    try {
      await client.focus();
    } catch { /* focusing needs the click's user activation */ }
    return client;
  }
  return self.clients.openWindow(target.href);
}

/** Handle a click on a notification (or on one of its actions). */
async function handleNotificationClick(notification, action) {
  const data = notification.data || {};
  if (action === 'acknowledge' && data.ack_token) {
    await receipt(data, 'clicked');
    try {
      const response = await postJson('/api/v1/push/ack', { token: data.ack_token });
      if (response.ok) return null;
    } catch { /* offline: open the app instead */ }
    return openUrl(data.url);
  }
  await receipt(data, 'clicked');
  return openUrl(data.url);
}

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(handleNotificationClick(event.notification, event.action));
});

// ---- push subscription change (Firefox): subscribe again and tell the server ------------
self.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil((async () => {
    const answer = await result(await send('/api/v1/push/key', { headers: await authHeaders() }));
    const raw = answer.public_key || answer.key || answer.vapid_public_key;
    const b64 = (raw + '='.repeat((4 - (raw.length % 4)) % 4)).replace(/-/g, '+').replace(/_/g, '/');
    const key = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const sub = await self.registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    const json = sub.toJSON();
    await postJson('/api/v1/push/subscriptions', { endpoint: json.endpoint, keys: json.keys });
  })());
});

// ---- Background Sync: send the outbox (same rules as /app/js/outbox.js) ------------------
async function flushOutbox() {
  for (const entry of await outboxAll()) {
    if (entry.status === 'error') continue;
    const response = await postJson('/api/v1/checkins', entry.body, { 'Idempotency-Key': entry.id });
    if (response.ok) {
      const body = await response.json();
      await run('outbox', 'readwrite', (s) => s.delete(entry.id)); // only a 2xx removes an entry
      await remember(entry, body);
    } else if (retryable(response.status)) {
      throw new Error(`retry later (${response.status})`); // the browser retries the sync
    } else {
      const body = await readBody(response);
      // one error shape, {error: {message, fields}}, read as the page reads it (shared/http.js)
      const message = refusalText(body, response.status);
      await run('outbox', 'readwrite', (s) => s.put(refused(entry, response.status, message, body)));
    }
  }
}

self.addEventListener('sync', (event) => {
  if (event.tag !== 'outbox') return;
  // open pages update their counts (outbox.js listens on the same channel)
  const told = () => new BroadcastChannel(CHANNEL_NAME).postMessage('changed');
  const work = () => flushOutbox().finally(told);
  event.waitUntil(self.navigator.locks ? self.navigator.locks.request(CHANNEL_NAME, work) : work());
});

// A module worker's functions are not globals: the click handler is also reachable from
// self, where the browser tests call it with a notification of their own.
self.handleNotificationClick = handleNotificationClick;
