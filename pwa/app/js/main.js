// Start-up: service worker, enrolment state, the router and the outbox flush triggers.
import * as api from './api.js';
import { h, navigated, navigation, show, t } from './dom.js';
import * as language from './language.js';
import * as outbox from './outbox.js';
import * as push from './push.js';
import * as settings from './state.js';
import { state } from './state.js';
import { endedContact, isEnded, monitoringEnded, showEnded } from './screens/ended.js';
import { showEnrol, tokenFrom } from './screens/enrol.js';
import { showNotifySetup } from './screens/notify.js';
import { showEntries } from './screens/entries.js';
import { showHome, startDueCheck } from './screens/home.js';
import { showSettings, unenrol } from './screens/settings.js';

// The check screens load when first opened (the service worker has them precached, so also
// offline): the first load carries only what Home and enrolment need, and each check screen
// gets the shared frame (Back / Cancel, step x of n) from checknav.js.
const CHECK_SCREENS = {
  temperature: () => import('./screens/temperature.js').then((m) => m.showTemperature()),
  ice: () => import('./screens/ice.js').then((m) => m.showIce()),
  tremor: () => import('./screens/tremor.js').then((m) => m.showTremor()),
  handwriting: () => import('./screens/handwriting.js').then((m) => m.showHandwriting()),
  symptoms: () => import('./screens/symptoms.js').then((m) => m.showSymptoms()),
};

const ROUTES = {
  '': showHome, '/': showHome,
  ...Object.fromEntries(Object.entries(CHECK_SCREENS).map(([name, open]) => [`/${name}`, open])),
  '/entries': showEntries, '/settings': showSettings,
  '/welcome': () => showNotifySetup(state.context.role),
};

function renderChrome() {
  const ctx = state.context;
  const top = document.getElementById('top');
  const bar = document.getElementById('callbar');
  const banner = state.online ? null : h('p.offline', { role: 'status' }, t('offlineBanner'));
  top.replaceChildren(h('a.brand', { href: '#/' }, t('appName')), banner || '');
  if (!ctx) {
    bar.replaceChildren();
    return;
  }
  const tel = (n) => `tel:${String(n).replace(/[^\d+]/g, '')}`;
  bar.replaceChildren(
    h('a.button.call', { href: tel(ctx.centre_phone), 'aria-label': t('callCentreNamed', { name: ctx.centre_name, phone: ctx.centre_phone }) }, t('callCentre')),
    h('a.button.call.danger', { href: tel(ctx.emergency_number), 'aria-label': t('emergencyLabel', { number: ctx.emergency_number }) }, t('emergency', { number: ctx.emergency_number })),
  );
}

async function route() {
  const visit = navigated();
  renderChrome();
  const hash = location.hash.replace(/^#/, '');
  const token = tokenFrom(location.hash);
  if (token) return showEnrol(token);
  if (!state.context) {
    const ended = await endedContact();
    return ended ? showEnded(ended) : showEnrol();
  }
  if (hash === '/check') {
    const first = await startDueCheck();
    location.replace(`#/${first}`);
    return undefined;
  }
  const screen = ROUTES[hash] || showHome;
  if (state.flow && !state.flow.steps.includes(hash.slice(1))) state.flow = null;
  const shown = await screen();
  const kind = hash.slice(1);
  if (CHECK_SCREENS[kind] && navigation() === visit) {
    const { frameCheck } = await import('./checknav.js');
    if (navigation() === visit) frameCheck(kind);
  }
  return shown;
}

async function revoked() {
  await unenrol();
  renderChrome();
  show(h('section', {}, h('h1', {}, t('revoked')), h('a.button.primary', { href: '#/' }, t('enrolButton'))));
}

async function refresh() {
  if (!state.context) return;
  try {
    await language.sync(); // first: the context and offline advice come back in it
    await settings.refresh();
    if (await language.apply()) await route(); // the centre set another language
    else renderChrome();
  } catch (err) {
    if (isEnded(err)) await monitoringEnded(err);
    else if (err.status === 401) await revoked();
    return;
  }
  outbox.flush();
  push.sync().catch(() => {}); // browsers drop subscriptions silently: re-sync on every open
}

function listen() {
  window.addEventListener('hashchange', route);
  window.addEventListener('online', () => { state.online = true; renderChrome(); outbox.flush(); });
  window.addEventListener('offline', () => { state.online = false; renderChrome(); });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.context) outbox.flush();
  });
  document.addEventListener('cartwatch:enrolled', () => {
    renderChrome();
    navigator.storage?.persist?.().catch(() => {}); // keep the outbox when space is short
    refresh();
  });
  document.addEventListener('cartwatch:unenrolled', async () => { await language.apply(); route(); });
  document.addEventListener('cartwatch:language', route);
  document.addEventListener('cartwatch:ended', (event) => monitoringEnded(event.detail));
  let pendingUpdate = null;
  outbox.onChange(() => { // queued / sent counts follow the outbox live
    clearTimeout(pendingUpdate);
    pendingUpdate = setTimeout(() => {
      if (!state.context) return;
      if (location.hash === '#/entries') showEntries({ quiet: true });
      else if (['', '#/'].includes(location.hash)) showHome({ quiet: true });
    }, 200);
  });
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.addEventListener('message', (event) => {
      const msg = event.data || {};
      if (msg.type === 'navigate' && msg.url) {
        const url = new URL(msg.url, location.href);
        if (url.pathname === location.pathname) location.hash = url.hash;
        else location.assign(url.href);
      } else if (msg.type === 'flush') {
        outbox.flush();
      } else if (msg.type === 'message' && state.context && ['', '#/'].includes(location.hash)) {
        showHome({ quiet: true });
      }
    });
  }
}

async function start() {
  listen();
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/sw.js', { scope: '/', type: 'module' }).catch(() => {});
  }
  await settings.load();
  if (!(await api.loadToken())) state.context = null;
  await language.apply();
  await route();
  if (state.context) {
    navigator.storage?.persist?.().catch(() => {});
    refresh();
  }
}

start();
