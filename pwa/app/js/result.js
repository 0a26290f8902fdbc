// Sending an entry through the outbox and showing what to do now, in large type.
import { localInstruction } from './advice.js';
import { h, show, t } from './dom.js';
import { foundList, foundOfEntry, reasonOf } from './alerts.js';
import * as outbox from './outbox.js';
import { isEnded, monitoringEnded } from './screens/ended.js';
import { summary } from './screens/home.js';
import { state } from './state.js';

const NEXT_NAMES = {
  temperature: 'check_temperature', ice: 'check_ice', tremor: 'check_tremor',
  handwriting: 'check_handwriting', symptoms: 'check_symptoms',
};

/** Queue a check-in, try to send it now, then show the instruction. */
export async function submit(body, kind) {
  const entry = await outbox.enqueue(body, kind);
  let answer = null;
  try {
    const results = await outbox.flush();
    answer = results.find((r) => r.entry.id === entry.id) || null;
    if (!answer) { // another flush (a tab, the service worker) handled it
      const sent = (await outbox.sent()).find((s) => s.id === entry.id);
      const waiting = await outbox.find(entry.id);
      if (sent) answer = { ok: true, response: sent.response };
      else if (waiting?.status === 'error') answer = { ok: false, retryable: false, entry: waiting };
    }
  } catch {
    answer = null;
  }
  const next = advanceFlow(kind);
  const role = state.context?.role;
  const entered = summary(entry.body);
  if (answer?.ok) {
    const reasons = (answer.response?.findings || []).map(reasonOf);
    showResult({ instruction: answer.response?.instruction, sent: true, next, entered,
      found: foundOfEntry(reasons, entry.body, role) });
  } else if (answer && isEnded(answer.entry?.error)) {
    await monitoringEnded(answer.entry.error);
  } else if (answer && !answer.retryable) {
    showRefused(answer.entry);
  } else {
    // without published thresholds the phone cannot judge the entry: never say "nothing alarming"
    const local = localInstruction(entry.body, state.thresholds) || { severity: null, unknown: true };
    showResult({ instruction: local, sent: false, next, entered,
      found: foundOfEntry(local.reasons, entry.body, role) });
  }
}


function advanceFlow(kind) {
  const flow = state.flow;
  if (!flow || flow.steps[flow.index] !== kind) return null;
  flow.index += 1;
  while (flow.index < flow.steps.length && flow.done?.includes(flow.steps[flow.index])) {
    flow.index += 1; // already in for this slot (the check is being continued)
  }
  if (flow.index >= flow.steps.length) {
    state.flow = null;
    return null;
  }
  return flow.steps[flow.index];
}

function callLink(number, label, cls = 'call') {
  return h(`a.button.${cls}`, { href: `tel:${String(number).replace(/[^\d+]/g, '')}` }, label);
}

/** Show the server's (or the locally computed) instruction. */
export function showResult({ instruction, sent, next, entered = '', found = [] }) {
  const ctx = state.context || {};
  const severity = instruction?.severity || null;
  const heading = severity ? t(`advice_${severity}`) : t('resultThanks');
  const parts = [h('h1.advice', {}, heading)];
  if (severity && found.length) parts.push(h('p.because', {}, t('resultBecause', { list: foundList(found) })));
  if (entered) parts.push(h('p.entered', {}, t('resultEntered', { what: entered })));
  if (severity && instruction?.text) parts.push(h('p.big', {}, instruction.text));
  if (severity === 'emergency') {
    const number = instruction.phone || ctx.emergency_number;
    parts.push(callLink(number, t('callEmergencyNow', { number }), 'call.danger'));
    parts.push(callLink(ctx.centre_phone, t('callNow', { phone: ctx.centre_phone })));
  } else if (severity === 'urgent') {
    parts.push(callLink(instruction.phone || ctx.centre_phone, t('callNow', { phone: instruction.phone || ctx.centre_phone }), 'call.danger'));
  } else if (instruction?.unknown) {
    parts.push(h('p.big', {}, t('advice_unknown')));
    parts.push(callLink(ctx.centre_phone, t('callNow', { phone: ctx.centre_phone })));
  } else if (!severity && instruction?.server_check?.length) {
    // a rule needs the patient's earlier entries: the centre will check, never "nothing alarming"
    parts.push(h('p.big', {}, t('adviceServerCheck')));
    parts.push(callLink(ctx.centre_phone, t('callNow', { phone: ctx.centre_phone })));
  } else if (!severity) {
    parts.push(h('p.big', {}, t('advice_none')));
  }
  if (severity && instruction?.server_check?.length) parts.push(h('p.hint', {}, t('adviceServerCheck')));
  parts.push(h('p.status', { role: 'status' }, sent ? t('resultSent') : t('resultQueued')));
  if (instruction?.offline) parts.push(h('p.hint', {}, t('adviceOfflineNote')));
  if (next) {
    parts.push(h('a.button.primary', { href: `#/${next}` }, t('continueCheck', { name: t(NEXT_NAMES[next]) })));
  }
  parts.push(h('a.button.secondary', { href: '#/' }, t('finishCheck')));
  history.replaceState(null, '', '#/sent'); // a reload goes Home, not to a filled-in form
  const box = h('section.result', { dataset: { severity: severity || 'none' } }, ...parts);
  show(box);
}

function showRefused(entry) {
  show(h('section.result', {},
    h('h1', {}, t('entryError', { message: entry.error?.message || '' })),
    h('a.button.primary', { href: '#/entries' }, t('entriesLink')),
    h('a.button.secondary', { href: '#/' }, t('finishCheck'))));
}
