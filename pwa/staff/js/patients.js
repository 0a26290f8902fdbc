// The patient list (day N, last check-in, next due, open escalation) and the enrolment form.

import { api } from './api.js';
import { field, formData, h, replace, showErrors, tableWrap } from './dom.js';
import { t } from './i18n.js';
import { localTime, nowLocalValue, zonedToUtc } from './time.js';

const PRODUCTS = ['tisa-cel', 'axi-cel', 'brexu-cel', 'liso-cel', 'ide-cel', 'cilta-cel',
  'obe-cel'];

function zones() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch (err) {
    return ['UTC', 'Europe/Berlin', 'Europe/London', 'America/New_York'];
  }
}

function table(rows) {
  if (!rows.length) return h('p', { class: 'empty' }, t('patients_empty'));
  return tableWrap(t('patients_title'), h('table', { class: 'patients' },
    h('caption', { class: 'visually-hidden' }, t('patients_title')),
    h('thead', {}, h('tr', {}, [t('col_patient'), t('col_day'), t('col_last'), t('col_next'),
      t('col_open')].map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, rows.map((p) => {
      const esc = p.open_escalation;
      return h('tr', { dataset: { patientId: p.id } },
        h('th', { scope: 'row' }, h('a', { href: `#/patients/${p.id}` }, p.code), ' ',
          h('span', { class: 'muted' }, p.display_name)),
        h('td', {}, `${p.day} / ${p.window_days}`),
        h('td', {}, p.last_checkin_at ? localTime(p.last_checkin_at, p.timezone) : t('never')),
        h('td', {}, p.monitoring_ended_at ? t('ended')
          : (p.next_due_at ? localTime(p.next_due_at, p.timezone) : '—')),
        h('td', {}, esc ? h('a', { href: `#/escalations/${esc.id}`,
          class: `sev-label sev-${esc.severity}` },
        `${t(`severity_${esc.severity}`)} · ${t(`state_${esc.state}`)}`) : t('none')));
    }))));
}

function enrolForm(defaultZone, onDone) {
  const tz = h('select', { name: 'timezone', required: true },
    zones().map((z) => h('option', { value: z, selected: z === defaultZone }, z)));
  const infused = h('input', { name: 'infused_at', type: 'datetime-local', required: true,
    value: nowLocalValue(defaultZone) });
  const status = h('p', { role: 'status', class: 'status' });
  const form = h('form', { class: 'card', id: 'enrol-form', 'aria-labelledby': 'enrol-title' },
    h('h2', { id: 'enrol-title' }, t('enrol_title')),
    h('div', { class: 'grid' },
      field(t('display_name'), h('input', { name: 'display_name', required: true,
        maxlength: 200, autocomplete: 'off' })),
      field(t('patient_code'), h('input', { name: 'code', pattern: '[A-Za-z0-9\\-]{3,32}',
        autocomplete: 'off' })),
      field(t('product'), h('select', { name: 'product', required: true },
        PRODUCTS.map((p) => h('option', { value: p }, p)))),
      field(t('timezone'), tz),
      field(t('infused_at'), infused),
      field(t('window_days'), h('input', { name: 'window_days', type: 'number', min: 0,
        max: 100, value: 30, required: true })),
      field(t('baseline_ice'), h('input', { name: 'baseline_ice', type: 'number', min: 0,
        max: 10, value: 10, required: true })),
      field(t('city'), h('input', { name: 'city', maxlength: 120 })),
      field(t('place_of_care'), h('input', { name: 'place_of_care', maxlength: 120 }))),
    h('p', { class: 'form-error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'primary' }, t('enrol')), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = formData(form);
    const body = {
      display_name: data.display_name, product: data.product, timezone: data.timezone,
      infused_at: zonedToUtc(data.infused_at, data.timezone),
      window_days: Number(data.window_days), baseline_ice: Number(data.baseline_ice),
      city: data.city || null, place_of_care: data.place_of_care || null,
    };
    if (data.code) body.code = data.code;
    try {
      const patient = await api('/api/v1/staff/patients', { method: 'POST', body });
      showErrors(form, null);
      status.textContent = t('enrolled', { code: patient.code });
      onDone(patient);
    } catch (err) {
      showErrors(form, err);
    }
  });
  return form;
}

/** Render the patient list and enrolment form. */
export function render(main, ctx) {
  const holder = h('div', { id: 'patient-table' }, h('p', {}, t('loading')));
  const load = async () => {
    try {
      replace(holder, table(await api('/api/v1/staff/overview')));
    } catch (err) {
      replace(holder, h('p', { class: 'form-error' }, t('error_generic', { message: err.message })));
    }
  };
  replace(main, h('h1', {}, t('patients_title')), holder,
    enrolForm(Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
      (patient) => ctx.go(`#/patients/${patient.id}`)));
  load();
  return null;
}
