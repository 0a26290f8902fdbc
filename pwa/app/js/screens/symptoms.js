// Symptoms checklist and optional vital signs, in the vocabulary of scenarios/FORMAT.md.
import { bounds, parseNumber, VITALS } from '../bounds.js';
import { errorSlot, field, h, show, t } from '../dom.js';
import { submit } from '../result.js';
import { state } from '../state.js';

const SYMPTOMS = ['headache_severe', 'confusion', 'word_finding', 'slurred_speech', 'seizure',
  'hard_to_wake', 'weakness_one_side', 'facial_weakness', 'shortness_of_breath', 'rigors', 'dizziness'];

/** Render the symptoms screen. */
export function showSymptoms() {
  const boxes = SYMPTOMS.map((s) => h('input', { type: 'checkbox', name: 'symptom', value: s }));
  const list = h('fieldset.checks', {}, h('legend', {}, t('symIntro')),
    boxes.map((box) => h('label.option', {}, box, h('span', {}, t(`sym_${box.value}`)))));
  const vitals = VITALS.map((name) => ({
    name,
    ...field(t(`vital_${name}`), { type: 'text', inputMode: 'numeric', name, autocomplete: 'off', maxLength: 3 }),
  }));
  const send = h('button.primary', { type: 'submit' }, t('send'));
  const none = h('a.button.secondary', { href: '#/' }, t('symNoneButton'));
  const error = errorSlot(send);
  const form = h('form', { novalidate: true }, list,
    h('fieldset.vitals', {}, h('legend', {}, t('vitalsTitle')), vitals.map((v) => v.el)),
    send, error.el, none);
  none.addEventListener('click', () => { state.flow = null; });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
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
    if (!ok) return;
    const symptoms = boxes.filter((b) => b.checked).map((b) => b.value);
    if (!symptoms.length && !Object.keys(values).length) {
      error.set(t('symNothing'));
      return;
    }
    send.disabled = true;
    const body = {};
    if (symptoms.length) body.symptoms = symptoms;
    if (Object.keys(values).length) body.vitals = values;
    submit(body, 'symptoms');
  });
  show(h('section', {}, h('h1', {}, t('symTitle')), form));
}
