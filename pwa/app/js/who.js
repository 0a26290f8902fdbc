// Who asks the confusion-check questions (POLICY.md v2 "Who asks"): a caregiver, or the
// patient alone (the self-check, which never shows a right answer). Asked once per sitting.
import { h, show, t } from './dom.js';
import { state } from './state.js';

const REMEMBER_MS = 30 * 60 * 1000; // one sitting: the guided check asks only once

/** 'caregiver' or 'self' when known; null when the patient's phone must ask first. */
export function whoAsks() {
  if (state.context?.role === 'caregiver') return 'caregiver'; // the caregiver's own phone
  const known = state.whoAsks;
  return known && Date.now() - known.at < REMEMBER_MS ? known.value : null;
}

/** Remember the answer (null forgets it, so the question comes again). */
export function setWhoAsks(value) {
  state.whoAsks = value ? { value, at: Date.now() } : null;
}

/** On the patient's phone, ask "Is someone with you…?" unless known; true when asking. */
export function askWhoFirst(title, then) {
  if (whoAsks()) return false;
  const answer = (value) => () => { setWhoAsks(value); then(); };
  show(h('section', {},
    h('h1', {}, title),
    h('p.big', {}, t('whoQuestion')),
    h('div.actions', {},
      h('button.primary', { type: 'button', onclick: answer('caregiver') }, t('whoYes')),
      h('button.primary', { type: 'button', onclick: answer('self') }, t('whoNo')))));
  return true;
}

/** A button that forgets the answer and asks again. */
export function changeWho(then) {
  return h('button.secondary', { type: 'button', onclick: () => { setWhoAsks(null); then(); } },
    t('whoChange'));
}
