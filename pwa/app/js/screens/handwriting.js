// Handwriting: the standard sentence on a canvas, and the caregiver's judgement.
import { reveal } from '../checknav.js';
import { choice, errorSlot, h, show, t } from '../dom.js';
import { writingPad } from '../pad.js';
import { submit } from '../result.js';
import { handwritingSentence, state } from '../state.js';

/** Render the handwriting screen. */
export function showHandwriting() {
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
