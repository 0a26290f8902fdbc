// Resolved escalations: search by patient, resolution dates (centre's zone), reason, outcome.

import { api } from './api.js';
import { field, formData, h, replace, showErrors, tableWrap } from './dom.js';
import { OUTCOMES, outcomeText, reasonCodes, reasonText, t } from './i18n.js';
import { localTime } from './time.js';

const PER_PAGE = 25;

function select(name, options) {
  return h('select', { name }, h('option', { value: '' }, t('any')),
    options.map(([value, label]) => h('option', { value }, label)));
}

function row(e, codes) {
  return h('tr', { class: `sev-${e.severity}`, dataset: { escalationId: e.id } },
    h('td', {}, h('a', { href: `#/escalations/${e.id}` }, localTime(e.resolved_at))),
    h('td', {}, codes.get(e.patient_id) || e.patient_code || ''),
    h('td', {}, t(`severity_${e.severity}`)),
    h('td', {}, e.reasons.map(reasonText).join('; ')),
    h('td', {}, localTime(e.opened_at)),
    h('td', {}, outcomeText(e.outcome), e.note ? h('q', { class: 'free-text', text: e.note }) : null),
    h('td', {}, e.resolved_by ? e.resolved_by.name : ''));
}

/** Render the search form and its paged results. */
export function render(main) {
  const patient = select('patient_id', []);
  const codes = new Map();
  const form = h('form', { class: 'inline', id: 'history-filter' },
    field(t('filter_patient'), patient),
    field(t('history_from'), h('input', { name: 'resolved_from', type: 'date' })),
    field(t('history_to'), h('input', { name: 'resolved_to', type: 'date' })),
    field(t('history_reason'), select('reason', reasonCodes().map((c) => [c, reasonText(c)]))),
    field(t('history_outcome'), select('outcome',
      Object.keys(OUTCOMES).map((c) => [c, outcomeText(c)]))),
    h('p', { class: 'form-error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'primary' }, t('history_search')));
  const body = h('tbody', {});
  const pager = h('p', { class: 'status', role: 'status', id: 'history-status' });
  const prev = h('button', { type: 'button', class: 'secondary' }, t('previous'));
  const next = h('button', { type: 'button', class: 'secondary' }, t('next'));
  let page = 1;
  const load = async () => {
    const query = Object.fromEntries(Object.entries(formData(form)).filter(([, v]) => v !== ''));
    try {
      const data = await api('/api/v1/staff/escalations/resolved',
        { query: { ...query, page, per_page: PER_PAGE } });
      showErrors(form, null);
      const pages = Math.max(1, Math.ceil(data.total / data.per_page));
      replace(body, data.items.length ? data.items.map((e) => row(e, codes))
        : h('tr', {}, h('td', { colspan: 7 }, t('history_none'))));
      pager.textContent = t('page_of', { page, pages, total: data.total });
      prev.disabled = page <= 1;
      next.disabled = page >= pages;
    } catch (err) {
      showErrors(form, err);
    }
  };
  prev.addEventListener('click', () => { page -= 1; load(); });
  next.addEventListener('click', () => { page += 1; load(); });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    page = 1;
    load();
  });
  api('/api/v1/staff/overview').then((patients) => {
    for (const p of patients) {
      codes.set(p.id, p.code);
      patient.append(h('option', { value: p.id }, `${p.code} · ${p.display_name}`));
    }
  }).catch(() => {});
  replace(main, h('h1', {}, t('history_title')), form,
    tableWrap(t('history_title'), h('table', { class: 'history', id: 'history-table' },
      h('caption', { class: 'visually-hidden' }, t('history_title')),
      h('thead', {}, h('tr', {}, [t('col_resolved'), t('col_patient'), t('col_severity'),
        t('col_reasons'), t('col_opened'), t('col_outcome'), t('col_resolved_by')]
        .map((l) => h('th', { scope: 'col' }, l)))), body)),
    h('div', { class: 'actions' }, prev, next), pager);
  load();
  return null;
}
