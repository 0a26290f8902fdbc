// One escalation (where a notification's "Open" leads): the card, its delivery and history.

import { api } from './api.js';
import { h, replace } from './dom.js';
import { escalationCard } from './cards.js';
import { queueFeed } from './feed.js';
import { channelText, deliveryText, reasonText, t } from './i18n.js';
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
    if (!alive) return;
    const patient = e.patient || queueFeed.patient(e.patient_id); // the detail carries it
    const tz = (patient && patient.timezone) || 'UTC';
    const delivery = await deliveries(id);
    if (!alive) return; // left for another screen while loading: don't paint over it
    const rows = (delivery && delivery.items) || [];
    const history = e.events || [];
    const ladder = e.ladder || {};
    replace(main,
      h('p', {}, h('a', { href: '#/queue' }, t('back_to_queue'))),
      h('h1', {}, t('escalation_title', { id })),
      escalationCard(e, patient, () => { queueFeed.poll(); load(); }, { details: false }),
      h('section', { class: 'card', 'aria-labelledby': 'deliv-title' },
        h('h2', { id: 'deliv-title' }, t('deliveries')),
        h('p', {}, t('ladder_state', { level: ladder.level ?? '—', tiers: ladder.tiers_on_duty ?? '—',
          running: ladder.running ? t('yes') : t('no') })),
        rows.length ? h('ul', { id: 'deliveries' }, rows.map((r) => h('li', {}, [
          `${r.recipient} (${deliveryText('purpose', r.purpose)})`, deliveryText('state', r.state),
          r.channel && r.channel !== 'push' ? t('delivery_channel', { channel: channelText(r.channel) }) : null,
          ...(r.channel_attempts || []).map((a) => t('delivery_attempt', {
            channel: channelText(a.kind), time: localTime(a.status_at || a.at, tz), status: a.status })),
          t('devices_reached', { count: r.devices_reached, shown: r.shown_devices }),
          r.shown_at ? t('shown_at', { time: localTime(r.shown_at, tz) }) : null,
          r.clicked_at ? t('clicked_at', { time: localTime(r.clicked_at, tz) }) : null,
          r.last_error ? t('delivery_error', { error: r.last_error }) : null,
        ].filter(Boolean).join(' · ')))) : h('p', {}, t('ladder_none'))),
      history.length ? h('section', { class: 'card', 'aria-labelledby': 'hist-title' },
        h('h2', { id: 'hist-title' }, t('history')),
        h('ul', {}, history.map((ev) => h('li', { class: `event-${ev.kind}` }, [
          localTime(ev.at, tz), t(`event_${ev.kind}`), t(`severity_${ev.severity}`),
          ev.new_reasons && ev.new_reasons.length
            ? t('new_findings', { reasons: ev.new_reasons.map(reasonText).join(', ') }) : null,
          ev.by ? (ev.by.name || ev.by.handle) : null]
          .filter(Boolean).join(' · '))))) : null);
  };
  load();
  return () => { alive = false; };
}
