// The staff app shell: session, navigation, idle sign-out, live queue, and the screen router.

import { api, setCsrf } from './api.js';
import { alertStrip, primeSound } from './alerts.js';
import { signIn, signOut } from './auth.js';
import { h, replace } from './dom.js';
import { t } from './i18n.js';
import { startIdleTimer } from './idle.js';
import { configureTime } from './time.js';
import { pushControls, registerWorker } from './push.js';
import { queueFeed } from './feed.js';
import * as queue from './queue.js';
import * as escalation from './escalation.js';
import * as patients from './patients.js';
import * as patient from './patient.js';
import * as admin from './admin.js';
import * as quality from './quality.js';
import * as resolved from './history.js';
import * as channels from './channels.js';
import * as rota from './rota.js';

const main = document.getElementById('main');
const state = { me: null, idle: null, cleanup: null };

const ROUTES = [
  [/^#\/queue$/, (m) => queue.render(main, ctx())],
  [/^#\/escalations\/(\d+)$/, (m) => escalation.render(main, ctx(), Number(m[1]))],
  [/^#\/patients$/, (m) => patients.render(main, ctx())],
  [/^#\/patients\/(\d+)$/, (m) => patient.render(main, ctx(), Number(m[1]))],
  [/^#\/admin$/, (m) => admin.render(main, ctx())],
  [/^#\/quality$/, (m) => quality.render(main, ctx())],
  [/^#\/history$/, (m) => resolved.render(main, ctx())],
  [/^#\/channels$/, (m) => channels.render(main, ctx())],
  [/^#\/admin\/staff\/(\d+)\/channels$/, (m) => channels.render(main, ctx(), Number(m[1]))],
  [/^#\/rota$/, (m) => rota.render(main, ctx())],
];

function ctx() {
  return { me: state.me, go: (hash) => { location.hash = hash; } };
}

/** A link in from a notification (?escalation=5 or /staff/escalations/5) becomes a route. */
function adoptDeepLink() {
  const params = new URLSearchParams(location.search);
  const fromPath = location.pathname.match(/\/staff\/escalations\/(\d+)/);
  const id = params.get('escalation') || (fromPath && fromPath[1]);
  if (id) history.replaceState(null, '', `/staff/#/escalations/${Number(id)}`);
}

function route() {
  if (!state.me) return;
  if (typeof state.cleanup === 'function') state.cleanup();
  state.cleanup = null;
  const hash = location.hash || '#/queue';
  for (const link of document.querySelectorAll('#nav a')) {
    const current = hash.startsWith(link.getAttribute('href'));
    if (current) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  for (const [pattern, view] of ROUTES) {
    const match = hash.match(pattern);
    if (match) {
      state.cleanup = view(match);
      main.focus({ preventScroll: true });
      return;
    }
  }
  location.hash = '#/queue';
}

function renderShell() {
  const me = state.me;
  document.getElementById('bar').hidden = false;
  replace(document.getElementById('nav'),
    h('a', { href: '#/queue' }, t('nav_queue'), ' ',
      h('span', { class: 'badge', id: 'queue-badge', hidden: true, 'aria-label': 'urgent' }, '0')),
    h('a', { href: '#/patients' }, t('nav_patients')),
    h('a', { href: '#/history' }, t('nav_history')),
    h('a', { href: '#/channels' }, t('nav_channels')),
    me.role === 'admin' ? h('a', { href: '#/admin' }, t('nav_admin')) : null,
    me.role === 'admin' ? h('a', { href: '#/rota' }, t('nav_rota')) : null,
    ['admin', 'physician'].includes(me.role) ? h('a', { href: '#/quality' }, t('nav_quality')) : null);
  replace(document.getElementById('who'),
    h('span', { class: 'who-name', id: 'who-name' },
      t('signed_in_as', { name: me.name, role: me.role, tier: me.tier })),
    pushControls(),
    h('button', { type: 'button', class: 'secondary', id: 'logout',
      onclick: () => endSession(t('session_ended'), true) }, t('logout')));
}

function banner(text, action) {
  const el = document.getElementById('banner');
  if (!text) {
    el.hidden = true;
    el.replaceChildren();
    return;
  }
  replace(el, h('span', {}, text), action || null);
  el.hidden = false;
}

async function endSession(notice, callServer) {
  if (!state.me) return;
  if (state.idle) state.idle.stop();
  queueFeed.stop();
  if (typeof state.cleanup === 'function') state.cleanup();
  state.cleanup = null;
  state.me = null;
  if (callServer) await signOut();
  else setCsrf(null);
  document.getElementById('bar').hidden = true;
  banner(null);
  alertStrip(null);
  document.title = t('app_name');
  start(notice);
}

async function loadMe() {
  try {
    const body = await api('/api/v1/auth/me');
    setCsrf(body.csrf_token);
    configureTime(body.centre);
    return { ...body.staff, idle_minutes: body.idle_minutes };
  } catch (err) {
    return null;
  }
}

async function start(notice) {
  let me = await loadMe();
  while (!me) {
    await signIn(main, notice);
    me = await loadMe();
  }
  state.me = me;
  renderShell();
  state.idle = startIdleTimer(me.idle_minutes || 15, {
    warn: () => banner(t('idle_warning'), h('button', { type: 'button', class: 'primary',
      onclick: () => { state.idle.touch(); api('/api/v1/auth/me').catch(() => {}); } },
    t('stay_signed_in'))),
    onActive: () => banner(null),
    expire: () => endSession(t('idle_signed_out', { minutes: me.idle_minutes || 15 }), true),
  });
  queueFeed.start();
  route();
}

/** The service worker asks an open window to show a notification's target, or to refresh. */
function onWorkerMessage(event) {
  const message = event.data || {};
  if (message.type === 'navigate' && message.url) {
    const target = new URL(message.url, location.origin);
    if (target.origin === location.origin && target.pathname.startsWith('/staff')) {
      location.hash = target.hash || '#/queue';
    }
  }
  if (state.me) queueFeed.poll();
}

if ('serviceWorker' in navigator) {
  navigator.serviceWorker.addEventListener('message', onWorkerMessage);
}
window.addEventListener('hashchange', route);
window.addEventListener('cw:unauthorised', () => endSession(t('session_ended'), false));
window.addEventListener('pointerdown', primeSound, { once: true });
window.addEventListener('keydown', primeSound, { once: true });
adoptDeepLink();
registerWorker();
start();
