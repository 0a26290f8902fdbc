// The patient list (day N, last check-in, next due, open escalation) and the enrolment form.

import { api } from './api.js';
import { field, formData, h, replace, showErrors, tableWrap } from './dom.js';
import { LANGUAGES, languageText, t } from './i18n.js';
import { localTime, nowLocalValue, zonedToUtc } from './time.js';

function zones() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch (err) {
    return ['UTC', 'Europe/Berlin', 'Europe/London', 'America/New_York'];
  }
}

/** The language of a patient or caregiver: the app, instructions and pushes follow it. */
export function languageSelect(value = 'en') {
  return h('select', { name: 'language' },
    LANGUAGES.map((code) => h('option', { value: code, selected: code === value }, languageText(code))));
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

/** The enrolment form, defaults from /patient-options: the centre's zone, and the window the
 *  policy suggests for the chosen product (until staff type their own). */
function enrolForm(options, onDone) {
  const defaultZone = options.timezone;
  const tz = h('select', { name: 'timezone', required: true },
    [...new Set([defaultZone, ...zones()])].sort()
      .map((z) => h('option', { value: z, selected: z === defaultZone }, z)));
  const infused = h('input', { name: 'infused_at', type: 'datetime-local', required: true,
    value: nowLocalValue(defaultZone) });
  const suggested = (id) => (options.products.find((p) => p.id === id) || {})
    .suggested_window_days ?? options.default_window_days;
  const product = h('select', { name: 'product', required: true },
    options.products.map((p) => h('option', { value: p.id }, p.id)));
  const windowDays = h('input', { name: 'window_days', type: 'number', min: 0,
    max: options.max_window_days, value: suggested(product.value), required: true });
  let windowTyped = false;
  windowDays.addEventListener('input', () => { windowTyped = true; });
  product.addEventListener('change', () => {
    if (!windowTyped) windowDays.value = suggested(product.value);
  });
  const status = h('p', { role: 'status', class: 'status' });
  const form = h('form', { class: 'card', id: 'enrol-form', 'aria-labelledby': 'enrol-title' },
    h('h2', { id: 'enrol-title' }, t('enrol_title')),
    h('div', { class: 'grid' },
      field(t('display_name'), h('input', { name: 'display_name', required: true,
        maxlength: 200, autocomplete: 'off' })),
      field(t('patient_code'), h('input', { name: 'code', pattern: '[A-Za-z0-9\\-]{3,32}',
        autocomplete: 'off' })),
      field(t('product'), product),
      field(t('timezone'), tz),
      field(t('infused_at'), infused),
      field(t('window_days'), windowDays, t('window_hint')),
      field(t('baseline_ice'), h('input', { name: 'baseline_ice', type: 'number', min: 0,
        max: options.ice_max, value: options.default_baseline_ice, required: true })),
      field(t('city'), h('input', { name: 'city', maxlength: 120 })),
      field(t('place_of_care'), h('input', { name: 'place_of_care', maxlength: 120 })),
      field(t('language'), languageSelect())),
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
      language: data.language || 'en',
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
  const formSlot = h('div', { id: 'enrol-slot' });
  replace(main, h('h1', {}, t('patients_title')), holder, formSlot);
  load();
  api('/api/v1/staff/patient-options').then((options) => replace(formSlot,
    enrolForm(options, (patient) => ctx.go(`#/patients/${patient.id}`))))
    .catch((err) => replace(formSlot, h('p', { class: 'form-error' },
      t('error_generic', { message: err.message }))));
  return null;
}
