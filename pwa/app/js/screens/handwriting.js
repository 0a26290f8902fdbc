// Handwriting: the standard sentence on a canvas, and the caregiver's judgement (a patient
// alone just writes: the measured comparison with the baseline does the rest, POLICY.md v2).
import { reveal } from '../checknav.js';
import { choice, errorSlot, h, show, t } from '../dom.js';
import { writingPad } from '../pad.js';
import { submit } from '../result.js';
import { handwritingSentence, state } from '../state.js';
import { askWhoFirst, changeWho, whoAsks } from '../who.js';

/** Render the handwriting screen. */
export function showHandwriting() {
  if (askWhoFirst(t('hwTitle'), showHandwriting)) return;
  if (whoAsks() === 'self') return showAlone();
  const pad = writingPad();
  const judge = choice(t('hwJudge'), 'judgement',
    ['same', 'worse', 'cannot_write'].map((j) => [j, t(`hw_${j}`)]));
  const send = h('button.primary', { type: 'submit' }, t('send'));
  const error = errorSlot(send);
  const form = h('form', { novalidate: true }, h('p.big', {}, t('hwSaySentence', { sentence: handwritingSentence() || t('hwSentence') })), pad.el, judge.el, send, error.el);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const judgement = judge.value();
    if (!judgement) {
      error.set(t('errNeedJudgement'));
      reveal(judge.el.querySelector('input'));
      return;
    }
    if (pad.isEmpty() && judgement !== 'cannot_write') {
      error.set(t('hwNeedWriting'));
      reveal(pad.el.querySelector('canvas') || pad.el);
      return;
    }
    send.disabled = true;
    const handwriting = { judgement };
    if (!pad.isEmpty()) {
      handwriting.strokes = pad.data();
      state.lastSentence = { at: Date.now(), data: handwriting.strokes };
    }
    submit({ handwriting }, 'handwriting');
  });
  show(h('section', {}, h('h1', {}, t('hwTitle')), form));
}

/** The patient alone: write the sentence (or say writing is not possible), no judgement. */
function showAlone() {
  const pad = writingPad();
  const cannotBox = h('input', { type: 'checkbox' });
  const send = h('button.primary', { type: 'submit' }, t('send'));
  const error = errorSlot(send);
  const form = h('form', { novalidate: true }, h('p.big', {}, t('hwSay')), h('p', {}, t('hwAloneNote')),
    pad.el, h('label.check', {}, cannotBox, h('span', {}, t('hwAloneCannot'))), send, error.el);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (pad.isEmpty() && !cannotBox.checked) {
      error.set(t('hwAloneNeedWriting'));
      return;
    }
    send.disabled = true;
    const handwriting = cannotBox.checked ? { judgement: 'cannot_write' } : { strokes: pad.data() };
    if (handwriting.strokes) state.lastSentence = { at: Date.now(), data: handwriting.strokes };
    submit({ handwriting }, 'handwriting');
  });
  show(h('section', {}, h('h1', {}, t('hwTitle')), changeWho(showHandwriting), form));
}
