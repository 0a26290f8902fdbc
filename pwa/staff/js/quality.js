// Centre quality page (admins, physicians): alarm burden, response times, adherence, and
// the threshold what-if. Figures come from /api/v1/staff/quality; nothing is computed here.

import uPlot from '../vendor/uPlot.esm.js';
import { api } from './api.js';
import { field, formData, h, replace, showErrors, tableWrap } from './dom.js';
import { outcomeText, t } from './i18n.js';

const BASE = '/api/v1/staff/quality';
const SEVERITIES = ['emergency', 'urgent', 'routine'];
const SEVERITY_COLOURS = { emergency: '#8b0000', urgent: '#b3261e', routine: '#7a5a00' };

const num = (v, digits = 2) => (v === null || v === undefined ? '–'
  : Number(v).toLocaleString('en-GB', { maximumFractionDigits: digits }));
const sev = (s) => (s ? t(`severity_${s}`) : t('none'));
const pct = (v) => (v === null || v === undefined ? '–' : `${num(100 * v, 1)} %`);

function section(id, title, ...children) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title), ...children);
}

function table(id, caption, headers, rows) {
  return tableWrap(caption, h('table', { id },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, headers.map((l) => h('th', { scope: 'col' }, l)))),
    h('tbody', {}, rows.map(([head, ...cells]) => h('tr', {},
      h('th', { scope: 'row' }, head), cells.map((c) => h('td', {}, c)))))));
}

function groupCells(g) {
  return [num(g.escalations, 0), num(g.per_100_patient_days),
    ...SEVERITIES.map((s) => num(g.by_severity[s], 0)),
    num(g.ack_hours_median), num(g.ack_hours_p90), num(g.resolve_hours_median),
    num(g.resolve_hours_p90), pct(g.tier1_share), num(g.undeliverable, 0), num(g.lapsed, 0)];
}

function groupHeaders(first) {
  return [first, t('q_escalations'), t('q_per_100'), ...SEVERITIES.map((s) => t(`severity_${s}`)),
    t('q_ack_median'), t('q_ack_p90'), t('q_resolve_median'), t('q_resolve_p90'),
    t('q_tier1_share'), t('q_undeliverable'), t('q_lapsed')];
}

/** Bars of escalations per 100 patient-days for each rule, one series per severity. */
function ruleChart(holder, byRule, days) {
  if (!byRule.length || !days) return () => {};
  const xs = byRule.map((_, i) => i);
  const bars = uPlot.paths.bars({ size: [0.7, 40] });
  const series = SEVERITIES.map((s) => ({ label: t(`severity_${s}`), stroke: SEVERITY_COLOURS[s],
    fill: `${SEVERITY_COLOURS[s]}99`, paths: bars, points: { show: false } }));
  const data = [xs, ...SEVERITIES.map((s) => byRule.map((r) => 100 * r.by_severity[s] / days))];
  const figure = h('figure', { class: 'chart', id: 'chart-rules' },
    h('figcaption', {}, t('q_chart_rules')));
  const target = h('div', { class: 'chart-canvas' });
  figure.append(target);
  holder.append(figure);
  const width = () => Math.max(280, holder.clientWidth - 8);
  const plot = new uPlot({
    width: width(), height: 220, legend: { show: true, live: false },
    scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: { range: (u, lo, hi) => [0, Math.max(1, hi)] } },
    axes: [{ values: (u, splits) => splits.map((i) => (Number.isInteger(i) && byRule[i]
      ? byRule[i].rule_id.replace('R-', '') : '')), space: 30 },
    { label: t('q_per_100'), size: 60 }],
    series: [{}, ...series],
  }, data, target);
  const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: 220 }));
  observer.observe(holder);
  return () => { observer.disconnect(); plot.destroy(); };
}

function figuresView(f) {
  const s = f.summary;
  return [
    section('q-summary', t('q_summary_title'),
      h('p', {}, t('q_period_line', { from: f.from, to: f.to, patients: f.patients,
        days: num(f.patient_days, 1) })),
      table('q-summary-table', t('q_summary_title'), groupHeaders(t('q_scope')),
        [[t('q_centre'), ...groupCells(s)]]),
      h('p', {}, t('q_adherence_line', { due: f.slots_due, answered: f.slots_answered,
        missed: pct(f.missed_rate) }))),
    section('q-rules', t('q_rules_title'), h('div', { id: 'q-chart-holder' }),
      table('q-rules-table', t('q_rules_title'), groupHeaders(t('q_rule')),
        f.by_rule.map((r) => [r.rule_id, ...groupCells(r)]))),
    section('q-outcomes', t('q_outcomes_title'),
      table('q-outcomes-table', t('q_outcomes_title'), [t('q_outcome'), t('q_escalations')],
        Object.entries(f.outcomes).map(([o, n]) => [outcomeText(o), num(n, 0)]))),
    section('q-adherence', t('q_adherence_title'),
      table('q-adherence-table', t('q_adherence_title'),
        [t('q_patient'), t('q_due'), t('q_answered'), t('q_adherence'), t('q_checkins_in'),
          t('q_with_temperature'), t('q_with_vitals'), t('q_with_ice')],
        f.adherence.map((r) => [h('a', { href: `#/patients/${r.patient_id}` }, r.code),
          num(r.due, 0), num(r.answered, 0), pct(r.adherence), num(r.checkins, 0),
          num(r.with_temperature, 0), num(r.with_vitals, 0), num(r.with_ice, 0)]))),
  ];
}

function whatifResult(holder, result) {
  const c = result.counts;
  const linkEsc = (id) => h('a', { href: `#/escalations/${id}` }, t('q_escalation_n', { id }));
  const linkPatient = (row) => h('a', { href: `#/patients/${row.patient_id}` },
    t('q_checkins_n', { ids: row.checkin_ids.join(', ') }));
  const part = (id, title, headers, rows) => [h('h3', {}, `${title} (${rows.length})`),
    rows.length ? table(id, title, headers, rows) : h('p', { id }, t('q_none'))];
  replace(holder,
    h('p', { role: 'status' }, t('q_whatif_counts', { replayed: result.checkins_replayed,
      opened: c.opened, closed: c.closed, changed: c.changed })),
    part('q-whatif-opened', t('q_whatif_opened'), [t('q_checkins'), t('q_severity'), t('q_rules')],
      result.opened.map((o) => [linkPatient(o), sev(o.proposed_severity), o.rules.join(', ')])),
    part('q-whatif-closed', t('q_whatif_closed'), [t('q_escalation'), t('q_checkins')],
      result.closed.map((o) => [linkEsc(o.escalation_id), o.checkin_ids.join(', ')])),
    part('q-whatif-changed', t('q_whatif_changed'), [t('q_escalation'), t('q_now'), t('q_then')],
      result.changed.map((o) => [linkEsc(o.escalation_id), sev(o.current_severity),
        sev(o.proposed_severity)])));
}

function whatifSection(f, period) {
  const names = Object.keys(f.threshold_bounds);
  const value = h('input', { name: 'value', type: 'number', step: 'any', required: true });
  const pick = h('select', { name: 'threshold' },
    names.map((n) => h('option', { value: n }, t(`q_th_${n}`))));
  const hint = h('span', { class: 'hint', id: 'q-whatif-bounds' });
  const showBounds = () => {
    const b = f.threshold_bounds[pick.value];
    value.min = b.min;
    value.max = b.max;
    if (!value.value) value.value = f.thresholds[pick.value];
    hint.textContent = t('q_whatif_bounds', { current: f.thresholds[pick.value], min: b.min,
      max: b.max });
  };
  pick.addEventListener('change', () => { value.value = ''; showBounds(); });
  const out = h('div', { id: 'q-whatif-result', 'aria-live': 'polite' });
  const form = h('form', { id: 'q-whatif-form' },
    h('div', { class: 'grid' }, field(t('q_threshold'), pick), field(t('q_value'), value)),
    h('p', {}, hint),
    h('p', { class: 'form-error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'primary' }, t('q_whatif_run')));
  value.setAttribute('aria-describedby', hint.id);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = formData(form);
    replace(out, t('loading'));
    try {
      const result = await api(`${BASE}/whatif`, { method: 'POST',
        body: { ...period, overrides: { [data.threshold]: Number(data.value) } } });
      showErrors(form, null);
      whatifResult(out, result);
    } catch (err) {
      replace(out);
      const fields = err.fields
        ? { value: Object.values(err.fields).flat() } : null;
      showErrors(form, fields ? { ...err, fields } : err);
    }
  });
  showBounds();
  return section('q-whatif', t('q_whatif_title'), h('p', {}, t('q_whatif_help')), form, out);
}

/** Render the page; returns a cleanup function (the chart's observer). */
export function render(main, ctx) {
  const holder = h('div', {}, t('loading'));
  const from = h('input', { name: 'from', type: 'date' });
  const to = h('input', { name: 'to', type: 'date' });
  const csv = h('a', { class: 'button-link secondary', id: 'q-csv', download: '' }, t('q_csv'));
  const form = h('form', { id: 'q-period', class: 'card' },
    h('div', { class: 'grid' }, field(t('q_from'), from), field(t('q_to'), to)),
    h('p', { class: 'form-error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'primary' }, t('q_show')), ' ', csv);
  let cleanup = () => {};
  const load = async () => {
    const period = { from: from.value || undefined, to: to.value || undefined };
    try {
      const f = await api(BASE, { query: period });
      from.value = f.from;
      to.value = f.to;
      csv.href = `${BASE}?${new URLSearchParams({ from: f.from, to: f.to, format: 'csv' })}`;
      showErrors(form, null);
      cleanup();
      replace(holder, figuresView(f), whatifSection(f, { from: f.from, to: f.to }));
      cleanup = ruleChart(holder.querySelector('#q-chart-holder'), f.by_rule, f.patient_days);
    } catch (err) {
      showErrors(form, err);
      if (!holder.querySelector('section')) replace(holder, t('error_generic', { message: err.message }));
    }
  };
  form.addEventListener('submit', (event) => { event.preventDefault(); load(); });
  replace(main, h('h1', {}, t('q_title')), h('p', {}, t('q_intro')), form, holder);
  load();
  return () => cleanup();
}
