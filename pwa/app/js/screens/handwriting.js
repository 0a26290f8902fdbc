// Handwriting: the standard sentence on a canvas, and the caregiver's judgement.
import { choice, errorSlot, h, show, t } from '../dom.js';
import { writingPad } from '../pad.js';
import { submit } from '../result.js';
import { state } from '../state.js';

/** Render the handwriting screen. */
export function showHandwriting() {
  const pad = writingPad();
  const judge = choice(t('hwJudge'), 'judgement',
    ['same', 'worse', 'cannot_write'].map((j) => [j, t(`hw_${j}`)]));
  const send = h('button.primary', { type: 'submit' }, t('send'));
  const error = errorSlot(send);
  const form = h('form', { novalidate: true }, h('p.big', {}, t('hwSay')), pad.el, judge.el, send, error.el);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const judgement = judge.value();
    if (!judgement) {
      error.set(t('hwNeedJudgement'));
      return;
    }
    if (pad.isEmpty() && judgement !== 'cannot_write') {
      error.set(t('hwNeedWriting'));
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
