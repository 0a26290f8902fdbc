// Push for staff phones and desks: the one service worker (/sw.js) and a subscription.

import { api } from './api.js';
import { h } from './dom.js';
import { pushErrorText, t } from './i18n.js';

function base64UrlToBytes(value) {
  const padded = (value + '='.repeat((4 - (value.length % 4)) % 4))
    .replace(/-/g, '+').replace(/_/g, '/');
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/** Whether this browser can take Web Push at all. */
export function pushSupported() {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

/** Register the shared service worker (scope /); it serves both the patient and staff apps. */
export async function registerWorker() {
  if (!('serviceWorker' in navigator)) return null;
  try {
    return await navigator.serviceWorker.register('/sw.js', { scope: '/', type: 'module' });
  } catch (err) {
    return null;
  }
}

/** Ask permission, subscribe with the server's VAPID key and register the subscription. */
export async function enablePush() {
  if (!pushSupported()) throw Object.assign(new Error(t('push_unsupported')), { known: true });
  const permission = await Notification.requestPermission();
  if (permission !== 'granted') throw Object.assign(new Error(t('push_denied')), { known: true });
  const registration = (await registerWorker()) && (await navigator.serviceWorker.ready);
  const key = await api('/api/v1/push/key');
  const publicKey = key.public_key || key.key || key.vapid_public_key;
  let subscription = await registration.pushManager.getSubscription();
  if (!subscription) {
    subscription = await registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: base64UrlToBytes(publicKey) });
  }
  await api('/api/v1/push/subscriptions', { method: 'POST', body: subscription.toJSON() });
  return subscription;
}

/** The header control: enable notifications, and send a test once enabled. */
export function pushControls() {
  const status = h('span', { class: 'push-status', role: 'status' });
  const test = h('button', { type: 'button', class: 'secondary', hidden: true,
    onclick: async () => {
      try {
        await api('/api/v1/push/test', { method: 'POST', body: {} });
        status.textContent = t('push_test_sent');
      } catch (err) {
        status.textContent = pushErrorText(err);
      }
    } }, t('push_test'));
  const enable = h('button', { type: 'button', class: 'secondary', onclick: async () => {
    try {
      await enablePush();
      status.textContent = t('push_enabled');
      enable.hidden = true;
      test.hidden = false;
    } catch (err) {
      status.textContent = pushErrorText(err);
    }
  } }, t('push_enable'));
  if (!pushSupported()) {
    enable.hidden = true;
    status.textContent = t('push_unsupported');
  } else if (Notification.permission === 'granted') {
    navigator.serviceWorker.getRegistration('/').then(async (reg) => {
      const sub = reg && (await reg.pushManager.getSubscription());
      if (sub) {
        enable.hidden = true;
        test.hidden = false;
      }
    });
  }
  return h('div', { class: 'push' }, enable, test, status);
}

/** A notice on the queue when none of the caller's devices has shown a push for 24 h. */
export async function pushHealth(slot) {
  try {
    const status = await api('/api/v1/push/status');
    if (!status.warning) return;
    slot.textContent = status.subscriptions ? t('push_stale') : t('push_none');
    slot.hidden = false;
  } catch (err) {
    // Push health is advice; the queue works without it.
  }
}
