// One escalation (where a notification's "Open" leads): the card, its delivery and history.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { escalationCard } from './cards.js';
import { queueFeed } from './feed.js';
import { t } from './i18n.js';
import { localTime } from './time.js';

async function deliveries(id) {
  try {
    return await api(`/api/v1/push/escalations/${id}/deliveries`);
  } catch (err) {
    return null;
  }
}

/** Render escalation `id`. */
export function render(main, ctx, id) {
  let alive = true;
  const load = async () => {
    let e;
    try {
      e = await api(`/api/v1/staff/escalations/${id}`);
    } catch (err) {
      replace(main, h('h1', {}, t('escalation_title', { id })),
        h('p', { class: 'form-error' }, t('error_generic', { message: err.message })));
      return;
    }
    if (!alive) return;
    await queueFeed.refreshPatients(!queueFeed.patient(e.patient_id));
    const patient = queueFeed.patient(e.patient_id);
    const tz = (patient && patient.timezone) || 'UTC';
    const delivery = await deliveries(id);
    const rows = (delivery && (delivery.items || delivery.deliveries || delivery)) || [];
    const history = e.events || e.history || [];
    replace(main,
      h('p', {}, h('a', { href: '#/queue' }, t('back_to_queue'))),
      h('h1', {}, t('escalation_title', { id })),
      escalationCard(e, patient, () => { queueFeed.poll(); load(); }, { details: false }),
      Array.isArray(rows) && rows.length ? h('section', { 'aria-labelledby': 'deliv-title' },
        h('h2', { id: 'deliv-title' }, t('deliveries')),
        h('ul', {}, rows.map((r) => h('li', {}, [r.recipient || r.staff || r.recipient_id,
          r.state || r.status, r.shown_at ? `shown ${localTime(r.shown_at, tz)}` : '',
          r.clicked_at ? `clicked ${localTime(r.clicked_at, tz)}` : '']
          .filter(Boolean).join(' · '))))) : null,
      history.length ? h('section', { 'aria-labelledby': 'hist-title' },
        h('h2', { id: 'hist-title' }, 'History'),
        h('ul', {}, history.map((ev) => h('li', {},
          `${localTime(ev.at, tz)} · ${ev.kind} · ${ev.severity || ''}`)))) : null);
  };
  load();
  return () => { alive = false; };
}
