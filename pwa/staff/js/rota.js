// Rotas (admins): who is on call over the next 7 days, each tier's rota, its overrides.

import { api } from './api.js';
import { field, formData, h, replace, showErrors, tableWrap } from './dom.js';
import { t } from './i18n.js';
import { centreZone, configureTime, localTime, zonedToUtc } from './time.js';

const TIERS = [1, 2, 3, 4, 5];
const WEEK_HOURS = 7 * 24;
const KINDS = ['swap', 'cover', 'absence'];

function weekdayOptions(selected) {
  return [0, 1, 2, 3, 4, 5, 6].map((d) => h('option', { value: d, selected: d === selected },
    t(`rota_weekday_${d}`)));
}

function handlesOf(ids, staff) {
  return ids.map((id) => (staff.get(id) || { handle: `#${id}` }).handle).join(', ');
}

function idsOf(text, staff) {
  const byHandle = new Map([...staff.values()].map((s) => [s.handle, s.id]));
  return text.split(/[\s,]+/).filter(Boolean).map((handle) => byHandle.get(handle) ?? handle);
}

/** The form's values as the API's rota body (people by handle, in turn). */
function rotaBody(form, staff) {
  const data = formData(form);
  const body = {
    pattern: data.pattern,
    handoffs: data.handoffs.split(/[\s,]+/).filter(Boolean),
    weekday: data.pattern === 'weekly' ? Number(data.weekday) : null,
    starts_on: data.starts_on,
    people: idsOf(data.people, staff),
  };
  if (data.tier) body.tier = Number(data.tier);
  return body;
}

function rotaFields(rota, withTier) {
  return h('div', { class: 'grid' },
    withTier ? field(t('tier'), h('select', { name: 'tier' },
      TIERS.map((n) => h('option', { value: n }, String(n))))) : null,
    field(t('rota_pattern'), h('select', { name: 'pattern' },
      ['daily', 'weekly'].map((p) => h('option', { value: p, selected: rota.pattern === p },
        t(`rota_pattern_${p}`))))),
    field(t('rota_handoffs'), h('input', { name: 'handoffs', required: true,
      value: (rota.handoffs || ['07:00', '19:00']).join(', '), autocomplete: 'off' }),
    t('rota_handoffs_hint')),
    field(t('rota_weekday'), h('select', { name: 'weekday' }, weekdayOptions(rota.weekday ?? 0))),
    field(t('rota_starts_on'), h('input', { name: 'starts_on', type: 'date', required: true,
      value: rota.starts_on || new Date().toISOString().slice(0, 10) })),
    field(t('rota_people'), h('input', { name: 'people', required: true, autocomplete: 'off',
      value: rota.peopleText || '' }), t('rota_people_hint')));
}

function segmentRow(segment, tz, onDelete) {
  const person = segment.person ? segment.person.handle : t('rota_nobody');
  const cells = [
    h('td', {}, localTime(segment.starts_at, tz)), h('td', {}, localTime(segment.ends_at, tz)),
    h('td', { class: segment.pageable ? '' : 'gap' }, person,
      segment.person && !segment.pageable ? ` (${t('rota_not_pageable')})` : ''),
    h('td', {}, segment.override_id ? h('button', { type: 'button', class: 'secondary',
      onclick: () => onDelete(segment.override_id) }, t('rota_delete_override')) : ''),
  ];
  return h('tr', { class: segment.pageable ? '' : 'rota-gap' }, cells);
}

function overrideForm(rota, staff, tz, onSaved) {
  const people = [...staff.values()].filter((s) => s.tier === rota.tier && s.active);
  const form = h('form', { class: 'card-inner rota-override-form' },
    h('h4', {}, t('rota_add_override')),
    h('div', { class: 'grid' },
      field(t('rota_override_kind'), h('select', { name: 'kind' },
        KINDS.map((k) => h('option', { value: k }, t(`rota_kind_${k}`))))),
      field(t('rota_override_staff'), h('select', { name: 'staff_id' },
        h('option', { value: '' }, t('rota_nobody')),
        people.map((s) => h('option', { value: s.id }, s.handle)))),
      field(t('rota_override_from'), h('input', { name: 'starts_at', type: 'datetime-local',
        required: true })),
      field(t('rota_override_to'), h('input', { name: 'ends_at', type: 'datetime-local' }),
        t('rota_override_to_hint'))),
    h('p', { class: 'form-error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'primary' }, t('rota_add_override')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = formData(form);
    const body = { kind: data.kind, staff_id: data.staff_id ? Number(data.staff_id) : null,
      starts_at: zonedToUtc(data.starts_at, tz) };
    if (data.kind !== 'swap' && data.ends_at) body.ends_at = zonedToUtc(data.ends_at, tz);
    try {
      await api(`/api/v1/staff/admin/rotas/${rota.id}/overrides`, { method: 'POST', body });
      showErrors(form, null);
      onSaved();
    } catch (err) {
      showErrors(form, err);
    }
  });
  return form;
}

function rotaCard(rota, view, staff, tz, reload) {
  const status = h('span', { class: 'status', role: 'status' });
  const form = h('form', { class: 'card-inner rota-edit' },
    h('h4', {}, t('rota_edit')),
    rotaFields({ ...rota, peopleText: handlesOf(rota.people, staff) }, false),
    h('p', { class: 'form-error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'primary' }, t('save')), status);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api(`/api/v1/staff/admin/rotas/${rota.id}`, { method: 'PATCH',
        body: rotaBody(form, staff) });
      showErrors(form, null);
      reload();
    } catch (err) {
      showErrors(form, err);
    }
  });
  const removeOverride = async (id) => {
    await api(`/api/v1/staff/admin/rotas/${rota.id}/overrides/${id}`, { method: 'DELETE' });
    reload();
  };
  const segments = (view && view.segments) || [];
  const table = h('table', { class: 'rota-week', id: `rota-week-${rota.tier}` },
    h('caption', {}, t('rota_week_caption', { tier: rota.tier })),
    h('thead', {}, h('tr', {}, [t('rota_from'), t('rota_to'), t('rota_on_call'), ''].map(
      (label) => h('th', { scope: 'col' }, label)))),
    h('tbody', {}, segments.map((s) => segmentRow(s, tz, removeOverride))));
  return h('section', { class: 'card rota', id: `rota-tier-${rota.tier}`,
    'aria-labelledby': `rota-tier-${rota.tier}-title` },
  h('h2', { id: `rota-tier-${rota.tier}-title` }, t('rota_tier_title', { tier: rota.tier })),
  tableWrap(t('rota_week_caption', { tier: rota.tier }), table),
  form, overrideForm(rota, staff, tz, reload),
  h('button', { type: 'button', class: 'secondary', onclick: async () => {
    await api(`/api/v1/staff/admin/rotas/${rota.id}`, { method: 'DELETE' });
    reload();
  } }, t('rota_delete')));
}

function createForm(staff, reload) {
  const form = h('form', { class: 'card', id: 'rota-create' },
    h('h2', {}, t('rota_create')), rotaFields({ pattern: 'daily' }, true),
    h('p', { class: 'form-error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'primary' }, t('create')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    try {
      await api('/api/v1/staff/admin/rotas', { method: 'POST', body: rotaBody(form, staff) });
      showErrors(form, null);
      reload();
    } catch (err) {
      showErrors(form, err);
    }
  });
  return form;
}

/** Render the rota page (admins). */
export function render(main) {
  const body = h('div', { id: 'rota-body' }, h('p', { class: 'status' }, t('loading')));
  replace(main, h('h1', {}, t('rota_title')), h('p', {}, t('rota_intro')), body);
  const load = async () => {
    const [centre, staffRows, rotas, oncall] = await Promise.all([
      api('/api/v1/staff/admin/centre'), api('/api/v1/staff/admin/staff'),
      api('/api/v1/staff/admin/rotas'),
      api('/api/v1/staff/admin/oncall', { query: { hours: WEEK_HOURS } })]);
    configureTime(centre);
    const tz = centreZone();
    const staff = new Map(staffRows.map((s) => [s.id, s]));
    const views = new Map(oncall.rotas.map((r) => [r.rota_id, r]));
    const gaps = oncall.rotas.flatMap((r) => r.gaps.map((g) => ({ ...g, tier: r.tier })));
    replace(body,
      gaps.length ? h('p', { class: 'notice', id: 'rota-gaps', role: 'status' },
        gaps.map((g) => t('rota_gap', { tier: g.tier, from: localTime(g.starts_at, tz),
          to: localTime(g.ends_at, tz) })).join(' ')) : null,
      rotas.map((rota) => rotaCard(rota, views.get(rota.id), staff, tz, load)),
      createForm(staff, load));
  };
  load().catch((err) => replace(body, h('p', { class: 'form-error', role: 'alert' },
    t('error_generic', { message: err.message }))));
}
