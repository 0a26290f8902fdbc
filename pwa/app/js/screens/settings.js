// Settings: reminders, storage and disconnecting this phone (clears IndexedDB and caches).
import * as api from '../api.js';
import { h, show, t } from '../dom.js';
import * as push from '../push.js';
import { state } from '../state.js';
import * as store from '../store.js';
import { notifyBlock } from './notify.js';

/** Disconnect: forget the push subscription, the token, every stored entry and the caches. */
export async function unenrol() {
  await push.unsubscribe().catch(() => {});
  await store.wipe();
  api.setToken(null);
  state.context = null;
  state.thresholds = null;
}

/** Render the settings screen. */
export async function showSettings() {
  const persisted = navigator.storage?.persisted ? await navigator.storage.persisted() : false;
  const button = h('button.danger', { type: 'button' }, t('unenrol'));
  button.addEventListener('click', async () => {
    if (!window.confirm(t('unenrolConfirm'))) return;
    await unenrol();
    history.replaceState(null, '', location.pathname);
    document.dispatchEvent(new CustomEvent('cartwatch:unenrolled'));
  });
  show(h('section', {}, h('h1', {}, t('settingsTitle')),
    notifyBlock(),
    h('section.card', {}, h('p', {}, t(persisted ? 'storagePersisted' : 'storageNotPersisted'))),
    button,
    h('a.button.secondary', { href: '#/' }, t('home'))));
}
