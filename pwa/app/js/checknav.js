// One shared frame for every check screen (issue 15, finding 5): Back and Cancel (the
// installed app is standalone: there is no browser back button), "Step x of n" in the guided
// check, and `reveal`, which brings a missing part into view above the call bar and focuses
// it (WCAG 2.2 "Focus Not Obscured"; app.css sets the matching scroll-padding).
import { h, t } from './dom.js';
import { state } from './state.js';

function previousStep(flow) {
  for (let i = flow.index - 1; i >= 0; i -= 1) {
    if (!flow.done?.includes(flow.steps[i])) return i;
  }
  return -1;
}

/** Put Back / Cancel and the step line above the check screen now shown for `kind`. */
export function frameCheck(kind) {
  const section = document.querySelector('#main > section');
  if (!section || section.querySelector(':scope > nav.checknav')) return;
  const flow = state.flow && state.flow.steps[state.flow.index] === kind ? state.flow : null;
  const before = flow ? previousStep(flow) : -1;
  const back = h('a.button.secondary.back', {
    href: before >= 0 ? `#/${flow.steps[before]}` : '#/',
    onclick: () => { if (before >= 0) flow.index = before; },
  }, t('back'));
  const cancel = h('a.button.secondary.cancel', {
    href: '#/', onclick: () => { state.flow = null; },
  }, t(flow ? 'cancelCheck' : 'cancel'));
  const nav = h('nav.checknav', { 'aria-label': t('checkNavLabel') }, back, cancel);
  section.prepend(nav);
  if (flow) {
    const heading = section.querySelector('h1');
    const line = h('p.flowstep', {}, t('flowStep', { n: flow.index + 1, total: flow.steps.length }));
    if (heading) heading.before(line);
    else nav.after(line);
  }
}

/** Scroll a control into view clear of the call bar and focus it. */
export function reveal(control) {
  if (!control) return;
  control.focus({ preventScroll: true });
  control.scrollIntoView({ block: 'center' });
}
