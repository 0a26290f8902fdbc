// Registry outcomes of an escalation (issue 18): ASTCT grades and dated treatments, optional,
// in the resolve form and, after resolution, recorded or amended on their own.

import { api } from './api.js';
import { field, h } from './dom.js';
import { t } from './i18n.js';

export const TREATMENTS = ['tocilizumab', 'steroids', 'admission', 'icu'];
const GRADES = [1, 2, 3, 4];

function gradeSelect(name, value) {
  return h('select', { name },
    h('option', { value: '' }, t('outcomes_not_graded')),
    GRADES.map((g) => h('option', { value: String(g), selected: value === g },
      t('outcomes_grade_n', { grade: g }))));
}

/** The fieldset and how to read it: { node, read() -> body or throws, show(err, sent) }. */
export function outcomesFieldset(initial = {}) {
  const given = new Map((initial.treatments || []).map((x) => [x.code, x.date]));
  const crs = gradeSelect('crs_grade', initial.crs_grade ?? null);
  const icans = gradeSelect('icans_grade', initial.icans_grade ?? null);
  const rows = TREATMENTS.map((code) => {
    const box = h('input', { type: 'checkbox', name: `treatment_${code}`,
      checked: given.has(code) });
    const date = h('input', { type: 'date', name: `treatment_date_${code}`,
      value: given.get(code) || '', 'aria-label': t('outcomes_date_of', {
        treatment: t(`treatment_${code}`) }) });
    const error = h('span', { class: 'field-error', hidden: true });
    return { code, box, date, error, node: h('div', { class: 'treatment' },
      h('label', {}, box, ' ', t(`treatment_${code}`)), ' ', date, error) };
  });
  const general = h('p', { class: 'form-error', role: 'alert', hidden: true });
  const node = h('fieldset', { class: 'outcomes' },
    h('legend', {}, t('outcomes_legend')),
    h('p', { class: 'hint' }, t('outcomes_hint')),
    field(t('outcomes_crs'), crs), field(t('outcomes_icans'), icans),
    h('div', { class: 'treatments', role: 'group', 'aria-label': t('outcomes_treatments') },
      h('p', {}, t('outcomes_treatments')), rows.map((r) => r.node)), general);
  let sentCodes = [];
  const read = () => {
    const missing = rows.filter((r) => r.box.checked && !r.date.value);
    for (const r of rows) r.error.hidden = true;
    if (missing.length) {
      for (const r of missing) {
        r.error.textContent = t('outcomes_date_needed');
        r.error.hidden = false;
      }
      throw new Error(t('outcomes_date_needed'));
    }
    const treatments = rows.filter((r) => r.box.checked)
      .map((r) => ({ code: r.code, date: r.date.value }));
    sentCodes = treatments.map((x) => x.code);
    return { crs_grade: crs.value ? Number(crs.value) : null,
      icans_grade: icans.value ? Number(icans.value) : null, treatments };
  };
  /** Put the server's field errors (treatments.N.date, crs_grade…) beside their controls. */
  const show = (err) => {
    const fields = (err && err.fields) || {};
    const other = [];
    for (const [name, messages] of Object.entries(fields)) {
      const m = /^treatments\.(\d+)\./.exec(name);
      const row = m && rows.find((r) => r.code === sentCodes[Number(m[1])]);
      if (row) {
        row.error.textContent = messages.join(' ');
        row.error.hidden = false;
      } else other.push(`${name}: ${messages.join(' ')}`);
    }
    general.textContent = other.join(' · ');
    general.hidden = !other.length;
  };
  return { node, read, show };
}

/** Resolved escalation: a button that opens the outcomes form (prefilled) and saves it. */
export function amendButton(e, done) {
  const holder = h('div', { class: 'outcomes-amend' });
  const open = async () => {
    if (holder.querySelector('form')) return;
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    let current = {};
    try {
      current = await api(`/api/v1/staff/escalations/${e.id}/outcomes`);
    } catch (err) {
      error.textContent = t('error_generic', { message: err.message });
      error.hidden = false;
    }
    const set = outcomesFieldset(current);
    const form = h('form', { class: 'outcomes-form', 'aria-label': t('outcomes_legend') },
      set.node, error, h('div', { class: 'actions' },
        h('button', { type: 'submit', class: 'primary' }, t('outcomes_save')),
        h('button', { type: 'button', class: 'secondary', onclick: () => form.remove() },
          t('cancel'))));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await api(`/api/v1/staff/escalations/${e.id}/outcomes`, { method: 'PUT',
          body: set.read() });
        form.remove();
        done();
      } catch (err) {
        set.show(err);
        error.textContent = t('error_generic', { message: err.message });
        error.hidden = false;
      }
    });
    holder.append(form);
  };
  holder.append(h('button', { type: 'button', class: 'secondary outcomes-open', onclick: open },
    t('outcomes_record')));
  return holder;
}
