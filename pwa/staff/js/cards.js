// One escalation as a card: severity, why (plain words and the values behind them), when,
// ladder, who acknowledged; actions.

import { api } from './api.js';
import { append, field, h } from './dom.js';
import { latestVitals, reasonValues } from './evidence.js';
import { OUTCOMES, outcomeText, reasonText, syndromeText, t, undeliverableText } from './i18n.js';
import { amendButton, outcomesFieldset } from './outcomes.js';
import { ago, localTime } from './time.js';

function staffName(value, fallbackId) {
  if (value && typeof value === 'object') return value.name || value.handle || `#${value.id}`;
  if (typeof value === 'string') return value;
  return fallbackId ? `#${fallbackId}` : '?';
}

function isLate(e) {
  if (typeof e.late === 'boolean') return e.late;
  if (!e.observed_at || !e.opened_at) return false;
  return new Date(e.opened_at) - new Date(e.observed_at) > 10 * 60000;
}

/** Policy v2 states: worse while acknowledged, acknowledgement lapsed, routine follow-up. */
function lifecycleLine(e, tz) {
  const states = [['worsened', e.worsened_at], ['ack_lapsed', e.ack_lapsed_at],
    ['followed_up', e.followed_up_at]].filter(([, at]) => at);
  if (!states.length) return null;
  return h('ul', { class: 'lifecycle' }, states.map(([key, at]) =>
    h('li', { class: `lifecycle-${key}` }, t(key, { time: localTime(at, tz) }))));
}

function ladderLine(e) {
  const ladder = e.ladder || {};
  const parts = [];
  const level = ladder.level ?? e.ladder_level;
  if (level) parts.push(t('ladder_tier', { tier: level }));
  const notified = ladder.notified || e.notified || e.deliveries || [];
  for (const n of notified) {
    const who = staffName(n.staff || n.recipient || n.handle, n.staff_id || n.recipient_id);
    const shown = n.shown ?? n.shown_devices ?? n.devices_shown;
    const count = Array.isArray(shown) ? shown.length : shown;
    parts.push(count !== undefined && count !== null ? `${who} (${t('shown_on', { count })})`
      : who);
  }
  const undeliverable = e.undeliverable_at || ladder.undeliverable_at;
  return h('p', { class: 'ladder' },
    h('strong', {}, `${t('ladder')}: `), parts.length ? parts.join(' · ') : t('ladder_none'),
    undeliverable ? h('span', { class: 'undeliverable' }, ' ',
      t('undeliverable', { reason: undeliverableText(e.undeliverable_reason
        || ladder.undeliverable_reason) })) : null);
}

/** The family's own reports behind an escalation: the queue sends `reported`, the
 *  escalation page its check-ins. */
function reportedOf(e) {
  if (e.reported) return e.reported;
  const rows = e.checkins || [];
  return {
    antipyretic: rows.some((c) => c.antipyretic === true),
    kind: (rows.find((c) => c.antipyretic === true && c.antipyretic_kind) || {}).antipyretic_kind,
    other: rows.filter((c) => c.other).map((c) => ({ text: c.other, observed_at: c.observed_at })),
  };
}

/** Fever-medicine flag and free text. The text is the patient's or caregiver's, as written:
 *  it goes in as a text node (h() never parses HTML), so markup shows literally. */
function reportedBlock(e, tz) {
  const { antipyretic, kind, other = [] } = reportedOf(e);
  return [
    antipyretic ? h('p', { class: 'antipyretic-flag' }, kind
      ? t('antipyretic_kind_flag', { kind: t(`antipyretic_${kind}`) }) : t('antipyretic_flag'))
      : null,
    other.length ? h('div', { class: 'other-text' },
      h('strong', {}, t('other_text_title')),
      other.map((o) => h('blockquote', { class: 'free-text' },
        o.observed_at ? h('span', { class: 'free-text-at' },
          t('other_text_at', { time: localTime(o.observed_at, tz) }), ' ') : null,
        h('span', { class: 'free-text-words', text: o.text })))) : null,
  ];
}

/** Each reason in plain words with the values behind it (the server's `evidence`). */
function reasonList(e, tz) {
  const behind = new Map(((e.evidence && e.evidence.reasons) || []).map((r) => [r.reason, r]));
  return h('ul', { class: 'reasons' }, (e.reasons || []).map((code) => {
    const values = reasonValues(behind.get(code), tz);
    return h('li', { dataset: { reason: code } }, reasonText(code),
      values ? [': ', values] : null);
  }));
}

function resolveForm(e, done) {
  const outcome = h('select', { name: 'outcome', required: true },
    h('option', { value: '' }, '—'),
    Object.keys(OUTCOMES).map((code) => h('option', { value: code }, outcomeText(code))));
  const note = h('textarea', { name: 'note', rows: 3, maxlength: 2000 });
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const registry = outcomesFieldset();
  const form = h('form', { class: 'resolve', 'aria-label': t('resolve_title') },
    field(t('outcome'), outcome), field(t('note'), note), registry.node, error,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('save_resolve')),
      h('button', { type: 'button', class: 'secondary', onclick: () => form.remove() },
        t('cancel'))));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api(`/api/v1/staff/escalations/${e.id}/resolve`, { method: 'POST',
        body: { outcome: outcome.value, note: note.value || null, ...registry.read() } });
      form.remove();
      done();
    } catch (err) {
      registry.show(err);
      error.textContent = t('error_generic', { message: err.message });
      error.hidden = false;
    }
  });
  return form;
}

/** Render an escalation card; onChange() runs after any action succeeds. */
export function escalationCard(e, patient, onChange, { details = true } = {}) {
  const tz = (patient && patient.timezone) || 'UTC';
  const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const act = (path) => async () => {
    try {
      await api(`/api/v1/staff/escalations/${e.id}/${path}`, { method: 'POST', body: {} });
      onChange();
    } catch (err) {
      error.textContent = t('error_generic', { message: err.message });
      error.hidden = false;
    }
  };
  const title = patient ? `${patient.code} · ${patient.display_name}` : `#${e.patient_id}`;
  const card = h('article', {
    class: `esc sev-${e.severity} state-${e.state}`, 'aria-labelledby': `esc-${e.id}-title`,
    dataset: { escalationId: e.id, severity: e.severity, state: e.state } });
  const actions = h('div', { class: 'actions' });
  if (e.state === 'open') {
    actions.append(h('button', { type: 'button', class: 'primary ack', onclick: act('acknowledge') },
      t('acknowledge')));
  } else if (e.state === 'acknowledged') {
    actions.append(h('button', { type: 'button', class: 'secondary undo',
      onclick: act('unacknowledge') }, t('undo_ack')));
  }
  if (e.state !== 'resolved') {
    actions.append(h('button', { type: 'button', class: 'secondary resolve-open',
      onclick: () => {
        if (!card.querySelector('form.resolve')) {
          const form = resolveForm(e, onChange);
          card.append(form);
          form.querySelector('select').focus();
        }
      } }, t('resolve')));
  }
  actions.append(h('a', { class: 'button-link', href: `#/patients/${e.patient_id}` },
    t('open_patient')));
  if (details) {
    actions.append(h('a', { class: 'button-link', href: `#/escalations/${e.id}` },
      t('open_escalation')));
  }
  const ackBy = e.acknowledged_by || e.acknowledged_by_name;
  append(card, [
    h('header', {},
      h('span', { class: `sev-label sev-${e.severity}` }, t(`severity_${e.severity}`)),
      h('h2', { id: `esc-${e.id}-title` }, title),
      patient ? h('span', { class: 'day' }, patient.window_days
        ? t('day_n_of', { day: patient.day, window: patient.window_days })
        : t('day_n', { day: patient.day })) : null,
      patient && patient.product ? h('span', { class: 'product' }, patient.product) : null,
      h('span', { class: 'state' }, t(`state_${e.state}`))),
    patient && patient.caregiver_enrolled === false
      ? h('p', { class: 'no-caregiver' }, t('no_caregiver')) : null,
    h('p', { class: 'syndromes' }, (e.syndromes || []).map(syndromeText).join(', ')),
    reasonList(e, tz),
    latestVitals(e.evidence, tz),
    reportedBlock(e, tz),
    h('p', { class: 'when' },
      isLate(e)
        ? h('span', { class: 'late' }, t('late_entry', { observed: localTime(e.observed_at, tz),
          received: localTime(e.opened_at, tz) }))
        : t('observed', { time: localTime(e.observed_at || e.opened_at, tz) }),
      ' · ', t('opened', { time: localTime(e.opened_at, tz), ago: ago(e.opened_at) }),
      e.raised_at ? [' · ', t('raised', { time: localTime(e.raised_at, tz) })] : null),
    lifecycleLine(e, tz),
    ladderLine(e),
    h('p', { class: 'ack-line' }, e.acknowledged_at
      ? t('acknowledged_by', { who: staffName(ackBy, e.acknowledged_by_id),
        time: localTime(e.acknowledged_at, tz) })
      : (e.state === 'resolved' ? '' : t('not_acknowledged'))),
    e.state === 'resolved' ? h('p', {}, t('resolved_by', {
      who: staffName(e.resolved_by || e.resolved_by_name, e.resolved_by_id),
      time: localTime(e.resolved_at, tz), outcome: outcomeText(e.outcome) }),
    e.note ? [' — ', e.note] : null) : null,
    e.state === 'resolved' ? amendButton(e, onChange) : null,
    actions, error]);
  return card;
}
