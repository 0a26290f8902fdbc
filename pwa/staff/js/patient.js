// One patient: timeline (charts, events, tremor, handwriting), baselines, monitoring,
// record corrections, caregivers, phones, enrolment codes.

import { api } from './api.js';
import { drawCharts } from './charts.js';
import { deviceText } from './devices.js';
import { field, h, replace, svgDataUrl, tableWrap } from './dom.js';
import { featureLabel, featureValue, languageText, reasonText, symptomText, t } from './i18n.js';
import { baselineSection, changeBaseline, correctionSection } from './records.js';
import { languageSelect } from './patients.js';
import { localTime } from './time.js';

function section(id, title, ...children) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title), ...children);
}

function status() {
  return h('p', { class: 'status', role: 'status' });
}

function fail(slot, err) {
  slot.textContent = t('error_generic', { message: err.message });
}

function values(c) {
  const parts = [];
  if (c.temperature_c !== null) {
    parts.push(c.temperature_unit === 'F' ? `${c.temperature_value} °F (${c.temperature_c} °C)`
      : `${c.temperature_c} °C`);
  }
  if (c.ice_total !== null) parts.push(`ICE ${c.ice_total}/10`);
  if (c.heart_rate !== null) parts.push(`HR ${c.heart_rate}`);
  if (c.systolic_bp !== null) parts.push(`BP ${c.systolic_bp}`);
  if (c.spo2 !== null) parts.push(`SpO₂ ${c.spo2} %`);
  if (c.respiratory_rate != null) parts.push(t('respiratory_rate_short', { value: c.respiratory_rate }));
  if (c.ice_self) parts.push(t('ice_self_short'));
  if (c.tremor_rating) parts.push(`tremor ${c.tremor_rating}`);
  if (c.handwriting_judgement) parts.push(`writing ${c.handwriting_judgement.replace('_', ' ')}`);
  if (c.symptoms.length) parts.push(c.symptoms.map(symptomText).join(', '));
  if (c.antipyretic === true) {
    parts.push(c.antipyretic_kind ? `${t('antipyretic_short')} (${t(`antipyretic_${c.antipyretic_kind}`)})`
      : t('antipyretic_short'));
  } else if (c.antipyretic === false) parts.push(t('antipyretic_no'));
  if (deviceText(c.devices)) parts.push(deviceText(c.devices)); // ble
  return parts.join(' · ');
}

/** A check-in's values, then its free text as a text node of its own (never parsed as
 *  HTML: the words are the family's, as written). */
function valuesCell(c) {
  return h('td', {}, values(c), c.other
    ? h('q', { class: 'free-text', text: c.other }) : null);
}

function eventsTable(data) {
  const tz = data.patient.timezone;
  const rows = [
    ...data.checkins.map((c) => ({ at: c.observed_at, what: c.late ? 'check-in (late entry)'
      : `check-in (${c.recorded_by})`, cell: valuesCell(c), cls: c.late ? 'is-late' : '' })),
    ...data.escalations.map((e) => ({ at: e.opened_at,
      what: `${t(`severity_${e.severity}`)} escalation · ${t(`state_${e.state}`)}`,
      values: e.reasons.map(reasonText).join('; '), cls: `sev-${e.severity}` })),
  ].sort((a, b) => new Date(b.at) - new Date(a.at));
  if (!rows.length) return h('p', {}, t('no_checkins'));
  return tableWrap(t('events_title', { tz }), h('table', { class: 'events', id: 'events' },
    h('caption', {}, t('events_title', { tz })),
    h('thead', {}, h('tr', {}, [t('col_time', { tz }), t('col_what'), t('col_values')]
      .map((label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, rows.map((r) => h('tr', { class: r.cls },
      h('td', {}, localTime(r.at, tz)), h('td', {}, r.what), r.cell || h('td', {}, r.values))))));
}

function tremorTable(data) {
  const rows = data.checkins.filter((c) => c.tremor_rating || c.tremor);
  if (!rows.length) return null;
  const keys = [...new Set(rows.flatMap((c) => Object.keys(c.tremor || {})
    .filter((k) => typeof c.tremor[k] !== 'object' && !featureLabel(k).hidden)))].slice(0, 5);
  const head = (k) => h('th', { scope: 'col', title: featureLabel(k).meaning },
    featureLabel(k).label, featureLabel(k).unit ? ` (${featureLabel(k).unit})` : '');
  return tableWrap(t('tremor_title'), h('table', { class: 'tremor', id: 'tremor' },
    h('caption', { class: 'visually-hidden' }, t('tremor_title')),
    h('thead', {}, h('tr', {}, [t('col_time', { tz: data.patient.timezone }), t('tremor_rating')]
      .map((label) => h('th', { scope: 'col' }, label)), keys.map(head))),
    h('tbody', {}, rows.slice(-12).reverse().map((c) => h('tr', {},
      h('td', {}, localTime(c.observed_at, data.patient.timezone)),
      h('td', {}, c.tremor_rating || '—'),
      keys.map((k) => h('td', {}, featureValue(k, (c.tremor || {})[k]))))))));
}

function tremorBaselineButton(data, setBaseline) {
  const measured = data.checkins.filter((c) => c.tremor && c.tremor.complete !== false
    && Object.keys(c.tremor).length);
  const latest = measured[measured.length - 1];
  if (!latest || latest.id === data.patient.baseline_tremor_checkin_id) return null;
  return h('button', { type: 'button', class: 'secondary',
    onclick: () => setBaseline(latest, 'tremor') }, t('set_tremor_baseline'));
}

function handwritingPanel(data, onBaseline) {
  const tz = data.patient.timezone;
  const samples = data.checkins.filter((c) => c.has_handwriting);
  if (!samples.length) return h('p', {}, t('handwriting_none'));
  const baselineId = data.patient.baseline_handwriting_checkin_id || samples[0].id;
  const baseline = samples.find((c) => c.id === baselineId) || samples[0];
  const latest = samples[samples.length - 1];
  const figure = (c, label) => h('figure', { class: 'writing' },
    h('img', { src: `/api/v1/staff/patients/${data.patient.id}/checkins/${c.id}/handwriting.svg`,
      alt: t('handwriting_alt', { time: localTime(c.observed_at, tz) }) }),
    h('figcaption', {}, t(label, { time: localTime(c.observed_at, tz) }),
      c.handwriting && c.handwriting.beyond_baseline ? h('strong', { class: 'late' },
        ` · ${featureLabel('beyond_baseline').label}`) : null));
  return h('div', {},
    h('div', { class: 'side-by-side', id: 'handwriting' },
      figure(latest, 'handwriting_latest'), figure(baseline, 'handwriting_baseline')),
    latest.id !== baseline.id ? h('button', { type: 'button', class: 'secondary',
      onclick: () => onBaseline(latest) }, t('set_baseline')) : null);
}

/** The words of the charts' series, reference lines and marker legend (i18n.js). */
function chartLabels(data) {
  return { baseline: t('chart_baseline', { value: data.thresholds.baseline_ice }),
    heart_rate: t('chart_heart_rate'), systolic_bp: t('chart_systolic'), spo2: t('chart_spo2'),
    legend: t('legend_title'), escalation: t('legend_escalation'), symptom: t('legend_symptom'),
    threshold: t('legend_threshold'), baseline_line: t('legend_baseline'),
    severities: Object.fromEntries(['emergency', 'urgent', 'routine'].map((s) =>
      [s, t(`severity_${s}`)])) };
}

async function timelineSection(data, holder, reload) {
  const p = data.patient;
  const charts = h('div', { class: 'charts', id: 'charts' });
  const note = status();
  const setBaseline = async (latest, kind = 'handwriting') => {
    try {
      await changeBaseline(p, kind, latest.id,
        t('baseline_sample', { time: localTime(latest.observed_at, p.timezone) }), reload);
    } catch (err) {
      fail(note, err);
    }
  };
  replace(holder,
    h('h1', {}, t('patient_title', { code: p.code, name: p.display_name })),
    h('p', { class: 'meta' }, t('patient_meta', { product: p.product,
      infused: localTime(p.infused_at, p.timezone), day: p.day, window: p.window_days,
      tz: p.timezone })),
    h('p', { class: 'patient-language' },
      t('patient_language', { language: languageText(data.language || 'en') })),
    h('p', { class: 'summary-link' }, h('a', { class: 'button-link', id: 'summary-pdf',
      href: `/api/v1/staff/patients/${p.id}/summary.pdf`, download: `cartwatch-summary-${p.code}.pdf` },
    t(p.summary_final ? 'summary_pdf_final' : 'summary_pdf_interim'))),
    p.caregiver_enrolled === false ? h('p', { class: 'no-caregiver' }, t('no_caregiver')) : null,
    section('timeline', t('timeline_title'), charts, eventsTable(data)),
    h('div', { class: 'two-col' },
      section('writing-card', t('handwriting_title'), handwritingPanel(data, setBaseline), note),
      section('tremor-card', t('tremor_title'), tremorTable(data) || h('p', {}, '—'),
        tremorBaselineButton(data, setBaseline))));
  return { data, destroy: drawCharts(charts, data, {
    temperature: t('chart_temperature', { fever: data.thresholds.fever_c }),
    ice: t('chart_ice', { baseline: data.thresholds.baseline_ice }),
    vitals: t('chart_vitals'), ...chartLabels(data) }) };
}

function monitoringSection(patient, reload) {
  const out = status();
  const windowInput = h('input', { name: 'window_days', type: 'number', min: 0, max: 100,
    value: patient.window_days, required: true });
  const patch = async (body) => {
    try {
      await api(`/api/v1/staff/patients/${patient.id}`, { method: 'PATCH', body });
      reload(t('saved'), 'monitoring');
    } catch (err) {
      fail(out, err);
    }
  };
  const form = h('form', { class: 'inline' }, field(t('window_days'), windowInput),
    h('button', { type: 'submit', class: 'primary' }, t('save')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    patch({ window_days: Number(windowInput.value) });
  });
  const ended = Boolean(patient.monitoring_ended_at);
  return section('monitoring', t('monitoring_title'), form,
    h('button', { type: 'button', class: ended ? 'secondary' : 'danger', onclick: () => {
      if (ended || window.confirm(t('confirm_end'))) patch({ end_monitoring: !ended });
    } }, ended ? t('resume_monitoring') : t('end_monitoring')), out);
}

function caregiverSection(patient, caregivers, reload) {
  const out = status();
  const name = h('input', { name: 'display_name', required: true, maxlength: 200 });
  const language = languageSelect(patient.language || 'en'); // the patient's, as a start
  const form = h('form', { class: 'inline' }, field(t('caregiver_name'), name),
    field(t('language'), language),
    h('button', { type: 'submit', class: 'secondary' }, t('add_caregiver')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api(`/api/v1/staff/patients/${patient.id}/caregivers`, { method: 'POST',
        body: { display_name: name.value, language: language.value } });
      reload();
    } catch (err) {
      fail(out, err);
    }
  });
  return section('caregivers', t('caregivers_title'),
    h('ul', {}, caregivers.map((c) => h('li', {}, t('caregiver_with_language',
      { name: c.display_name, language: languageText(c.language || 'en') })))), form, out);
}

function deviceSection(patient, devices, caregivers, reload) {
  const out = status();
  const tz = patient.timezone;
  const who = (d) => (d.role === 'caregiver'
    ? t('for_caregiver', { name: (caregivers.find((c) => c.id === d.caregiver_id) || {})
      .display_name || '?' }) : t('for_patient'));
  return section('devices', t('devices_title'), devices.length ? h('ul', { class: 'devices' },
    devices.map((d) => h('li', {}, `#${d.id} · ${who(d)} · `,
      d.revoked_at ? t('revoked', { time: localTime(d.revoked_at, tz) })
        : [t('last_seen', { time: localTime(d.last_seen_at, tz) }), ' ',
          h('button', { type: 'button', class: 'danger', 'aria-label': `${t('revoke')} #${d.id}`,
            onclick: async () => {
              if (!window.confirm(t('confirm_revoke'))) return;
              try {
                await api(`/api/v1/staff/patients/${patient.id}/devices/${d.id}/revoke`,
                  { method: 'POST', body: {} });
                reload();
              } catch (err) {
                fail(out, err);
              }
            } }, t('revoke'))])))
    : h('p', {}, t('no_devices')), out);
}

function codeSection(patient, caregivers) {
  const out = status();
  const result = h('div', { class: 'code-result', id: 'code-result', 'aria-live': 'polite' });
  const target = h('select', { name: 'target' },
    h('option', { value: 'patient' }, t('for_patient')),
    caregivers.map((c) => h('option', { value: `caregiver:${c.id}` },
      t('for_caregiver', { name: c.display_name }))));
  const form = h('form', { class: 'inline' }, field(t('code_for'), target),
    h('button', { type: 'submit', class: 'primary' }, t('issue_code')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const [role, id] = target.value.split(':');
    const body = role === 'caregiver' ? { role, caregiver_id: Number(id) } : { role };
    try {
      const code = await api(`/api/v1/staff/patients/${patient.id}/enrolment-codes`,
        { method: 'POST', body });
      replace(result,
        h('p', { class: 'code-text' }, t('code_text', { code: '' }),
          h('strong', { id: 'enrolment-code' }, code.code)),
        h('img', { class: 'qr', src: svgDataUrl(code.qr_svg), alt: t('code_qr_alt'),
          width: 240, height: 240 }),
        h('p', {}, h('code', { class: 'uri' }, code.url)),
        h('p', {}, t('code_expires', { time: localTime(code.expires_at, patient.timezone) })));
    } catch (err) {
      fail(out, err);
    }
  });
  return section('codes', t('codes_title'), form, result, out);
}

/** Render patient `id`: timeline first (what a clinician needs), then management. */
export function render(main, ctx, id) {
  let destroy = null;
  let alive = true;
  const top = h('div', { id: 'patient-top' }, h('p', {}, t('loading')));
  const manage = h('div', { class: 'two-col', id: 'patient-manage' });
  replace(main, h('p', {}, h('a', { href: '#/patients' }, t('nav_patients'))), top, manage);
  // Re-read everything after a change (the page updates in place, no reload); `flash` is
  // the confirmation to show in that card's status once it is drawn again.
  const load = async (flash = null) => {
    try {
      const [patient, caregivers, devices, history, options, timeline] = await Promise.all([
        api(`/api/v1/staff/patients/${id}`), api(`/api/v1/staff/patients/${id}/caregivers`),
        api(`/api/v1/staff/patients/${id}/devices`),
        api(`/api/v1/staff/patients/${id}/baselines`), api('/api/v1/staff/patient-options'),
        api(`/api/v1/staff/patients/${id}/timeline`)]);
      if (!alive) return;
      if (destroy) destroy();
      const reload = (text, where = 'baselines') => load(typeof text === 'string'
        ? { text, where } : null);
      const built = await timelineSection({ ...timeline, language: patient.language }, top, reload);
      destroy = built.destroy;
      replace(manage, baselineSection(patient, history, timeline.checkins, reload),
        monitoringSection(patient, reload),
        correctionSection(patient, options, reload),
        caregiverSection(patient, caregivers, reload),
        codeSection(patient, caregivers), deviceSection(patient, devices, caregivers, reload));
      const slot = flash && manage.querySelector(`#${flash.where} [role="status"]`);
      if (slot) slot.textContent = flash.text;
    } catch (err) {
      replace(top, h('p', { class: 'form-error' }, t('error_generic', { message: err.message })));
    }
  };
  load();
  return () => {
    alive = false;
    if (destroy) destroy();
  };
}
