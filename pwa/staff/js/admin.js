// Admin: staff accounts (role, tier, duty), the centre's numbers and overrides, the audit log.

import { api } from './api.js';
import { field, formData, h, replace, showErrors, tableWrap } from './dom.js';
import { overrideLabel, t } from './i18n.js';
import { configureTime, localTime } from './time.js';

const ROLES = ['nurse', 'physician', 'admin'];
const TIERS = [1, 2, 3, 4, 5];

function section(id, title, ...children) {
  return h('section', { class: 'card', id, 'aria-labelledby': `${id}-title` },
    h('h2', { id: `${id}-title` }, title), ...children);
}

function staffRow(s, me, onSaved) {
  const out = h('span', { class: 'status', role: 'status' });
  const label = (what) => `${what} ${s.handle}`;
  const role = h('select', { 'aria-label': label(t('role')) },
    ROLES.map((r) => h('option', { value: r, selected: r === s.role }, r)));
  const tier = h('select', { 'aria-label': label(t('tier')) },
    TIERS.map((n) => h('option', { value: n, selected: n === s.tier }, String(n))));
  const duty = h('input', { type: 'checkbox', checked: s.on_duty,
    'aria-label': label(t('on_duty')) });
  const active = h('input', { type: 'checkbox', checked: s.active,
    'aria-label': label(t('active')) });
  const patch = async (body, reload = false) => {
    try {
      await api(`/api/v1/staff/admin/staff/${s.id}`, { method: 'PATCH', body });
      out.textContent = t('saved');
      if (reload) onSaved();
    } catch (err) {
      out.textContent = t('error_generic', { message: err.message });
    }
  };
  return h('tr', { dataset: { staffId: s.id } },
    h('th', { scope: 'row' }, s.handle), h('td', {}, s.name), h('td', {}, s.email),
    h('td', {}, role), h('td', {}, tier), h('td', {}, duty), h('td', {}, active),
    h('td', {}, s.totp_enrolled ? t('yes') : t('no')),
    h('td', {},
      h('button', { type: 'button', class: 'primary',
        'aria-label': `${t('save')} ${s.handle}`,
        onclick: () => patch({ role: role.value, tier: Number(tier.value), on_duty: duty.checked,
          active: active.checked }) }, t('save')),
      s.totp_enrolled && s.id !== me.id ? h('button', { type: 'button', class: 'secondary',
        onclick: () => patch({ reset_totp: true }, true) }, t('reset_totp')) : null,
      h('a', { href: `#/admin/staff/${s.id}/channels`, class: 'channels-link' }, t('admin_channels')),
      out));
}

function staffSection(me) {
  const body = h('tbody', {});
  const load = async () => {
    const rows = await api('/api/v1/staff/admin/staff');
    replace(body, rows.map((s) => staffRow(s, me, load)));
  };
  const form = h('form', { class: 'card-inner', id: 'staff-form' },
    h('h3', {}, t('add_staff')),
    h('div', { class: 'grid' },
      field(t('handle'), h('input', { name: 'handle', required: true,
        pattern: '[a-z0-9][a-z0-9._\\-]{1,63}', title: t('handle_rule'), autocomplete: 'off' }),
      t('handle_rule')),
      field(t('name'), h('input', { name: 'name', required: true, autocomplete: 'off' })),
      field(t('email'), h('input', { name: 'email', type: 'email', required: true,
        autocomplete: 'off' })),
      field(t('role'), h('select', { name: 'role' }, ROLES.map((r) => h('option', { value: r },
        r)))),
      field(t('tier'), h('select', { name: 'tier' }, TIERS.map((n) => h('option', { value: n },
        String(n))))),
      field(t('initial_password'), h('input', { name: 'password', type: 'password',
        required: true, minlength: 12, autocomplete: 'new-password' }))),
    h('p', { class: 'form-error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'primary' }, t('create')));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = formData(form);
    try {
      await api('/api/v1/staff/admin/staff', { method: 'POST',
        body: { ...data, tier: Number(data.tier), on_duty: true } });
      form.reset();
      showErrors(form, null);
      load();
    } catch (err) {
      showErrors(form, err);
    }
  });
  load();
  return section('staff', t('staff_title'),
    tableWrap(t('staff_title'), h('table', { class: 'staff' },
      h('caption', { class: 'visually-hidden' }, t('staff_title')),
      h('thead', {}, h('tr', {}, [t('handle'), t('name'), t('email'), t('role'), t('tier'),
        t('on_duty'), t('active'), t('totp_ready'), ''].map((l) => h('th', { scope: 'col' },
        l || h('span', { class: 'visually-hidden' }, t('save')))))), body)),
    form);
}

function centreSection() {
  const holder = h('div', {}, t('loading'));
  const load = async () => {
    const c = await api('/api/v1/staff/admin/centre');
    const bounds = c.override_bounds || {};
    const form = h('form', { id: 'centre-form' },
      h('div', { class: 'grid' },
        field(t('centre_name'), h('input', { name: 'name', value: c.name, required: true })),
        field(t('phone_24h'), h('input', { name: 'phone_24h', type: 'tel', value: c.phone_24h,
          required: true })),
        field(t('emergency_number'), h('input', { name: 'emergency_number', inputmode: 'numeric',
          value: c.emergency_number, required: true })),
        field(t('centre_timezone'), h('input', { name: 'timezone', value: c.timezone,
          required: true })),
        field(t('time_format'), h('select', { name: 'time_format' }, ['24h', '12h'].map((f) =>
          h('option', { value: f, selected: f === (c.time_format || '24h') },
            t(`time_format_${f}`)))))),
      h('h3', {}, t('overrides_title')),
      Object.keys(bounds).length ? h('div', { class: 'grid' },
        Object.entries(bounds).map(([key, b]) => field(
          `${overrideLabel(key).label} (${t('override_default', { value: b.default })})`,
          h('input', { name: `o:${key}`, type: 'number', step: 'any', min: b.min, max: b.max,
            value: c.threshold_overrides[key] ?? '' }),
          `${overrideLabel(key).meaning} ${t('override_hint', { min: b.min, max: b.max })}`)))
        : h('p', {}, t('overrides_none')),
      h('p', { class: 'form-error', role: 'alert', hidden: true }),
      h('button', { type: 'submit', class: 'primary' }, t('save')),
      h('p', { class: 'status', role: 'status' }));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const data = formData(form);
      const overrides = {};
      for (const [name, value] of Object.entries(data)) {
        if (name.startsWith('o:') && value !== '') overrides[name.slice(2)] = Number(value);
      }
      try {
        const saved = await api('/api/v1/staff/admin/centre', { method: 'PATCH', body: {
          name: data.name, phone_24h: data.phone_24h, emergency_number: data.emergency_number,
          timezone: data.timezone, time_format: data.time_format,
          threshold_overrides: overrides } });
        configureTime(saved);
        showErrors(form, null);
        form.querySelector('.status').textContent = t('saved');
      } catch (err) {
        const prefix = 'threshold_overrides.';
        err.fields = Object.fromEntries(Object.entries(err.fields || {}).map(([key, value]) => [
          key.startsWith(prefix) ? `o:${key.slice(prefix.length)}` : key, value]));
        showErrors(form, err);
      }
    });
    replace(holder, form);
  };
  load();
  return section('centre', t('centre_title'), holder);
}

// The server withholds another centre's staff or device (actor_id null): say so.
function actorLabel(e) {
  if (e.actor_handle) return e.actor_handle;
  if (e.actor_id) return `${e.actor_kind} #${e.actor_id}`;
  return ['staff', 'device'].includes(e.actor_kind)
    ? t('actor_elsewhere', { kind: e.actor_kind }) : e.actor_kind;
}

function auditSection() {
  const patient = h('select', { name: 'patient_id' }, h('option', { value: '' }, t('any')));
  const staff = h('select', { name: 'staff_id' }, h('option', { value: '' }, t('any')));
  const body = h('tbody', {});
  const pager = h('p', { class: 'status', role: 'status' });
  const prev = h('button', { type: 'button', class: 'secondary' }, t('previous'));
  const next = h('button', { type: 'button', class: 'secondary' }, t('next'));
  let page = 1;
  const load = async () => {
    const data = await api('/api/v1/staff/admin/audit', { query: {
      patient_id: patient.value, staff_id: staff.value, page, per_page: 25 } });
    const pages = Math.max(1, Math.ceil(data.total / data.per_page));
    replace(body, data.items.map((e) => h('tr', {},
      h('td', {}, localTime(e.at)),
      h('td', {}, actorLabel(e)),
      h('td', {}, e.action), h('td', {}, e.patient_code || ''),
      h('td', { class: e.outcome === 'ok' ? '' : 'late' }, e.outcome))));
    pager.textContent = t('page_of', { page, pages, total: data.total });
    prev.disabled = page <= 1;
    next.disabled = page >= pages;
  };
  prev.addEventListener('click', () => { page -= 1; load(); });
  next.addEventListener('click', () => { page += 1; load(); });
  const form = h('form', { class: 'inline', id: 'audit-filter' },
    field(t('filter_patient'), patient), field(t('filter_staff'), staff),
    h('button', { type: 'submit', class: 'primary' }, t('filter')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    page = 1;
    load();
  });
  Promise.all([api('/api/v1/staff/overview'), api('/api/v1/staff/admin/staff')])
    .then(([patients, members]) => {
      for (const p of patients) patient.append(h('option', { value: p.id }, p.code));
      for (const s of members) staff.append(h('option', { value: s.id }, s.handle));
    }).catch(() => {});
  load();
  return section('audit', t('audit_title'), form,
    tableWrap(t('audit_title'), h('table', { class: 'audit', id: 'audit-table' },
      h('caption', { class: 'visually-hidden' }, t('audit_title')),
      h('thead', {}, h('tr', {}, [t('col_at'), t('col_actor'), t('col_action'), t('col_patient'),
        t('col_outcome')].map((l) => h('th', { scope: 'col' }, l)))), body)),
    h('div', { class: 'actions' }, prev, next), pager);
}

/** Registry outcomes export (course): a period of infusion dates, then CSV or JSON. */
function outcomesSection() {
  const from = h('input', { name: 'from', type: 'date' });
  const to = h('input', { name: 'to', type: 'date' });
  const link = (ext, label) => h('a', { class: 'button-link', id: `outcomes-${ext}`,
    href: `/api/v1/staff/admin/outcomes.${ext}`, download: '' }, label);
  const csv = link('csv', t('outcomes_export_csv'));
  const json = link('json', t('outcomes_export_json'));
  const update = () => {
    const query = new URLSearchParams();
    if (from.value) query.set('from', from.value);
    if (to.value) query.set('to', to.value);
    const tail = query.toString() ? `?${query}` : '';
    csv.href = `/api/v1/staff/admin/outcomes.csv${tail}`;
    json.href = `/api/v1/staff/admin/outcomes.json${tail}`;
  };
  from.addEventListener('change', update);
  to.addEventListener('change', update);
  return section('outcomes-export', t('outcomes_export_title'),
    h('p', { class: 'hint' }, t('outcomes_export_hint')),
    h('div', { class: 'inline' }, field(t('outcomes_export_from'), from),
      field(t('outcomes_export_to'), to)),
    h('div', { class: 'actions' }, csv, json));
}

/** Render the admin screens (admins only; others are sent to the queue). */
export function render(main, ctx) {
  if (ctx.me.role !== 'admin') {
    ctx.go('#/queue');
    return null;
  }
  replace(main, h('h1', {}, t('admin_title')), staffSection(ctx.me), centreSection(),
    outcomesSection(), auditSection());
  return null;
}
