// Channel settings: a person's ordered channels ("push; SMS after 2 min; call after 5 min"),
// their own (#/channels, with a test per channel) or a colleague's (admins:
// #/admin/staff/<id>/channels). The server validates; its 422 names the field shown here.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { channelText, t } from './i18n.js';

const KINDS = ['push', 'sms', 'voice', 'webhook', 'pagerduty'];

function rowEditor(item, index, onRemove) {
  const kind = h('select', { 'aria-label': t('channel_kind'), class: 'channel-kind' },
    KINDS.map((k) => h('option', { value: k, selected: k === item.kind }, channelText(k))));
  const delay = h('input', { type: 'number', min: 0, max: 3600, step: 1, class: 'channel-delay',
    'aria-label': t('channel_delay'), value: String(item.delay_seconds ?? 0) });
  const address = h('input', { type: 'text', class: 'channel-address', autocomplete: 'off',
    'aria-label': t('channel_address'), placeholder: t('channel_address_hint'),
    value: item.address || '' });
  const key = h('input', { type: 'password', class: 'channel-key', autocomplete: 'off',
    'aria-label': t('channel_routing_key'),
    placeholder: item.routing_key_set ? t('channel_routing_key_kept') : t('channel_routing_key') });
  const show = () => {
    address.hidden = !['sms', 'voice', 'webhook'].includes(kind.value);
    key.hidden = kind.value !== 'pagerduty';
  };
  kind.addEventListener('change', show);
  show();
  const li = h('li', { class: 'channel-row', dataset: { index: String(index) } },
    h('span', {}, t('channel_position', { n: index + 1 })), kind,
    h('label', {}, t('channel_after'), delay, t('channel_seconds')), address, key,
    item.secret ? h('code', { class: 'channel-secret', title: t('channel_secret') }, item.secret) : null,
    h('button', { type: 'button', class: 'secondary', onclick: onRemove }, t('channel_remove')));
  li.read = () => {
    const out = { kind: kind.value, delay_seconds: Number(delay.value || 0) };
    if (!address.hidden && address.value.trim()) out.address = address.value.trim();
    if (kind.value === 'pagerduty') out.routing_key = key.value.trim() || undefined;
    return out;
  };
  return li;
}

/** Render the channel list of `staffId` (null: the signed-in member of staff). */
export function render(main, ctx, staffId = null) {
  const path = staffId ? `/api/v1/staff/admin/staff/${staffId}/channels` : '/api/v1/channels/me';
  const status = h('p', { role: 'status', class: 'channel-status' });
  const list = h('ol', { id: 'channels' });
  let items = [];
  const paint = () => {
    replace(list, items.map((item, i) => rowEditor(item, i, () => {
      items = readAll();
      items.splice(i, 1);
      paint();
    })));
  };
  const readAll = () => [...list.children].map((li) => li.read());
  const save = async () => {
    try {
      const body = await api(path, { method: 'PUT', body: { channels: readAll() } });
      items = body.channels;
      paint();
      status.textContent = t('channel_saved');
      tests();
    } catch (err) {
      const fields = err.fields || {};
      status.textContent = Object.entries(fields).map(([f, m]) => `${f}: ${m.join(' ')}`)
        .join(' · ') || t('error_generic', { message: err.message });
    }
  };
  const testBox = h('div', { id: 'channel-tests' });
  const tests = () => {
    if (staffId) return;
    replace(testBox, items.map((item, i) => h('button', { type: 'button', class: 'secondary',
      onclick: async () => {
        try {
          await api('/api/v1/channels/me/test', { method: 'POST', body: { position: i } });
          status.textContent = t('channel_test_sent', { channel: channelText(item.kind) });
        } catch (err) {
          status.textContent = t('error_generic', { message: err.message });
        }
      } }, t('channel_test', { channel: channelText(item.kind), n: i + 1 }))));
  };
  // Editing waits for the stored list: rows added before it arrives would be painted over,
  // and saving after a failed load would replace the person's channels with an empty list.
  const addButton = h('button', { type: 'button', class: 'secondary', disabled: true, onclick: () => {
    items = readAll();
    items.push({ kind: items.length ? 'sms' : 'push', delay_seconds: items.length ? 120 : 0 });
    paint();
  } }, t('channel_add'));
  const saveButton = h('button', { type: 'button', class: 'primary', disabled: true, onclick: save },
    t('channel_save'));
  replace(main, h('h1', {}, staffId ? t('channels_title_staff', { id: staffId }) : t('channels_title')),
    h('p', {}, t('channels_intro')), list,
    h('p', {}, addButton, ' ', saveButton),
    testBox, status);
  api(path).then((body) => {
    items = body.channels;
    paint();
    tests();
    addButton.disabled = false;
    saveButton.disabled = false;
  })
    .catch((err) => { status.textContent = t('error_generic', { message: err.message }); });
  return () => {};
}
