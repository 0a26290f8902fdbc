// Small DOM helpers of the staff app; h(), append() and replace() are the shared ones.
import { h } from '/shared/dom.js';

export { append, h, replace } from '/shared/dom.js';

/** A data: URL for an SVG document string, usable as <img src> under a strict CSP. */
export function svgDataUrl(svg) {
  // Inline SVG made for HTML may omit the namespace, which an <img> needs.
  const doc = svg.includes('xmlns=') ? svg
    : svg.replace('<svg', '<svg xmlns="http://www.w3.org/2000/svg"');
  return 'data:image/svg+xml;charset=utf-8,' + encodeURIComponent(doc);
}

/** A labelled form field (label + control + optional hint and error slot). */
export function field(label, control, hint) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  const hintEl = hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null;
  if (hintEl) control.setAttribute('aria-describedby', hintEl.id);
  const error = h('span', { class: 'field-error', id: `${id}-error`, hidden: true });
  return h('div', { class: 'field' }, h('label', { for: id }, label), hintEl, control, error);
}

/** Show field errors from the API's error shape next to their controls in a form. */
export function showErrors(form, err) {
  for (const slot of form.querySelectorAll('.field-error')) {
    slot.hidden = true;
    slot.textContent = '';
  }
  for (const control of form.querySelectorAll('[aria-invalid]')) {
    control.removeAttribute('aria-invalid');
  }
  const fields = (err && err.fields) || {};
  let shown = false;
  for (const [name, messages] of Object.entries(fields)) {
    const control = form.elements.namedItem(name.split('.')[0]);
    const slot = control && control.id && document.getElementById(`${control.id}-error`);
    if (slot) {
      slot.textContent = messages.join(' ');
      slot.hidden = false;
      control.setAttribute('aria-invalid', 'true');
      shown = true;
    }
  }
  const general = form.querySelector('.form-error');
  if (general) {
    general.textContent = shown ? '' : (err && err.message) || '';
    general.hidden = shown || !err;
  }
}

/** Read a form's named controls into a plain object (checkbox -> boolean). */
export function formData(form) {
  const out = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') out[el.name] = el.checked;
    else out[el.name] = el.value;
  }
  return out;
}

/** A horizontally scrollable, keyboard-reachable region around a wide table. */
export function tableWrap(label, table) {
  return h('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': label },
    table);
}
