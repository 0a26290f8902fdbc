// Building elements without innerHTML or inline handlers (CSP and injection safety), for
// both apps: one h() with one set of rules, so a call reads the same in either.

/** Whether `name` is a property of `el` that can be assigned (not a getter only, like
 *  input.list or input.form, which must be set as attributes). */
function settable(el, name) {
  for (let o = el; o; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, name);
    if (d) return Boolean(d.set || d.writable);
  }
  return false;
}

/** Create an element: h('button.big.primary', {type: 'button', onclick: fn,
 *  'aria-label': 'y'}, 'Text', child, [more]).
 *  spec: a tag with optional '.class' parts ('' or '.x' alone make a div).
 *  props: null, undefined and false are left out; `class` adds classes; `text` sets the text;
 *  `dataset` fills data-*; on<event> with a function listens; a settable property without a
 *  dash is assigned (value, checked, htmlFor, hidden); anything else is an attribute
 *  (true as ''). children: strings, numbers, nodes and arrays of them, nested; null,
 *  undefined and false are left out. */
export function h(spec, props = {}, ...children) {
  const [tag, ...classes] = String(spec).split('.');
  const el = document.createElement(tag || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (name === 'class') el.className = [el.className, value].filter(Boolean).join(' ');
    else if (name === 'text') el.textContent = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (!name.includes('-') && settable(el, name)) el[name] = value;
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  return append(el, children);
}

/** Append children (strings, nodes, nested arrays; null, undefined, false left out). */
export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** Replace an element's content. */
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}
