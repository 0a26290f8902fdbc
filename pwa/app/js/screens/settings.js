// Settings: reminders, storage and disconnecting this phone (clears IndexedDB and caches).
import * as api from '../api.js';
import { choice, h, show, t } from '../dom.js';
import { keepOffline, LANGUAGES, language } from '../i18n.js';
import * as languages from '../language.js';
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

/** The language choice: each language named in itself; the app switches at once. */
function languageBlock() {
  const picker = choice(t('languageTitle'), 'language',
    LANGUAGES.map((code) => [code, t(`language_${code}`)]), {
      onchange: async () => {
        await languages.choose(picker.value());
        document.dispatchEvent(new CustomEvent('cartwatch:language'));
      },
    });
  for (const input of picker.el.querySelectorAll('input')) {
    input.checked = input.value === language();
    input.closest('label').lang = input.value; // read out in its own language
  }
  return h('section.card', {}, picker.el, h('p.hint', {}, t('languageHint')));
}

/** Render the settings screen. */
export async function showSettings() {
  // the language picker is here: keep every language for a choice made offline later
  for (const code of LANGUAGES) if (code !== 'en') keepOffline(`/app/i18n/${code}.js`);
  const persisted = navigator.storage?.persisted ? await navigator.storage.persisted() : false;
  const button = h('button.danger', { type: 'button' }, t('unenrol'));
  button.addEventListener('click', async () => {
    if (!window.confirm(t('unenrolConfirm'))) return;
    await unenrol();
    history.replaceState(null, '', location.pathname);
    document.dispatchEvent(new CustomEvent('cartwatch:unenrolled'));
  });
  show(h('section', {}, h('h1', {}, t('settingsTitle')),
    languageBlock(),
    notifyBlock(),
    h('section.card', {}, h('p', {}, t(persisted ? 'storagePersisted' : 'storageNotPersisted'))),
    button,
    h('a.button.secondary', { href: '#/' }, t('home'))));
}
