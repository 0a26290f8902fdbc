// Building the DOM without inline handlers or styles; t() and strings come from i18n.js.
import { h } from '/shared/dom.js';

export { strings, t } from './i18n.js';
export { append, h, replace } from '/shared/dom.js';

let uid = 0;
/** A unique element id. */
export function newId(prefix = 'f') {
  uid += 1;
  return `${prefix}-${uid}`;
}

let navigations = 0;

/** Count a navigation; a screen still loading when another opens must not replace it. */
export function navigated() {
  navigations += 1;
  return navigations;
}

/** The current navigation number (compare before showing late results). */
export const navigation = () => navigations;

/** Update the screen already shown without moving focus (live counts). */
export function update(...nodes) {
  const main = document.getElementById('main');
  const next = document.createElement('div');
  next.append(...nodes.filter((node) => node !== null && node !== undefined));
  // Unchanged: keep the live nodes, so a tap landing during a background refresh still counts.
  if (next.innerHTML === main.innerHTML) return;
  main.replaceChildren(...next.childNodes);
}

/** Replace the main region with a screen and move focus to its heading. */
export function show(...nodes) {
  const main = document.getElementById('main');
  main.replaceChildren(...nodes);
  const heading = main.querySelector('h1');
  if (heading) {
    heading.tabIndex = -1;
    heading.focus({ preventScroll: true });
  }
  window.scrollTo(0, 0);
}

/** A group of big radio buttons; returns {el, value()}. */
export function choice(legend, name, options, { onchange, required = true } = {}) {
  const inputs = options.map(([value, label]) => {
    const input = h('input', { type: 'radio', name, value, required, onchange });
    return h('label.option', {}, input, h('span', {}, label));
  });
  const el = h('fieldset.choices', {}, h('legend', {}, legend), inputs);
  return {
    el,
    value: () => el.querySelector('input:checked')?.value ?? null,
  };
}

/** An inline error slot tied to a control through aria-describedby. */
export function errorSlot(control) {
  const slot = h('p.error', { id: newId('err'), role: 'alert' });
  if (control) {
    const ids = [control.getAttribute('aria-describedby'), slot.id].filter(Boolean).join(' ');
    control.setAttribute('aria-describedby', ids);
  }
  return {
    el: slot,
    set(text) {
      slot.textContent = text || '';
      if (control) control.setAttribute('aria-invalid', text ? 'true' : 'false');
    },
  };
}

/** A labelled input with hint and error slot. */
export function field(label, props = {}, hint = '') {
  const id = newId('in');
  const input = h('input', { id, ...props });
  const parts = [h('label', { htmlFor: id }, label)];
  if (hint) {
    const hintEl = h('p.hint', { id: `${id}-hint` }, hint);
    input.setAttribute('aria-describedby', hintEl.id);
    parts.push(hintEl);
  }
  const error = errorSlot(input);
  return { el: h('div.field', {}, ...parts, input, error.el), input, error };
}
