// Entries on this phone: waiting (queued or refused) and recently sent, newest first, each
// alarming one marked with the advice that was given and why.
import { localInstruction } from '../advice.js';
import { h, navigation, show, t, update } from '../dom.js';
import { foundList, foundOfEntry, reasonOf } from '../alerts.js';
import * as outbox from '../outbox.js';
import { state } from '../state.js';
import { summary, when } from './home.js';

function statusText(entry) {
  if (entry.status === 'error') return t('entryError', { message: entry.error?.message || '' });
  return t('entryQueued');
}

/** The advice an entry got (the server's answer, or the phone's own while it waits) and why. */
function adviceLine(severity, reasons, body) {
  if (!severity) return null;
  const found = foundOfEntry(reasons, body, state.context?.role);
  return h(`p.advice-given.${severity}`, {}, t(`advice_${severity}`),
    found.length ? ` ${t('resultBecause', { list: foundList(found) })}` : '');
}

let sendNote = ''; // what the last "Send now" achieved, shown until the screen is left

/** Render the entries screen. */
export async function showEntries({ quiet = false } = {}) {
  const at = navigation();
  if (!quiet) sendNote = '';
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
    const local = localInstruction(entry.body, state.thresholds);
    rows.push({
      at: entry.body.observed_at,
      el: h(`li.entry.${entry.status}`, { dataset: { id: entry.id } },
        h('span.what', {}, `${when(entry.body.observed_at)} — ${summary(entry.body)}`),
        h('span.badge', {}, statusText(entry)), adviceLine(local?.severity, local?.reasons, entry.body),
        discard),
    });
  }
  for (const entry of sent) {
    const response = entry.response || {};
    const observed = response.observed_at || entry.created_at;
    rows.push({
      at: observed,
      el: h('li.entry.sent', { dataset: { id: entry.id } },
        h('span.what', {}, `${when(observed)} — ${summary(response)}`),
        h('span.badge', {}, t('entrySent')),
        adviceLine(response.instruction?.severity, (response.findings || []).map(reasonOf), response)),
    });
  }
  rows.sort((a, b) => Date.parse(b.at) - Date.parse(a.at)); // one order: newest first
  const note = h('p.send-note', { role: 'status' }, sendNote);
  const sendNow = h('button.primary', {
    type: 'button',
    onclick: async () => {
      await outbox.flush().catch(() => []);
      const left = (await outbox.pending()).filter((e) => e.status === 'queued');
      sendNote = left.length ? t('sendNowOffline') : t('sendNowDone');
      showEntries({ quiet: true });
    },
  }, t('sendNow'));
  if (navigation() !== at) return;
  (quiet ? update : show)(h('section', {}, h('h1', {}, t('entriesTitle')),
    pending.length ? h('p.pending', { role: 'status' }, t('pendingCount', { n: pending.length })) : null,
    rows.length ? h('ul.plain.entries', {}, rows.map((r) => r.el)) : h('p', {}, t('entriesEmpty')),
    pending.length ? sendNow : null, note,
    h('a.button.secondary', { href: '#/' }, t('home'))));
}
