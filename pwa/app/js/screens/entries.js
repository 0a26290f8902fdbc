// Entries on this phone: waiting (queued or refused) and recently sent.
import { h, navigation, show, t, update } from '../dom.js';
import * as outbox from '../outbox.js';
import { summary, when } from './home.js';

function statusText(entry) {
  if (entry.status === 'error') return t('entryError', { message: entry.error?.message || '' });
  return t('entryQueued');
}

/** Render the entries screen. */
export async function showEntries({ quiet = false } = {}) {
  const at = navigation();
  const [pending, sent] = await Promise.all([outbox.pending(), outbox.sent()]);
  const rows = [];
  for (const entry of pending) {
    const discard = entry.status === 'error'
      ? h('button.secondary', {
        type: 'button',
        onclick: async () => {
          if (window.confirm(t('entryDiscardConfirm'))) {
            await outbox.discard(entry.id);
            showEntries({ quiet: true });
          }
        },
      }, t('entryDiscard'))
      : null;
    rows.push(h(`li.entry.${entry.status}`, { dataset: { id: entry.id } },
      h('span.what', {}, `${when(entry.body.observed_at)} — ${summary(entry.body)}`),
      h('span.badge', {}, statusText(entry)), discard));
  }
  for (const entry of sent) {
    rows.push(h('li.entry.sent', { dataset: { id: entry.id } },
      h('span.what', {}, `${when(entry.response?.observed_at || entry.created_at)} — ${summary(entry.response || {})}`),
      h('span.badge', {}, t('entrySent'))));
  }
  const sendNow = h('button.primary', {
    type: 'button',
    onclick: async () => { await outbox.flush(); showEntries({ quiet: true }); },
  }, t('sendNow'));
  if (navigation() !== at) return;
  (quiet ? update : show)(h('section', {}, h('h1', {}, t('entriesTitle')),
    pending.length ? h('p.pending', { role: 'status' }, t('pendingCount', { n: pending.length })) : null,
    rows.length ? h('ul.plain.entries', {}, rows) : h('p', {}, t('entriesEmpty')),
    pending.length ? sendNow : null,
    h('a.button.secondary', { href: '#/' }, t('home'))));
}
