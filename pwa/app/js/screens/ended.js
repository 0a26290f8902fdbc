// The closing screen: the centre ended monitoring, so this phone's token no longer works.
// The server answers 410 `monitoring_ended` with the centre's numbers only (README, "Ending
// monitoring"); they are kept on the phone so the screen still shows them offline.
import { h, show, t } from '../dom.js';
import { language } from '../i18n.js';
import * as store from '../store.js';
import { unenrol } from './settings.js';

const KEY = 'monitoring_ended';

/** True when an API error says that monitoring has ended for this phone. */
export const isEnded = (err) => err?.status === 410
  && err.body?.error?.code === 'monitoring_ended';

let ending = null; // several answers may say it at once (a flush of queued entries)

/** Forget the enrolment, keep only the numbers, and show the closing screen. */
export function monitoringEnded(err) {
  ending ??= (async () => {
    // the person's language stays with the numbers: the closing screen is read in it
    const contact = { ...(err.body.error.contact || {}), language: language() };
    await unenrol();
    await store.set(KEY, contact);
    document.dispatchEvent(new CustomEvent('cartwatch:unenrolled')); // main.js routes here
  })().finally(() => { ending = null; });
  return ending;
}

/** The numbers kept when monitoring ended (null if it has not). */
export const endedContact = () => store.get(KEY).then((value) => value ?? null);

/** A new enrolment replaces the closing screen. */
export const clearEnded = () => store.set(KEY, null);

const tel = (n) => `tel:${String(n).replace(/[^\d+]/g, '')}`;

/** Render the closing screen with the centre's number and the emergency number. */
export function showEnded(contact) {
  const name = contact.centre_name || '';
  const phone = contact.centre_phone || '';
  const emergency = contact.emergency_number || '';
  show(h('section.ended', {},
    h('h1', {}, t('endedTitle')),
    h('p', {}, t('endedText')),
    phone ? h('a.button.call', { href: tel(phone) }, t('endedCallCentre', { name, phone })) : '',
    emergency ? h('a.button.call.danger', { href: tel(emergency) },
      t('endedEmergency', { number: emergency })) : '',
    h('p', {}, t('endedNewCode'))));
}
