// A patient's record: correct its calendar, product, zone and name (with a reason), and its
// baselines (handwriting, tremor, ICE) with their history, undo and going back.

import { api } from './api.js';
import { askConfirm } from './confirm.js';
import { field, h, showErrors } from './dom.js';
import { t } from './i18n.js';
import { localTime, zonedToUtc } from './time.js';

/** An ISO instant as a datetime-local value ("2026-03-10T08:00") in zone tz. */
export function localValue(iso, tz) {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-CA', { timeZone: tz,
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
    hourCycle: 'h23' }).formatToParts(new Date(iso)).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}

function card(id, title, ...children) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title), ...children);
}

/** The correction form: only changed fields are sent, with the reason asked in a dialog. */
export function correctionSection(patient, options, reload) {
  const status = h('p', { class: 'status', role: 'status' });
  const tzSelect = h('select', { name: 'timezone', required: true },
    [...new Set([patient.timezone, ...Intl.supportedValuesOf('timeZone')])]
      .map((z) => h('option', { value: z, selected: z === patient.timezone }, z)));
  const form = h('form', { class: 'grid', id: 'correct-form' },
    field(t('display_name'), h('input', { name: 'display_name', required: true, maxlength: 200,
      value: patient.display_name, autocomplete: 'off' })),
    field(t('product'), h('select', { name: 'product', required: true },
      options.products.map((p) => h('option', { value: p.id, selected: p.id === patient.product },
        p.id)))),
    field(t('timezone'), tzSelect),
    field(t('infused_at'), h('input', { name: 'infused_at', type: 'datetime-local',
      required: true, value: localValue(patient.infused_at, patient.timezone) })),
    field(t('enrolled_at'), h('input', { name: 'enrolled_at', type: 'datetime-local',
      required: true, value: localValue(patient.enrolled_at, patient.timezone) })),
    h('p', { class: 'form-error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'primary' }, t('correct_save')), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const el = form.elements;
    const tz = el.timezone.value;
    const body = {};
    for (const name of ['display_name', 'product', 'timezone']) {
      if (el[name].value !== patient[name]) body[name] = el[name].value;
    }
    for (const name of ['infused_at', 'enrolled_at']) {
      const at = zonedToUtc(el[name].value, tz);
      if (new Date(at).getTime() !== new Date(patient[name]).getTime()) body[name] = at;
    }
    if (!Object.keys(body).length) {
      status.textContent = t('correct_nothing');
      return;
    }
    const answer = await askConfirm({ title: t('correct_confirm_title'),
      text: t('correct_confirm_text', { fields: Object.keys(body).map((k) => t(k)).join(', ') }),
      confirmLabel: t('correct_save'), reasonRequired: true,
      reasonMax: options.reason_max_length });
    if (!answer) return;
    try {
      await api(`/api/v1/staff/patients/${patient.id}/correction`, { method: 'POST',
        body: { ...body, reason: answer.reason } });
      showErrors(form, null);
      reload(t('correct_done'), 'correct');
    } catch (err) {
      showErrors(form, err);
    }
  });
  return card('correct', t('correct_title'), h('p', { class: 'hint' }, t('correct_hint')), form);
}

function shown(kind, id, value, checkins, tz) {
  if (kind === 'ice') return value === null ? '—' : `${value}/10`;
  if (id === null) return t('baseline_none');
  const c = checkins.find((row) => row.id === id);
  return c ? t('baseline_sample', { time: localTime(c.observed_at, tz) }) : `#${id}`;
}

/** Change one baseline after a confirm step; `target` is a check-in id or the ICE score. */
export async function changeBaseline(patient, kind, target, label, reload) {
  const answer = await askConfirm({ title: t('baseline_confirm_title'),
    text: t('baseline_confirm_text', { kind: t(`baseline_kind_${kind}`), value: label }),
    confirmLabel: t('baseline_confirm') });
  if (!answer) return false;
  const key = kind === 'ice' ? 'ice' : `${kind}_checkin_id`;
  await api(`/api/v1/staff/patients/${patient.id}/baseline`, { method: 'POST',
    body: { [key]: target, reason: answer.reason || null } });
  reload(t('baseline_set'));
  return true;
}

/** Baselines in force, the ICE baseline control and the history with undo / go back. */
export function baselineSection(patient, history, checkins, reload) {
  const tz = patient.timezone;
  const status = h('p', { class: 'status', role: 'status' });
  const act = (kind, target, label) => changeBaseline(patient, kind, target, label, reload)
    .catch((err) => { status.textContent = t('error_generic', { message: err.message }); });
  const now = { handwriting: patient.baseline_handwriting_checkin_id,
    tremor: patient.baseline_tremor_checkin_id, ice: patient.baseline_ice };
  const iceInput = h('input', { name: 'baseline_ice', type: 'number', min: 0, max: 10,
    value: patient.baseline_ice, required: true });
  const iceForm = h('form', { class: 'inline' }, field(t('baseline_ice'), iceInput),
    h('button', { type: 'submit', class: 'secondary' }, t('baseline_ice_change')));
  iceForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = Number(iceInput.value);
    if (value !== patient.baseline_ice) act('ice', value, `${value}/10`);
  });
  const newest = new Set();
  const rows = history.map((c) => {
    const target = c.kind === 'ice' ? c.value : c.checkin_id;
    const before = c.kind === 'ice' ? c.previous_value : c.previous_checkin_id;
    const first = !newest.has(c.kind);
    newest.add(c.kind);
    let button = null;
    if (first && target === now[c.kind] && before !== null) {
      const label = shown(c.kind, before, before, checkins, tz);
      button = h('button', { type: 'button', class: 'secondary',
        'aria-label': t('baseline_undo_label', { kind: t(`baseline_kind_${c.kind}`) }),
        onclick: () => act(c.kind, before, label) }, t('baseline_undo'));
    } else if (target !== now[c.kind]) {
      const label = shown(c.kind, target, target, checkins, tz);
      button = h('button', { type: 'button', class: 'secondary',
        onclick: () => act(c.kind, target, label) }, t('baseline_go_back'));
    }
    return h('li', {}, `${localTime(c.at, tz)} · ${t(`baseline_kind_${c.kind}`)}: `,
      h('strong', {}, shown(c.kind, target, target, checkins, tz)),
      before !== null ? ` (${t('baseline_was', { value: shown(c.kind, before, before,
        checkins, tz) })})` : '',
      ` · ${c.staff_handle || t('baseline_auto')}`, c.reason ? h('q', {}, c.reason) : null,
      button ? ' ' : null, button);
  });
  return card('baselines', t('baselines_title'),
    h('ul', { class: 'baselines-now' }, ['handwriting', 'tremor', 'ice'].map((kind) =>
      h('li', {}, `${t(`baseline_kind_${kind}`)}: `,
        h('strong', {}, shown(kind, now[kind], now[kind], checkins, tz))))),
    iceForm,
    h('h3', {}, t('baseline_history')),
    rows.length ? h('ol', { id: 'baseline-history' }, rows) : h('p', {}, t('baseline_none')),
    status);
}
