// Turning reminders on from a button press; the iOS "Add to Home Screen" explanation.
import { h, show, t } from '../dom.js';
import * as push from '../push.js';

/** The reminders block: a button, or why reminders are not possible here. */
export function notifyBlock() {
  const status = h('p.status', { role: 'status' });
  const parts = [h('h2', {}, t('notifyTitle')), h('p', {}, t('notifyIntro'))];
  if (push.isIos() && !push.isStandalone()) {
    parts.push(h('div.note', {}, h('h3', {}, t('iosTitle')), h('p', {}, t('iosSteps'))));
    return h('section.card', {}, ...parts);
  }
  const perm = push.permission();
  if (perm === 'unsupported') {
    status.textContent = t('notifyUnsupported');
  } else if (perm === 'denied') {
    status.textContent = t('notifyDenied');
  } else if (perm === 'granted') {
    status.textContent = t('notifyOn');
  } else {
    const button = h('button.primary', { type: 'button' }, t('notifyButton'));
    button.addEventListener('click', async () => {
      button.disabled = true;
      try {
        const result = await push.enable();
        status.textContent = t(result === 'granted' ? 'notifyOn' : result === 'denied' ? 'notifyDenied' : 'notifyUnsupported');
        if (result === 'granted') button.remove();
      } catch {
        status.textContent = t('notifyFailed');
      } finally {
        button.disabled = false;
      }
    });
    parts.push(button);
  }
  parts.push(status);
  return h('section.card', {}, ...parts);
}

/** After enrolment: confirm the role and offer reminders. */
export function showNotifySetup(role) {
  show(h('section', {},
    h('h1', {}, t('enrolledAs', { role: t(`role_${role}`) })),
    notifyBlock(),
    h('a.button.primary', { href: '#/' }, t('continueHome'))));
}
