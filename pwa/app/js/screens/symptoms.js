// Symptoms checklist, optional vital signs and the patient's own words, in the vocabulary of
// scenarios/FORMAT.md (policy v2 adds six symptoms, respiratory rate and free text).
import { vitalsDevice } from '../ble/panel.js';
import { bounds, otherMaxLength, parseNumber, VITALS } from '../bounds.js';
import { reveal } from '../checknav.js';
import { errorSlot, field, h, newId, show, t } from '../dom.js';
import { submit } from '../result.js';
import * as api from '../api.js';
import { markNothingNew } from '../today.js';
import { state } from '../state.js';
import { askIsThisRight, isUnusual } from '../unusual.js';

const SYMPTOMS = ['headache_severe', 'confusion', 'word_finding', 'slurred_speech', 'seizure',
  'hard_to_wake', 'weakness_one_side', 'facial_weakness', 'shortness_of_breath', 'rigors', 'dizziness',
  'sleepy', 'jerks', 'personality_change', 'heartbeat', 'gut_severe', 'bleeding'];

/** The free-text line: a textarea with label, hint and error slot. */
function otherField() {
  const id = newId('in');
  const max = otherMaxLength();
  const input = h('textarea', { id, name: 'other', rows: 3, maxLength: max, autocomplete: 'off' });
  const hint = h('p.hint', { id: `${id}-hint` }, t('otherHint', { max }));
  input.setAttribute('aria-describedby', hint.id);
  const error = errorSlot(input);
  return { el: h('div.field', {}, h('label', { htmlFor: id }, t('otherLabel')), hint, input, error.el),
    input, error, max };
}

/** Render the symptoms screen. */
export function showSymptoms() {
  const boxes = SYMPTOMS.map((s) => h('input', { type: 'checkbox', name: 'symptom', value: s }));
  const list = h('fieldset.checks', {}, h('legend', {}, t('symIntro')));
  const error = errorSlot(list); // at the top of the list it is about, beside the first box
  list.append(error.el, ...boxes.map((box) => h('label.option', {}, box, h('span', {}, t(`sym_${box.value}`)))));
  const vitals = VITALS.map((name) => ({
    name,
    ...field(t(`vital_${name}`), { type: 'text', inputMode: 'numeric', name, autocomplete: 'off', maxLength: 3 },
      name === 'respiratory_rate' ? t('respiratoryGuide') : ''),
  }));
  const ble = vitalsDevice(Object.fromEntries(vitals.map((v) => [v.name, v.input]))); // ble
  const other = otherField();
  const send = h('button.primary', { type: 'submit' }, t('send'));
  const none = h('a.button.secondary', { href: '#/' }, t('symNoneButton'));
  const question = h('div', { 'aria-live': 'polite' });
  const form = h('form', { novalidate: true }, list, other.el,
    h('fieldset.vitals', {}, h('legend', {}, t('vitalsTitle')), ble.el, vitals.map((v) => v.el)),
    question, send, none);
  none.addEventListener('click', async (event) => {
    event.preventDefault(); // Home must see the mark: the slot's last part is in
    state.flow = null;
    await markNothingNew(api.serverNow().toISOString()).catch(() => {});
    location.hash = '#/';
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.set('');
    let ok = true;
    const values = {};
    for (const v of vitals) {
      v.error.set('');
      const text = v.input.value.trim();
      if (!text) continue;
      const n = parseNumber(text);
      const [min, max] = bounds(v.name) || [0, Infinity];
      if (!Number.isInteger(n) || n < min || n > max) {
        v.error.set(t('vitalRange', { min, max }));
        ok = false;
      } else {
        values[v.name] = n;
      }
    }
    other.error.set('');
    const words = other.input.value.trim();
    if (words.length > other.max) {
      other.error.set(t('otherTooLong', { max: other.max }));
      ok = false;
    }
    if (!ok) { // only the field errors: never "nothing ticked" beside them
      reveal(form.querySelector('[aria-invalid="true"]'));
      return;
    }
    const symptoms = boxes.filter((b) => b.checked).map((b) => b.value);
    if (!symptoms.length && !Object.keys(values).length && !words) {
      error.set(t('errNeedSymptom'));
      reveal(boxes[0]);
      return;
    }
    const unusual = vitals.filter((v) => v.name in values && isUnusual(v.name, values[v.name])
      && !ble.fromDevice(v.name, values[v.name]));
    if (unusual.length) {
      const readings = unusual.map((v) => ({ label: t(`vital_${v.name}`), value: values[v.name] }));
      if (!(await askIsThisRight(question, readings))) {
        unusual[0].input.focus();
        return;
      }
    }
    send.disabled = true;
    const body = {};
    if (symptoms.length) body.symptoms = symptoms;
    if (Object.keys(values).length) Object.assign(body, { vitals: { ...values, ...ble.devices(values) } }, ble.observed(values));
    if (words) body.other = words;
    submit(body, 'symptoms');
  });
  show(h('section', {}, h('h1', {}, t('symTitle')), form));
}
