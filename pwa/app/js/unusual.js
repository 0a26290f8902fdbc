// "Is this right?" before sending a reading outside the usual range (POLICY.md v2, Input
// bounds). The range is the server's (device context `usual_range`): the app keeps no copy.
// The question never refuses: a confirmed value is sent, because a real shock reading must
// reach the centre. Values outside the input bounds are still refused before this step.
import { h, t } from './dom.js';
import { state } from './state.js';

/** [low, high] of the usual range for 'temperature' (per unit) or a vital; null when the
 *  stored context predates it (then nothing is questioned; the server still checks bounds). */
export function usualRange(name, unit) {
  const published = state.context?.usual_range?.[name];
  const range = name === 'temperature' ? published?.[unit] : published;
  return Array.isArray(range) && range.length === 2 ? range : null;
}

/** Whether a value lies outside its usual range. */
export function isUnusual(name, value, unit) {
  const range = usualRange(name, unit);
  return Boolean(range) && (value < range[0] || value > range[1]);
}

let pending = null; // the question on screen: a new one answers the old one "no"

/** Show the question in `slot` for these readings ([{label, value}]); resolves true when
 *  the person confirms (send as typed), false when they choose to correct it. */
export function askIsThisRight(slot, readings) {
  if (pending) pending(false);
  return new Promise((resolve) => {
    const done = (answer) => {
      pending = null;
      slot.replaceChildren();
      resolve(answer);
    };
    pending = done;
    const heading = h('h2', { id: 'unusual-title', tabIndex: -1 }, t('unusualTitle'));
    const panel = h('section.unusual', { role: 'alertdialog', 'aria-labelledby': 'unusual-title',
      'aria-describedby': 'unusual-text' },
    heading,
    h('p', { id: 'unusual-text' }, t('unusualText')),
    h('ul', {}, readings.map((r) => h('li', {}, t('unusualLine', r)))),
    h('button.primary', { type: 'button', onclick: () => done(true) }, t('unusualYes')),
    h('button.secondary', { type: 'button', onclick: () => done(false) }, t('unusualNo')));
    slot.replaceChildren(panel);
    heading.focus();
  });
}
