// Notification permission (from a button press) and the push subscription, re-synced on open.
import * as api from './api.js';

/** Whether this browser can receive Web Push at all. */
export const supported = () => 'serviceWorker' in navigator && 'PushManager' in window
  && 'Notification' in window;

/** iPhone / iPad (including iPadOS that reports itself as a Mac). */
export const isIos = () => /iPad|iPhone|iPod/.test(navigator.userAgent)
  || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);

/** Running as an installed app (Home Screen / standalone window). */
export const isStandalone = () => navigator.standalone === true
  || window.matchMedia('(display-mode: standalone)').matches;

/** 'granted' | 'denied' | 'default' | 'unsupported'. */
export const permission = () => (supported() ? Notification.permission : 'unsupported');

function keyBytes(base64url) {
  const pad = '='.repeat((4 - (base64url.length % 4)) % 4);
  const raw = atob((base64url + pad).replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(raw, (c) => c.charCodeAt(0));
}

function sameKey(subscription, key) {
  const current = subscription.options?.applicationServerKey;
  if (!current) return true; // the browser does not tell: keep it
  const a = new Uint8Array(current);
  return a.length === key.length && a.every((b, i) => b === key[i]);
}

/** Subscribe (or keep the subscription) and tell the server; call on every app open. */
export async function sync() {
  if (permission() !== 'granted') return false;
  const reg = await navigator.serviceWorker.ready;
  const answer = await api.get('/api/v1/push/key');
  const key = keyBytes(answer.public_key || answer.key || answer.vapid_public_key);
  let sub = await reg.pushManager.getSubscription();
  if (sub && !sameKey(sub, key)) {
    await sub.unsubscribe();
    sub = null;
  }
  if (!sub) sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
  const json = sub.toJSON();
  await api.post('/api/v1/push/subscriptions', { endpoint: json.endpoint, keys: json.keys });
  return true;
}

/** Ask for permission (must run inside a button's click) and subscribe. */
export async function enable() {
  if (!supported()) return 'unsupported';
  const result = await Notification.requestPermission();
  if (result !== 'granted') return result;
  await sync();
  return 'granted';
}

/** Forget the subscription here and on the server (on unenrol). */
export async function unsubscribe() {
  if (!supported()) return;
  const reg = await navigator.serviceWorker.getRegistration('/');
  const sub = await reg?.pushManager.getSubscription();
  if (!sub) return;
  await api.request('DELETE', '/api/v1/push/subscriptions', { body: { endpoint: sub.endpoint } })
    .catch(() => {});
  await sub.unsubscribe().catch(() => {});
}
